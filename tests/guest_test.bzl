# SPDX-License-Identifier: GPL-2.0-or-later
"""Integration tests: a guest program run by the real qemu-<arch>."""

load("//toolchains:guest.bzl", "GUEST_ARCHES", "guest_files")

def guest_test_inputs():
    """Per guest arch, :gtl_<arch>: the GTL built for that guest."""
    for arch in GUEST_ARCHES:
        guest_files(name = "gtl_" + arch, arch = arch, srcs = ["//gtl:libz.so.1"])

# Modes that cannot run with the sanitizers preloaded into QEMU: QEMU
# deadlocks in exit() under ASan when it stops at start-up (a plugin that
# refuses to load), and -B puts guest memory inside ASan's shadow.
_NO_ASAN_MODES = ["badhtldir", "guestbase"]

def guest_program_tests(name, program, modes):
    """For each guest arch and mode, sh_test <name>_<mode>_<arch>...

    Mode "roundtrip" is named <name>_roundtrip_<arch> etc.; see
    run_guest_test.sh for what each mode checks. Modes that cannot run
    under --config=asan are tagged no_asan.

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
                    "$(rootpath //tests:partial_htl/libz_HTL.so)",
                ],
                data = [
                    ":gtl_" + arch,
                    ":" + prog,
                    "//tests:partial_htl/libz_HTL.so",
                    "//htl:libz_HTL.so",
                    "//plugin:libpassthrough.so",
                    "//tools:qemu-passthrough",
                ],
                size = "small",
                tags = ["qemu"] + (["no_asan"] if mode in _NO_ASAN_MODES else []),
            )
