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
    c->ptr = c->what == PT_PAUSE_FREE ? 0 : p.ptr;
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

uint64_t htl_ga_scratch(uint64_t size)
{
    return running ? ask(PT_PAUSE_SCRATCH, 0, size, 0) : 0;
}

bool htl_ga_call(uint64_t arg, uint64_t *result)
{
    if (!running) {
        return false;
    }
    *result = ask(PT_PAUSE_CALL, 0, 0, arg);
    return true;
}

/*
 * Ahead of each block: the guest's block it stands for (0: none), and for
 * an object with ga_track, its place in the object's list of such blocks.
 * 32 bytes: malloc's alignment for the block.
 */
typedef struct BlockHead {
    uint64_t guest;
    HtlObject *owner;            /* ga_track: listed in owner->ga_held */
    struct BlockHead *prev, *next;
} BlockHead;

/* A guest block freed where the guest could not be asked (ga_track). */
typedef struct Owed {
    uint64_t guest;
    struct Owed *next;
} Owed;

/* The ga_held and ga_owed lists: a library's own threads free blocks too
 * (libzstd's workers), while the calling thread allocates. */
static pthread_mutex_t lists_lock = PTHREAD_MUTEX_INITIALIZER;

static void unlink_held(BlockHead *h)
{
    if (h->prev) {
        h->prev->next = h->next;
    } else {
        h->owner->ga_held = h->next;
    }
    if (h->next) {
        h->next->prev = h->prev;
    }
    h->owner = NULL;
}

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
    if (guest && o->ga_track) {
        pthread_mutex_lock(&lists_lock);
        h->owner = o;
        h->next = o->ga_held;
        if (h->next) {
            h->next->prev = h;
        }
        o->ga_held = h;
        pthread_mutex_unlock(&lists_lock);
    }
    __atomic_add_fetch(&o->blocks, 1, __ATOMIC_RELAXED);
    return h + 1;
}

void htl_ga_free(HtlObject *o, void *block)
{
    BlockHead *h;
    uint64_t guest;
    Owed *owed;

    if (!block) {
        /* The guest's allocator sees it too, as it would from its own
         * library (liblzma frees NULL; zlib never does). */
        if (running) {
            ask(PT_PAUSE_FREE, 0, 0, 0);
        }
        return;
    }
    h = (BlockHead *)block - 1;
    if (o->ga_track) {
        /* htl_ga_give_back() may be taking it from the list. */
        pthread_mutex_lock(&lists_lock);
        if (h->owner) {
            unlink_held(h);
        }
        guest = h->guest;
        pthread_mutex_unlock(&lists_lock);
    } else {
        guest = h->guest;
    }
    free(h);
    __atomic_sub_fetch(&o->blocks, 1, __ATOMIC_RELAXED);
    if (!guest) {
        return;
    }
    if (running) {
        ask(PT_PAUSE_FREE, 0, 0, guest);
    } else if (o->ga_track && (owed = malloc(sizeof(*owed)))) {
        /* Freed on a thread that cannot ask (a library's worker): owed
         * until the object's next paused call (htl_ga_settle()). */
        owed->guest = guest;
        pthread_mutex_lock(&lists_lock);
        owed->next = o->ga_owed;
        o->ga_owed = owed;
        pthread_mutex_unlock(&lists_lock);
    }
    /* Otherwise (an entry called without its pause), the guest's block
     * cannot be handed back: it stays the guest's. */
}

void htl_ga_settle(HtlObject *o)
{
    Owed *owed, *next;

    if (!__atomic_load_n(&o->ga_owed, __ATOMIC_RELAXED)) {
        return;
    }
    pthread_mutex_lock(&lists_lock);
    owed = o->ga_owed;
    o->ga_owed = NULL;
    pthread_mutex_unlock(&lists_lock);
    for (; owed; owed = next) {
        next = owed->next;
        if (running) {
            ask(PT_PAUSE_FREE, 0, 0, owed->guest);
        }
        free(owed);
    }
}

void htl_ga_give_back(HtlObject *o)
{
    uint64_t *guest = NULL;
    size_t n = 0, cap = 0;
    BlockHead *h;

    htl_ga_settle(o);
    pthread_mutex_lock(&lists_lock);
    for (h = o->ga_held; h; h = h->next) {
        cap++;
    }
    guest = cap ? malloc(cap * sizeof(*guest)) : NULL;
    while ((h = o->ga_held)) {
        if (guest) {
            guest[n++] = h->guest;
        }
        h->guest = 0;
        unlink_held(h);
    }
    pthread_mutex_unlock(&lists_lock);
    /* Asked outside the lock: the guest runs meanwhile. */
    for (size_t i = 0; i < n && running; i++) {
        ask(PT_PAUSE_FREE, 0, 0, guest[i]);
    }
    free(guest);
}
