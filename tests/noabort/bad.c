/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fixture for check_no_abort.sh: each marked line must be caught. */
#include <assert.h>
#include <glib.h>
#include <stdlib.h>

void bad(int x)
{
    assert(x);                       /* expect-caught */
    g_assert(x > 0);                 /* expect-caught */
    g_assert_not_reached();          /* expect-caught */
    g_assert_cmpint(x, ==, 1);       /* expect-caught */
    if (x) { abort(); }              /* expect-caught */
    exit(1);                         /* expect-caught */
    _exit (2);                       /* expect-caught */
    g_error("no");                   /* expect-caught */
    __builtin_trap();                /* expect-caught */
    abort(); /* pt-noabort-ok: */    /* expect-caught (no reason given) */
    x = x ? 0 : (abort(), 1);        /* expect-caught */
}
