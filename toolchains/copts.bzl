# SPDX-License-Identifier: GPL-2.0-or-later
"""Compiler options of the thunk libraries' C code, core and libraries."""

# Guest side (GTLs). qemu-user 7.2 enters x86_64 guest signal handlers with
# the stack 8 bytes off the ABI's 16-byte alignment; a GTL function called
# from a handler must not rely on it (its SSE spills would fault).
GTL_COPTS = [
    "-fvisibility=hidden",
    "-Wall",
    "-Wextra",
] + select({
    "//toolchains:x86_64_guest": ["-mstackrealign"],
    "//conditions:default": [],
})

# Host side (HTLs): only the entries are exported.
HTL_COPTS = [
    "-fvisibility=hidden",
    "-Wall",
    "-Wextra",
]
