# SPDX-License-Identifier: GPL-2.0-or-later
"""Integration tests: a guest program run by the real qemu-<arch>."""

load("//toolchains:guest.bzl", "GUEST_ARCHES", "guest_files")

# The QEMUs every integration test runs under: Debian's stock qemu-user
# 7.2 with the syscall-entry plugin, and the project-built filter QEMU
# (tools/build-filter-qemu.sh, @filter_qemu) with the filter plugin. The
# plugin's stats must name the control path that served the calls.
QEMU_VARIANTS = {
    "": struct(
        qemu = None,
        plugin = "//plugin:libpassthrough.so",
        control_path = "syscall-entry",
    ),
    "_filter": struct(
        qemu = "@filter_qemu//:qemu-%s",
        plugin = "//plugin:libpassthrough_filter.so",
        control_path = "filter",
    ),
}

def library(name, soname, htl, partial_htl = None, debian = None, sanitize_paths = True):
    """What the tests need to know of a thunk library (//libs): its GTL
    per guest (//libs:<name>_gtl_<arch>), the guest's real library
    (//libs:<name>_real_<arch>), its HTL, an HTL lacking entries,
    Debian's binary of the library per guest ({arch: label}; by default the
    host's, for every guest), and whether its tests of the other control
    paths (_filter twins, _syscall, _nogate) run in the sanitizer pass
    (else they are tagged asan_skip)."""
    return struct(
        sanitize_paths = sanitize_paths,
        name = name,
        soname = soname,
        htl = htl,
        gtl = "//libs:%s_gtl_" % name,
        real = "//libs:%s_real_" % name,
        partial_htl = partial_htl,
        debian = debian or {},
    )

def guest_exports_tests(name, lib):
    """<name>_<arch>: the GTL's exports equal the real library's."""
    for arch in GUEST_ARCHES:
        native.sh_test(
            name = "%s_%s" % (name, arch),
            srcs = ["//tests:run_exports_test.sh"],
            args = [
                arch,
                lib.soname,
                "$(rootpath %s%s)" % (lib.gtl, arch),
                "$(rootpath %s%s)" % (lib.real, arch),
            ] + (["$(rootpaths %s)" % lib.debian[arch]] if arch in lib.debian else []),
            data = [lib.gtl + arch, lib.real + arch] +
                   ([lib.debian[arch]] if arch in lib.debian else []),
            size = "small",
            # Guest files only: nothing for the sanitizers.
            tags = ["asan_skip"],
        )

def guest_layout_tests(name, lib):
    """<name>_<arch>: the GTL's SIZED functions have zlib's code inlined
    and lie in one page with their host path (run_layout_test.sh)."""
    for arch in GUEST_ARCHES:
        native.sh_test(
            name = "%s_%s" % (name, arch),
            srcs = ["run_layout_test.sh"],
            args = [arch, "$(rootpath %s%s)" % (lib.gtl, arch)],
            data = [lib.gtl + arch],
            size = "small",
            # Guest files only: nothing for the sanitizers.
            tags = ["asan_skip"],
        )

def guest_diff_tests(name, lib, program):
    """<name>_<arch>: passthrough, GTL fallback and the guest's own library
    give identical transcripts (run_diff_test.sh)."""
    for arch in GUEST_ARCHES:
        prog = "%s_prog_%s" % (name, arch)
        guest_files(name = prog, arch = arch, srcs = [program])
        for suffix, q in QEMU_VARIANTS.items():
            qemu = q.qemu % arch if q.qemu else None
            native.sh_test(
                name = "%s_%s%s" % (name, arch, suffix),
                srcs = ["//tests:run_diff_test.sh"],
                args = [
                    arch,
                    "$(rootpath //tools:qemu-passthrough)",
                    "$(rootpath %s)" % q.plugin,
                    "$(rootpath %s)" % lib.htl,
                    "$(rootpath %s%s)" % (lib.gtl, arch),
                    "$(rootpath %s%s)" % (lib.real, arch),
                    "$(rootpath :%s)" % prog,
                    "$(rootpath %s)" % qemu if qemu else "system",
                    q.control_path,
                ],
                data = [
                    lib.gtl + arch,
                    lib.real + arch,
                    ":" + prog,
                    lib.htl,
                    q.plugin,
                    "//tools:qemu-passthrough",
                ] + ([qemu] if qemu else []),
                size = "medium",
                tags = ["qemu"] + (["filter_qemu", "asan_skip"] if qemu else []),
            )

# Modes that cannot run with the sanitizers preloaded into QEMU: QEMU
# deadlocks in exit() under ASan when it stops at start-up (a plugin that
# refuses to load), and -B puts guest memory inside ASan's shadow.
_NO_ASAN_MODES = ["badhtldir", "guestbase"]

# Modes that load no plugin: nothing of them is host code to sanitize.
_NO_HOST_MODES = ["fallback"]

# Modes that differ from "gate" only in the control path the calls take.
_PATH_MODES = ["syscall", "nogate"]

