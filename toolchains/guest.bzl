# SPDX-License-Identifier: GPL-2.0-or-later
"""Builds targets for a guest inside a host build.

guest_files(arch = "aarch64", srcs = [...]) builds `srcs` for the aarch64
guest platform, so a host-side test can list them in its data.
"""

GUEST_ARCHES = ["x86_64", "aarch64", "riscv64"]

def _to_guest_impl(settings, attr):
    return {"//command_line_option:platforms": "//toolchains:%s-linux-gnu" % attr.arch}

_to_guest = transition(
    implementation = _to_guest_impl,
    inputs = [],
    outputs = ["//command_line_option:platforms"],
)

def _guest_files_impl(ctx):
    files = depset(transitive = [s[DefaultInfo].files for s in ctx.attr.srcs])
    runfiles = ctx.runfiles(transitive_files = files)
    for s in ctx.attr.srcs:
        runfiles = runfiles.merge(s[DefaultInfo].default_runfiles)
    return [DefaultInfo(files = files, runfiles = runfiles)]

guest_files = rule(
    implementation = _guest_files_impl,
    attrs = {
        "arch": attr.string(mandatory = True, values = GUEST_ARCHES),
        "srcs": attr.label_list(cfg = _to_guest, allow_files = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
    doc = "The files of `srcs`, built for guest `arch`.",
)

def _guest_file_impl(ctx):
    src = ctx.attr.src[0][DefaultInfo].files.to_list()
    if len(src) != 1:
        fail("%s: src must be one file, got %d" % (ctx.label, len(src)))
    out = ctx.actions.declare_file(ctx.attr.out)
    ctx.actions.symlink(output = out, target_file = src[0])
    runfiles = ctx.runfiles(files = [out])
    runfiles = runfiles.merge(ctx.attr.src[0][DefaultInfo].default_runfiles)
    return [DefaultInfo(files = depset([out]), runfiles = runfiles)]

guest_file = rule(
    implementation = _guest_file_impl,
    attrs = {
        "arch": attr.string(mandatory = True, values = GUEST_ARCHES),
        "src": attr.label(cfg = _to_guest, mandatory = True),
        "out": attr.string(mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
    doc = "`src` built for guest `arch`, placed at `out` in this package, " +
          "so files of several guests can sit side by side in one runfiles tree.",
)
