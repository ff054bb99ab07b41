/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the hostile guest programs share (hostile.h). */
#include "hostile.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test_data.h"

size_t page;
uint8_t *ro_page;
uint8_t *edge_page;
uint8_t *gone_page;
uint8_t *island;
uint8_t *unmapped;

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

uint64_t hostile_rand(void)
{
    return test_rand(&seed);
}

void *forged_handle(void)
{
    return (void *)(uintptr_t)(hostile_rand() | (1ULL << 63));
}

/*
 * Seven pages, PROT_NONE but for page 0 (read-only), 2 (read-write, its
 * end next to page 3) and 5 (read-write between 4 and 6), and
 * UNMAPPED_SIZE after them unmapped again: one mapping first, so that no
 * other mapping can come between them.
 */
void map_bad_memory(void)
{
    uint8_t *m;

    page = (size_t)sysconf(_SC_PAGESIZE);
    m = mmap(NULL, 7 * page + UNMAPPED_SIZE, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED ||
        mprotect(m, page, PROT_READ) ||
        mprotect(m + 2 * page, page, PROT_READ | PROT_WRITE) ||
        mprotect(m + 5 * page, page, PROT_READ | PROT_WRITE) ||
        munmap(m + 7 * page, UNMAPPED_SIZE)) {
        perror("FAIL: mapping the bad memory");
        exit(1);
    }
    ro_page = m;
    edge_page = m + 2 * page;
    gone_page = m + 3 * page;
    island = m + 4 * page;
    unmapped = m + 7 * page;
}

int run_hostile(const char *lib, const char *objects, int host,
                HostileStep *const *steps, const long *calls,
                void (*roundtrip)(int host), const int *failures)
{
    if (host) {
        for (; *steps; steps++) {
            (*steps)();
        }
        printf("%s hostile calls: %ld, QEMU still up\n", lib,
               __atomic_load_n(calls, __ATOMIC_RELAXED));
    } else {
        printf("%s %s are not on the host: host-only hostile calls "
               "skipped\n", lib, objects);
    }
    roundtrip(host);
    printf("%s\n", *failures ? "FAIL" : "PASS");
    return *failures ? 1 : 0;
}
