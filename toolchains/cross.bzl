# SPDX-License-Identifier: GPL-2.0-or-later
"""A guest platform and its gcc cc toolchain, one call per guest triple."""

load("@bazel_tools//tools/cpp:unix_cc_toolchain_config.bzl", "cc_toolchain_config")

def guest_toolchain(cpu, triple, include_dirs):
    """Declares platform `triple` and a gcc toolchain that targets it.

    Args:
      cpu: the @platforms//cpu constraint name.
      triple: the GNU triple; tools are /usr/bin/<triple>-*.
      include_dirs: the compiler's builtin include directories.
    """
    native.platform(
        name = triple,
        constraint_values = [
            "@platforms//os:linux",
            "@platforms//cpu:" + cpu,
            ":guest_side",
        ],
    )

    tools = ["ar", "cpp", "gcc", "gcov", "ld", "nm", "objcopy", "objdump", "strip"]
    tool_paths = {t: "/usr/bin/%s-%s" % (triple, t) for t in tools}
    tool_paths["llvm-cov"] = "/bin/false"

    cc_toolchain_config(
        name = triple + "_config",
        cpu = cpu,
        compiler = "gcc",
        toolchain_identifier = triple + "-gcc",
        host_system_name = "x86_64-linux-gnu",
        target_system_name = triple,
        target_libc = "glibc",
        abi_version = "gcc",
        abi_libc_version = "glibc",
        cxx_builtin_include_directories = include_dirs,
        tool_paths = tool_paths,
        compile_flags = ["-fno-omit-frame-pointer", "-Wall"],
        opt_compile_flags = ["-O2", "-DNDEBUG"],
        link_flags = [],
        link_libs = ["-lm"],
        supports_start_end_lib = False,
    )

    native.cc_toolchain(
        name = triple + "_cc",
        toolchain_identifier = triple + "-gcc",
        toolchain_config = ":" + triple + "_config",
        all_files = ":empty",
        ar_files = ":empty",
        as_files = ":empty",
        compiler_files = ":empty",
        dwp_files = ":empty",
        linker_files = ":empty",
        objcopy_files = ":empty",
        strip_files = ":empty",
        supports_param_files = 0,
    )

    native.toolchain(
        name = triple + "_toolchain",
        exec_compatible_with = ["@platforms//os:linux", "@platforms//cpu:x86_64"],
        target_compatible_with = [
            "@platforms//os:linux",
            "@platforms//cpu:" + cpu,
            ":guest_side",
        ],
        toolchain = ":" + triple + "_cc",
        toolchain_type = "@bazel_tools//tools/cpp:toolchain_type",
    )
