# SPDX-License-Identifier: GPL-2.0-or-later
"""thunk_library: one library passed through, from its spec.

A library is a folder libs/<name>/ (its spec.h, its GTL and HTL glue and
hand-written exceptions) and one thunk_library stanza in libs/BUILD.bazel,
which makes:

  <soname>              the GTL, for whichever guest platform is built
                        (--config=ARCH): the library's exports, on the
                        guest core (//gtl:core) and the guest's own copy
                        of the library renamed (`fallback`)
  <stem>_HTL.so         the HTL, for the host, on the host core (//htl:core)
  <name>_gtl_<arch>     the GTL built for each guest
  <name>_real_<arch>    the guest's real library (`real`), for comparisons
  and the tests every library gets, on every guest, on stock QEMU and
  (_filter) on the filter QEMU:
  <name>_exports_<arch>     the GTL exports what the real library does
  <name>_roundtrip_<arch>   the `roundtrip` program, every call on the host
                            (gate), and its other modes: _syscall, _nogate,
                            _fallback (no plugin), _nohtl, _partialhtl
                            (with `partial_htl`), _guestbase, _badhtldir
  <name>_threads_<arch>     the `threads` program, on the host
  <name>_evil_<arch>        the `evil` program (hostile requests)
  <name>_diff_<arch>        the `diff` program: host, GTL fallback and the
                            real library give identical transcripts
"""

load("//tests:guest_test.bzl", "guest_diff_tests", "guest_exports_tests", "guest_program_tests", "library")
load("//toolchains:copts.bzl", "GTL_COPTS", "HTL_COPTS")
load("//toolchains:guest.bzl", "GUEST_ARCHES", "guest_files")

# The roundtrip program's modes (tests/run_guest_test.sh).
_ROUNDTRIP_MODES = {
    "roundtrip": "gate",
    "syscall": "syscall",
    "nogate": "nogate",
    "fallback": "fallback",
    "nohtl": "nohtl",
    "guestbase": "guestbase",
    "badhtldir": "badhtldir",
}

def thunk_library(
        name,
        soname,
        gtl_srcs,
        htl_srcs,
        version_script,
        fallback,
        real,
        roundtrip,
        threads,
        evil,
        diff,
        gtl_deps = [],
        htl_deps = [],
        copts = [],
        partial_htl = None,
        debian = None,
        sanitize_paths = True):
    """A thunk library and its tests (see the file's comment).

    Args:
      name: the library's short name (zlib), the tests' prefix.
      soname: the GTL's SONAME and file name (libz.so.1).
      gtl_srcs: the GTL's sources: its glue, spec and hand-written parts.
      htl_srcs: the HTL's sources.
      version_script: the real library's version map (symbol versions).
      fallback: the guest's own library, symbols renamed, built in.
      real: the guest's real library (a guest-side target).
      roundtrip, threads, evil, diff: the guest test programs.
      gtl_deps, htl_deps: more dependencies (the library's headers).
      copts: more compiler options for both sides.
      partial_htl: an HTL lacking entries, for _partialhtl.
      debian: Debian's binary of the library for each guest, {arch: label}
        (by default the host's, for every guest).
      sanitize_paths: whether the tests of the other control paths (the
        _filter twins, _syscall, _nogate) run in the sanitizer pass
        (.ci/run). Those paths are the same for every library; one
        library's tests sanitize them.
    """
    htl = soname.split(".so")[0] + "_HTL.so"
    native.cc_binary(
        name = soname,
        srcs = gtl_srcs,
        additional_linker_inputs = [version_script],
        copts = GTL_COPTS + copts + ["-DGTL_SONAME='\"%s\"'" % soname],
        linkopts = [
            "-Wl,-soname," + soname,
            # The real library's version map: the same symbol versions.
            "-Wl,--version-script=$(location %s)" % version_script,
            "-Wl,-z,defs",
        ],
        linkshared = True,
        target_compatible_with = ["//toolchains:guest_side"],
        deps = ["//gtl:core", fallback] + gtl_deps,
    )
    native.cc_binary(
        name = htl,
        srcs = htl_srcs,
        copts = HTL_COPTS + copts,
        # Only what it uses: not the toolchain's default libstdc++ and libm,
        # which the plugin would load into QEMU at the GTL's connect.
        linkopts = ["-Wl,--as-needed"],
        linkshared = True,
        target_compatible_with = ["//toolchains:host_side"],
        deps = ["//htl:core"] + htl_deps,
    )
    for arch in GUEST_ARCHES:
        guest_files(name = "%s_gtl_%s" % (name, arch), arch = arch, srcs = [":" + soname])
        guest_files(name = "%s_real_%s" % (name, arch), arch = arch, srcs = [real])

    lib = library(name = name, soname = soname, htl = ":" + htl, partial_htl = partial_htl, debian = debian, sanitize_paths = sanitize_paths)
    guest_exports_tests(name = name + "_exports", lib = lib)
    modes = dict(_ROUNDTRIP_MODES)
    if partial_htl:
        modes["partialhtl"] = "partial"
    guest_program_tests(name = name, lib = lib, modes = modes, program = roundtrip)
    guest_program_tests(name = name + "_threads", lib = lib, modes = {"": "gate"}, program = threads)
    guest_program_tests(name = name + "_evil", lib = lib, modes = {"": "evil"}, program = evil)
    guest_diff_tests(name = name + "_diff", lib = lib, program = diff)
