# SPDX-License-Identifier: GPL-2.0-or-later
"""c_sources: the project's own C sources and headers compiled into targets.

Follows `deps` (and `srcs`) of the given targets with an aspect and keeps
source files of this repository only, so a check over them covers every
file that goes into, say, the plugin and the HTL, even files added later.
"""

_SourcesInfo = provider(fields = ["files"])

def _collect_impl(target, ctx):
    own = []
    if ctx.label.workspace_root == "":
        for attr in ["srcs", "hdrs", "textual_hdrs"]:
            for f in getattr(ctx.rule.files, attr, []):
                if f.is_source:
                    own.append(f)
    deps = getattr(ctx.rule.attr, "deps", []) + getattr(ctx.rule.attr, "srcs", [])
    transitive = [d[_SourcesInfo].files for d in deps if _SourcesInfo in d]
    return [_SourcesInfo(files = depset(own, transitive = transitive))]

_collect = aspect(
    implementation = _collect_impl,
    attr_aspects = ["deps", "srcs"],
)

def _c_sources_impl(ctx):
    files = depset(transitive = [t[_SourcesInfo].files for t in ctx.attr.targets])
    return [DefaultInfo(files = files, runfiles = ctx.runfiles(transitive_files = files))]

c_sources = rule(
    implementation = _c_sources_impl,
    attrs = {"targets": attr.label_list(aspects = [_collect])},
    doc = "This repository's source files compiled into `targets`.",
)
