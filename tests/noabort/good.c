/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fixture for check_no_abort.sh: nothing here may be reported. */
#include <stdlib.h>

/* Prose may say abort() or exit(1) in a comment,
 * even g_assert(x) on a second line. */
void on_exit_cb(int x);
void g_atexit_like(void);

void good(int x)
{
    on_exit_cb(x);            // exit(3) in a line comment
    my_assert_helper(x);
    static_assert(1, "compile time");
    _Static_assert(1, "compile time");
    if (x < 0) {
        abort(); /* pt-noabort-ok: only reached from the plugin's start-up */
    }
}
