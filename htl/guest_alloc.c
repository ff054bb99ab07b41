/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_alloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "passthrough_entries.h"

/*
 * The libraries need a few KiB of stack (zlib's inflate tables, deflate's
 * trees); the rest is for malloc and the sanitizers' larger frames. A guard page below
 * turns an overflow into a fault, not a write into a neighbour.
 */
#define STACK_SIZE (256u << 10)
#define SPARE_STACKS 8
/*
 * Paused calls a thread may have: a guest's allocator that makes host
 * calls which pause again nests them, a guest that never resumes piles
 * them up. Past this, the guest is not asked: blocks are refused.
 */
#define MAX_PAUSED 64

typedef struct HtlCall {
    ucontext_t ctx;          /* the call, while paused */
    ucontext_t back;         /* whoever ran or resumed it last */
    char *stack;             /* its mapping, guard page first */
    HtlEntryFn fn;
    void **args;
    void *ret;
    bool done;
    uint32_t what;           /* what it waits for: a PtPauseWhat */
    uint64_t items, size;
    uint64_t ptr;            /* the block to free; the guest's answer */
    uint64_t cookie;
    struct HtlCall *next;    /* the thread's paused calls */
} HtlCall;

static __thread HtlCall *running;
static __thread HtlCall *paused;
static __thread int n_paused;
static __thread uint64_t last_cookie;

static char *spare[SPARE_STACKS];
static int n_spare;
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;

static long page_size(void)
{
    long n = sysconf(_SC_PAGESIZE);

    return n > 0 ? n : 4096;
}

static char *stack_get(void)
{
    char *stack = NULL;
    long guard = page_size();

    pthread_mutex_lock(&spare_lock);
    if (n_spare) {
        stack = spare[--n_spare];
    }
    pthread_mutex_unlock(&spare_lock);
    if (stack) {
        return stack;
    }
    stack = mmap(NULL, STACK_SIZE + guard, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                 -1, 0);
    if (stack == MAP_FAILED) {
        return NULL;
    }
    if (mprotect(stack, guard, PROT_NONE)) {
        munmap(stack, STACK_SIZE + guard);
        return NULL;
    }
    return stack;
}

static void stack_put(char *stack)
{
    pthread_mutex_lock(&spare_lock);
    if (n_spare < SPARE_STACKS) {
        spare[n_spare++] = stack;
        stack = NULL;
    }
    pthread_mutex_unlock(&spare_lock);
    if (stack) {
        munmap(stack, STACK_SIZE + page_size());
    }
}

static void call_main(void)
{
    HtlCall *c = running;

    c->fn(c->args, c->ret);
    c->done = true;
    /* Returns through uc_link to c->back. */
}

/* Switches to the call until it finishes or pauses. */
static void switch_in(HtlCall *c)
{
    HtlCall *outer = running;

    running = c;
    swapcontext(&c->back, &c->ctx);
    running = outer;
}

/* From the call: waits for the guest; returns its answer. */
static uint64_t ask(uint32_t what, uint64_t items, uint64_t size,
                    uint64_t ptr)
{
    HtlCall *c = running;

    c->what = what;
    c->items = items;
    c->size = size;
    c->ptr = ptr;
    swapcontext(&c->ctx, &c->back);
    return c->ptr;
}

/*
 * Drives the call until it is done or the guest has been told what it
 * waits for. A request the guest cannot be told (its PtPause is not
 * writable, or the thread has too many paused calls) is answered here:
 * no block; a free is taken as done.
 */
static void drive(HtlCall *c, PtPause *pause)
{
    static const uint64_t done = 0;
    PtPause p;

    for (;;) {
        switch_in(c);
        if (c->done) {
            /* cookie, PtPause's first field: 0 says done. */
            htl_store(pause, &done, sizeof(done));
            stack_put(c->stack);
            free(c);
            return;
        }
        memset(&p, 0, sizeof(p));
        p.cookie = c->cookie;
        p.what = c->what;
        p.items = c->items;
        p.size = c->size;
        p.ptr = c->ptr;
        if (n_paused < MAX_PAUSED && htl_store(pause, &p, sizeof(p))) {
            c->next = paused;
            paused = c;
            n_paused++;
            return;
        }
        htl_refused();
        c->ptr = 0;
    }
}

/* A context that starts at call_main() on c's stack. getcontext() returns
 * once here (the context it saves is only the base makecontext() edits). */
static __attribute__((noinline)) bool prepare(HtlCall *c, long guard)
{
    if (getcontext(&c->ctx)) {
        return false;
    }
    c->ctx.uc_stack.ss_sp = c->stack + guard;
    c->ctx.uc_stack.ss_size = STACK_SIZE;
    c->ctx.uc_link = &c->back;
    makecontext(&c->ctx, call_main, 0);
    return true;
}

