/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_access.h"

const PtHtlHostApi *htl_api;

HTL_EXPORT int passthrough_htl_bind(const PtHtlHostApi *api);
int passthrough_htl_bind(const PtHtlHostApi *api)
{
    if (!api || api->version != PT_HTL_API_VERSION || !api->check ||
        !api->check_string || !api->refused) {
        return -1;
    }
    htl_api = api;
    return 0;
}
