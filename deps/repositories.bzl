# SPDX-License-Identifier: GPL-2.0-or-later
"""Repository rules that bind the build to the machine's Debian packages.

Nothing here downloads: every repository is a view of files that
tools/setup.sh installed (see ../shared/notes/bazel-offline.md for why each
one exists).
"""

def _debian_rules_cc_impl(rctx):
    # Debian's bazel-rules-cc uses use_cpp_toolchain(), which Bazel 4.2.3
    # lacks: copy the tree and name the toolchain type directly.
    src = rctx.path(rctx.attr.path)
    rctx.execute(["cp", "-r", str(src) + "/.", "."])
    for f in [
        "cc/private/rules_impl/cc_flags_supplier.bzl",
        "cc/private/rules_impl/compiler_flag.bzl",
    ]:
        text = rctx.read(f)
        text = text.replace(', "use_cpp_toolchain")', ")")
        text = text.replace(
            "use_cpp_toolchain()",
            '["@bazel_tools//tools/cpp:toolchain_type"]',
        )
        rctx.file(f, text)

debian_rules_cc = repository_rule(
    implementation = _debian_rules_cc_impl,
    attrs = {"path": attr.string(default = "/usr/share/bazel/rules/cc")},
    local = True,
)

def _pkg_config_impl(rctx):
    name = rctx.attr.package
    res = rctx.execute(["pkg-config", "--cflags-only-I", name])
    if res.return_code != 0:
        fail("pkg-config cannot find %s (run tools/setup.sh): %s" %
             (name, res.stderr))
    includes = []
    i = 0
    for tok in res.stdout.strip().split(" "):
        if not tok.startswith("-I"):
            continue
        d = "include/%d" % i
        rctx.symlink(tok[2:], d)
        includes.append(d)
        i += 1
    res = rctx.execute(["pkg-config", "--libs", name])
    if res.return_code != 0:
        fail("pkg-config --libs %s failed: %s" % (name, res.stderr))
    libs = [t for t in res.stdout.strip().split(" ") if t]
    rctx.file("BUILD.bazel", """
package(default_visibility = ["//visibility:public"])
cc_library(
    name = "lib",
    hdrs = glob(["include/**/*.h"]),
    includes = {includes},
    linkopts = {libs},
)
""".format(includes = repr(includes), libs = repr(libs)))

pkg_config_library = repository_rule(
    implementation = _pkg_config_impl,
    attrs = {"package": attr.string(mandatory = True)},
    local = True,
)

def _coverage_stub_impl(rctx):
    # Every *_test has an implicit dependency on these two targets; Bazel's
    # own definition downloads them. We never run coverage through them.
    rctx.file("stub.sh", "#!/bin/sh\necho 'coverage tools are not available offline' >&2\nexit 1\n", executable = True)
    rctx.file("BUILD.bazel", """
package(default_visibility = ["//visibility:public"])
sh_binary(name = "coverage_report_generator", srcs = ["stub.sh"])
sh_binary(name = "lcov_merger", srcs = ["stub.sh"])
""")

coverage_tools_stub = repository_rule(implementation = _coverage_stub_impl)