void htl_ga_run(HtlEntryFn fn, void **args, void *ret, PtPause *pause)
{
    HtlCall *c = calloc(1, sizeof(*c));

    if (c) {
        c->stack = stack_get();
    }
    if (!c || !c->stack || !prepare(c, page_size())) {
        /* No stack to pause on: the call runs here, its blocks are host
         * memory only (the guest is not asked). */
        if (c && c->stack) {
            stack_put(c->stack);
        }
        free(c);
        fn(args, ret);
        return;
    }
    c->fn = fn;
    c->args = args;
    c->ret = ret;
    c->cookie = ++last_cookie;
    drive(c, pause);
}

bool htl_ga_resume(PtPause *pause)
{
    HtlCall **at, *c;
    PtPause p;

    if (!htl_load(&p, pause, sizeof(p)) || !p.cookie) {
        return false;
    }
    for (at = &paused; *at && (*at)->cookie != p.cookie; at = &(*at)->next) {
    }
    c = *at;
    if (!c) {
        return false;
    }
    *at = c->next;
    n_paused--;
    c->ptr = c->what == PT_PAUSE_ALLOC ? p.ptr : 0;
    drive(c, pause);
    return true;
}

bool htl_ga_active(void)
{
    return running != NULL;
}

void htl_ga_entry(HtlEntryFn fn, void **args, void *ret, int arity,
                  HtlGaPred pred)
{
    PtPause *pause = NULL;
    void *slot;

    if (!pred(args)) {
        fn(args, ret);
        return;
    }
    if (!htl_load(&slot, args + arity, sizeof(slot)) ||
        !htl_load(&pause, slot, sizeof(pause))) {
        pause = NULL;    /* the guest cannot be asked: no blocks */
    }
    htl_ga_run(fn, args, ret, pause);
}

bool htl_ga_always(void **args)
{
    (void)args;
    return true;
}

/*
 * ga_resume_HTL(PtPause *pause) -> int: resumes the thread's paused call
 * pause names, with the guest's answer. 0 once it ran on (done, or paused
 * again: see pause); -1 if there is no such call.
 */
HTL_EXPORT void PT_GA_RESUME_SYMBOL(void **args, void *ret);
void PT_GA_RESUME_SYMBOL(void **args, void *ret)
{
    PtPause *pause, **at;
    int r = -1;

    if (htl_load(&at, args, sizeof(at)) &&
        htl_load(&pause, at, sizeof(pause)) && htl_ga_resume(pause)) {
        r = 0;
    } else {
        htl_refused();
    }
    if (!htl_store(ret, &r, sizeof(r))) {
        htl_refused();
    }
}

/* Ahead of each block: the guest's block it stands for (0: none). Its 16
 * bytes keep malloc's alignment for the block. */
typedef struct BlockHead {
    uint64_t guest;
    uint64_t unused;
} BlockHead;

void *htl_ga_alloc(HtlObject *o, uint64_t items, uint64_t size)
{
    uint64_t n = htl_mul(items, size), guest = 0;
    BlockHead *h;

    if (n > SIZE_MAX - sizeof(*h)) {
        return NULL;
    }
    if (running) {
        guest = ask(PT_PAUSE_ALLOC, items, size, 0);
        if (!guest) {
            return NULL;   /* the guest's allocator gave none */
        }
    }
    /* Zeroed, as the host library's own blocks are (lzma's HTL): a
     * library may test a pointer it never set (liblzma before 5.4.6). */
    h = calloc(1, sizeof(*h) + n);
    if (!h) {
        if (guest) {
            ask(PT_PAUSE_FREE, 0, 0, guest);
        }
        return NULL;
    }
    h->guest = guest;
    o->blocks++;
    return h + 1;
}

void htl_ga_free(HtlObject *o, void *block)
{
    BlockHead *h;
    uint64_t guest;

    if (!block) {
        /* The guest's allocator sees it too, as it would from its own
         * library (liblzma frees NULL; zlib never does). */
        if (running) {
            ask(PT_PAUSE_FREE, 0, 0, 0);
        }
        return;
    }
    h = (BlockHead *)block - 1;
    guest = h->guest;
    free(h);
    o->blocks--;
    /* Outside htl_ga_run() (an entry called without its pause), the
     * guest's block cannot be handed back: it stays the guest's. */
    if (guest && running) {
        ask(PT_PAUSE_FREE, 0, 0, guest);
    }
}
