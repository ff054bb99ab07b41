/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libptbench_HTL.so: host entries for the call-overhead benchmark. nop_HTL
 * does nothing, so a call to it measures the transport alone.
 */
#define HTL_EXPORT __attribute__((visibility("default")))

HTL_EXPORT void nop_HTL(void **args, void *ret);

void nop_HTL(void **args, void *ret)
{
    (void)args;
    (void)ret;
}
