# SPDX-License-Identifier: GPL-2.0-or-later
"""Integration tests: a guest program run by the real qemu-<arch>."""

load("//toolchains:guest.bzl", "GUEST_ARCHES", "guest_files")

def guest_test_inputs():
    """Per guest arch, :gtl_<arch> (the GTL built for that guest) and
    :guest_zlib_<arch> (the guest's own, real zlib)."""
    for arch in GUEST_ARCHES:
        guest_files(name = "gtl_" + arch, arch = arch, srcs = ["//gtl:libz.so.1"])
        guest_files(name = "guest_zlib_" + arch, arch = arch, srcs = ["//deps:libz.so.1"])

def guest_exports_tests(name):
    """<name>_<arch>: the GTL's exports equal the real libz.so.1's."""
    for arch in GUEST_ARCHES:
        native.sh_test(
            name = "%s_%s" % (name, arch),
            srcs = ["run_exports_test.sh"],
            args = [
                arch,
                "$(rootpath :gtl_%s)" % arch,
                "$(rootpath :guest_zlib_%s)" % arch,
            ],
            data = [":gtl_" + arch, ":guest_zlib_" + arch],
            size = "small",
        )

def guest_diff_tests(name, program):
    """<name>_<arch>: passthrough, GTL fallback and the guest's own zlib
    give identical transcripts (run_diff_test.sh)."""
    for arch in GUEST_ARCHES:
        prog = "%s_prog_%s" % (name, arch)
        guest_files(name = prog, arch = arch, srcs = [program])
        native.sh_test(
            name = "%s_%s" % (name, arch),
            srcs = ["run_diff_test.sh"],
            args = [
                arch,
                "$(rootpath //tools:qemu-passthrough)",
                "$(rootpath //plugin:libpassthrough.so)",
                "$(rootpath //htl:libz_HTL.so)",
                "$(rootpath :gtl_%s)" % arch,
                "$(rootpath :guest_zlib_%s)" % arch,
                "$(rootpath :%s)" % prog,
            ],
            data = [
                ":gtl_" + arch,
                ":guest_zlib_" + arch,
                ":" + prog,
                "//htl:libz_HTL.so",
                "//plugin:libpassthrough.so",
                "//tools:qemu-passthrough",
            ],
            size = "medium",
            tags = ["qemu"],
        )

def guest_program_tests(name, program, modes):
    """For each guest arch and mode, sh_test <name>_<mode>_<arch>...

    Mode "roundtrip" is named <name>_roundtrip_<arch> etc.; see
    run_guest_test.sh for what each mode checks.

    Args:
      name: prefix of the test names.
      program: the guest cc_binary.
      modes: dict of test-name infix -> run_guest_test.sh mode.
    """
    for arch in GUEST_ARCHES:
        prog = "%s_prog_%s" % (name, arch)
        guest_files(name = prog, arch = arch, srcs = [program])
        for infix, mode in modes.items():
            native.sh_test(
                name = "_".join([p for p in [name, infix, arch] if p]),
                srcs = ["run_guest_test.sh"],
                args = [
                    mode,
                    arch,
                    "$(rootpath //tools:qemu-passthrough)",
                    "$(rootpath //plugin:libpassthrough.so)",
                    "$(rootpath //htl:libz_HTL.so)",
                    "$(rootpath :gtl_%s)" % arch,
                    "$(rootpath :%s)" % prog,
                ],
                data = [
                    ":gtl_" + arch,
                    ":" + prog,
                    "//htl:libz_HTL.so",
                    "//plugin:libpassthrough.so",
                    "//tools:qemu-passthrough",
                ],
                size = "small",
                tags = ["qemu"],
            )

def zlib_programs_tests(name):
    """<name>_<arch>: zlib's own example and minigzip, unmodified, against
    the GTL (run_zlib_programs_test.sh)."""
    for arch in GUEST_ARCHES:
        example = "%s_example_%s" % (name, arch)
        minigzip = "%s_minigzip_%s" % (name, arch)
        guest_files(name = example, arch = arch, srcs = ["//deps:zlib_example"])
        guest_files(name = minigzip, arch = arch, srcs = ["//deps:zlib_minigzip"])
        native.sh_test(
            name = "%s_%s" % (name, arch),
            srcs = ["run_zlib_programs_test.sh"],
            args = [
                arch,
                "$(rootpath //tools:qemu-passthrough)",
                "$(rootpath //plugin:libpassthrough.so)",
                "$(rootpath //htl:libz_HTL.so)",
                "$(rootpath :gtl_%s)" % arch,
                "$(rootpath :guest_zlib_%s)" % arch,
                "$(rootpath :%s)" % example,
                "$(rootpath :%s)" % minigzip,
            ],
            data = [
                ":gtl_" + arch,
                ":guest_zlib_" + arch,
                ":" + example,
                ":" + minigzip,
                "//htl:libz_HTL.so",
                "//plugin:libpassthrough.so",
                "//tools:qemu-passthrough",
            ],
            size = "medium",
            tags = ["qemu"],
        )