def guest_program_tests(name, lib, program, modes):
    """For each guest arch, mode and QEMU, sh_test <name>_<mode>_<arch>[_filter].

    Mode "roundtrip" is named <name>_roundtrip_<arch> etc.; see
    run_guest_test.sh for what each mode checks. The _filter twin runs the
    same under the project-built filter QEMU with the filter plugin. Modes
    that cannot run under --config=asan are tagged no_asan; those that
    load no plugin, and a library's control-path variants (_filter twins,
    _PATH_MODES) unless it is sanitize_paths, asan_skip.

    Args:
      name: prefix of the test names.
      lib: the thunk library (library()).
      program: the guest cc_binary.
      modes: dict of test-name infix -> run_guest_test.sh mode.
    """
    for arch in GUEST_ARCHES:
        prog = "%s_prog_%s" % (name, arch)
        guest_files(name = prog, arch = arch, srcs = [program])
        for infix, mode in modes.items():
            for suffix, q in QEMU_VARIANTS.items():
                qemu = q.qemu % arch if q.qemu else None
                native.sh_test(
                    name = "_".join([p for p in [name, infix, arch] if p]) + suffix,
                    srcs = ["//tests:run_guest_test.sh"],
                    args = [
                        mode,
                        arch,
                        "$(rootpath //tools:qemu-passthrough)",
                        "$(rootpath %s)" % q.plugin,
                        "$(rootpath %s)" % lib.htl,
                        "$(rootpath %s%s)" % (lib.gtl, arch),
                        "$(rootpath :%s)" % prog,
                        "$(rootpath %s)" % qemu if qemu else "system",
                        q.control_path,
                    ] + (["$(rootpath %s)" % lib.partial_htl] if mode == "partial" else []),
                    data = [
                        lib.gtl + arch,
                        ":" + prog,
                        lib.htl,
                        q.plugin,
                        "//tools:qemu-passthrough",
                    ] + ([lib.partial_htl] if mode == "partial" else []) +
                    ([qemu] if qemu else []),
                    size = "small",
                    tags = ["qemu"] + (["filter_qemu"] if qemu else []) +
                           (["no_asan"] if mode in _NO_ASAN_MODES else []) +
                           (["asan_skip"] if mode in _NO_HOST_MODES or
                                            (not lib.sanitize_paths and
                                             (qemu or mode in _PATH_MODES)) else []),
                )

def zlib_programs_tests(name, lib):
    """<name>_<arch>: zlib's own example and minigzip, unmodified, against
    the GTL (run_zlib_programs_test.sh)."""
    for arch in GUEST_ARCHES:
        example = "%s_example_%s" % (name, arch)
        minigzip = "%s_minigzip_%s" % (name, arch)
        guest_files(name = example, arch = arch, srcs = ["//deps:zlib_example"])
        guest_files(name = minigzip, arch = arch, srcs = ["//deps:zlib_minigzip"])
        for suffix, q in QEMU_VARIANTS.items():
            qemu = q.qemu % arch if q.qemu else None
            native.sh_test(
                name = "%s_%s%s" % (name, arch, suffix),
                srcs = ["run_zlib_programs_test.sh"],
                args = [
                    arch,
                    "$(rootpath //tools:qemu-passthrough)",
                    "$(rootpath %s)" % q.plugin,
                    "$(rootpath %s)" % lib.htl,
                    "$(rootpath %s%s)" % (lib.gtl, arch),
                    "$(rootpath %s%s)" % (lib.real, arch),
                    "$(rootpath :%s)" % example,
                    "$(rootpath :%s)" % minigzip,
                    "$(rootpath %s)" % qemu if qemu else "system",
                    q.control_path,
                ],
                data = [
                    lib.gtl + arch,
                    lib.real + arch,
                    ":" + example,
                    ":" + minigzip,
                    lib.htl,
                    q.plugin,
                    "//tools:qemu-passthrough",
                ] + ([qemu] if qemu else []),
                size = "medium",
                tags = ["qemu"] + (["filter_qemu"] if qemu else []),
            )

def upstream_style_tests(name, lib, library, program):
    """Per guest arch, sh_test <name>_<arch>_filter: `program` with the
    upstream-style `library` in place of libz.so.1, on the filter QEMU."""
    q = QEMU_VARIANTS["_filter"]
    for arch in GUEST_ARCHES:
        style_lib = "%s_lib_%s" % (name, arch)
        prog = "%s_prog_%s" % (name, arch)
        qemu = q.qemu % arch
        guest_files(name = style_lib, arch = arch, srcs = [library])
        guest_files(name = prog, arch = arch, srcs = [program])
        native.sh_test(
            name = "%s_%s_filter" % (name, arch),
            srcs = ["run_guest_test.sh"],
            args = [
                "upstream",
                arch,
                "$(rootpath //tools:qemu-passthrough)",
                "$(rootpath %s)" % q.plugin,
                "$(rootpath %s)" % lib.htl,
                "$(rootpath :%s)" % style_lib,
                "$(rootpath :%s)" % prog,
                "$(rootpath %s)" % qemu,
                q.control_path,
            ],
            data = [
                ":" + style_lib,
                ":" + prog,
                lib.htl,
                q.plugin,
                "//tools:qemu-passthrough",
                qemu,
            ],
            size = "small",
            tags = ["qemu", "filter_qemu"],
        )
