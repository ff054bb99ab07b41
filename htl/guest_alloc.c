/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "guest_alloc.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
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
 * The guest's service (PtServe): blocks a library's own threads take,
 * asked of the guest. Requests queue here; the service takes them in
 * order, and a thread waits for its own answer at most SERVE_WAIT_MS:
 * a guest that never answers (no service thread any more, after a fork)
 * or cannot yet (another thread's call holds QEMU in an exclusive
 * section) costs a while, then the block is the host's alone.
 */
#define SERVE_WAIT_MS 500

typedef struct ServeRequest {
    uint32_t what;               /* a PtPauseWhat */
    uint64_t object, items, size;
    uint64_t ptr;                /* FREE's block; the answer */
    uint64_t ticket;
    bool taken;                  /* by the service: in serve_taken */
    bool done;                   /* answered: its thread takes it */
    bool orphan;                 /* no thread waits: freed once answered */
    struct ServeRequest *next;
} ServeRequest;

static pthread_mutex_t serve_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t serve_answered;
static pthread_once_t serve_once = PTHREAD_ONCE_INIT;
static PtServe *serve_at;            /* the guest's; NULL: no service */
static ServeRequest *serve_queue, **serve_tail = &serve_queue;
static ServeRequest *serve_taken;
static uint64_t serve_tickets;

static void serve_init(void)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&serve_answered, &attr);
    pthread_condattr_destroy(&attr);
}

/* Locked: r last in the queue, with a ticket of its own. */
static void serve_put(ServeRequest *r)
{
    r->ticket = ++serve_tickets;
    r->next = NULL;
    *serve_tail = r;
    serve_tail = &r->next;
}

/* Locked: r out of the list at *list (the queue if tail). */
static void serve_unlink(ServeRequest **list, ServeRequest ***tail,
                         ServeRequest *r)
{
    ServeRequest **at = list;

    while (*at && *at != r) {
        at = &(*at)->next;
    }
    if (!*at) {
        return;
    }
    *at = r->next;
    if (tail && *tail == &r->next) {
        *tail = at;
    }
}

/* Tells the service there is work: its word bumped, its futex woken
 * (private, as the guest waits; and shared, should QEMU drop the flag). */
static void serve_wake(PtServe *s)
{
    uint32_t *word = &s->word;

    if (htl_writable(word, sizeof(*word))) {
        __atomic_add_fetch(word, 1, __ATOMIC_RELEASE);
        syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
    }
}

/*
 * From a thread that cannot pause: a block of items * size for o, asked
 * of the service. True if the guest answered (*guest its block, 0 if its
 * allocator gave none); false if there is no service or no answer came
 * in time (the block is the host's alone).
 */
static bool serve_alloc(HtlObject *o, uint64_t items, uint64_t size,
                        uint64_t *guest)
{
    ServeRequest *r;
    PtServe *s;
    struct timespec deadline;
    bool answered = false;

    if (!o->ga_guest || !__atomic_load_n(&serve_at, __ATOMIC_ACQUIRE)) {
        return false;
    }
    r = calloc(1, sizeof(*r));
    if (!r) {
        return false;
    }
    *r = (ServeRequest){ .what = PT_PAUSE_ALLOC, .object = o->ga_guest,
                         .items = items, .size = size };
    pthread_once(&serve_once, serve_init);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += SERVE_WAIT_MS / 1000;
    deadline.tv_nsec += (SERVE_WAIT_MS % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&serve_lock);
    s = serve_at;
    serve_put(r);
    pthread_mutex_unlock(&serve_lock);
    serve_wake(s);
    pthread_mutex_lock(&serve_lock);
    while (!r->done && pthread_cond_timedwait(&serve_answered, &serve_lock,
                                              &deadline) != ETIMEDOUT) {
    }
    if (r->done) {
        *guest = r->ptr;
        answered = true;
        free(r);
    } else if (r->taken) {
        r->orphan = true;    /* its answer, if a block, comes back */
    } else {
        serve_unlink(&serve_queue, &serve_tail, r);
        free(r);
    }
    pthread_mutex_unlock(&serve_lock);
    return answered;
}

/* Locked: the service's answer to the request with ticket. A block for
 * an orphan goes back to the guest, as a request of its own. */
static void serve_answer(uint64_t ticket, uint64_t ptr)
{
    ServeRequest *r = serve_taken;

    while (r && r->ticket != ticket) {
        r = r->next;
    }
    if (!r) {
        return;
    }
    serve_unlink(&serve_taken, NULL, r);
    if (!r->orphan) {
        r->ptr = r->what == PT_PAUSE_ALLOC ? ptr : 0;
        r->done = true;
        pthread_cond_broadcast(&serve_answered);
    } else if (r->what == PT_PAUSE_ALLOC && ptr) {
        r->what = PT_PAUSE_FREE;
        r->ptr = ptr;
        r->taken = false;
        serve_put(r);
    } else {
        free(r);
    }
}

void htl_ga_serve(void **args, void *ret)
{
    PtServe **at, *s = NULL, p;
    ServeRequest *r;
    const size_t from = offsetof(PtServe, what);
    int rc = -1;

    if (htl_load(&at, args, sizeof(at)) && htl_load(&s, at, sizeof(s)) &&
        htl_load(&p, s, sizeof(p)) && htl_writable(s, sizeof(p))) {
        pthread_once(&serve_once, serve_init);
        pthread_mutex_lock(&serve_lock);
        if (!serve_at) {
            __atomic_store_n(&serve_at, s, __ATOMIC_RELEASE);
        }
        if (serve_at == s) {
            if (p.ticket) {
                serve_answer(p.ticket, p.ptr);
            }
            r = serve_queue;
            memset((char *)&p + from, 0, sizeof(p) - from);
            rc = 0;
            if (r) {
                serve_queue = r->next;
                if (!serve_queue) {
                    serve_tail = &serve_queue;
                }
                r->taken = true;
                r->next = serve_taken;
                serve_taken = r;
                p.what = r->what;
                p.object = r->object;
                p.items = r->items;
                p.size = r->size;
                p.ptr = r->ptr;
                p.ticket = r->ticket;
                rc = 1;
            }
        }
        pthread_mutex_unlock(&serve_lock);
    }
    /* Not the word: a thread may be bumping it. */
    if (rc < 0 || !htl_store((char *)s + from, (char *)&p + from,
                             sizeof(p) - from)) {
        rc = -1;
        htl_refused();
    }
    if (!htl_store(ret, &rc, sizeof(rc))) {
        htl_refused();
    }
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

/* A guest block freed on a thread that cannot ask (a library's worker):
 * owed until the object's next paused call (htl_ga_settle()). */
static void owe(HtlObject *o, uint64_t guest)
{
    Owed *owed = malloc(sizeof(*owed));

    if (owed) {
        owed->guest = guest;
        pthread_mutex_lock(&lists_lock);
        owed->next = o->ga_owed;
        o->ga_owed = owed;
        pthread_mutex_unlock(&lists_lock);
    }
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
    } else if (o->ga_track && serve_alloc(o, items, size, &guest) &&
               !guest) {
        return NULL;
    }
    /* Zeroed, as the host library's own blocks are (lzma's HTL): a
     * library may test a pointer it never set (liblzma before 5.4.6). */
    h = calloc(1, sizeof(*h) + n);
    if (!h) {
        if (guest && running) {
            ask(PT_PAUSE_FREE, 0, 0, guest);
        } else if (guest) {
            owe(o, guest);
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
    } else if (o->ga_track) {
        owe(o, guest);
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
