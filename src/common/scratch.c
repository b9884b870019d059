#include "common/scratch.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct thread_scratch {
    void *p;
    size_t cap;
    int busy; /* handed out and not yet released (a nested acquire gets its own) */
} thread_scratch;

static _Thread_local thread_scratch tls;

/* The key exists only for its destructor: it frees a thread's buffer when the
 * thread exits (set once per thread, at its first kept buffer). */
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static int exit_key_ready;

static void free_at_exit(void *v) {
    thread_scratch *s = v;
    free(s->p);
    s->p = NULL;
    s->cap = 0;
}

static void make_exit_key(void) { exit_key_ready = pthread_key_create(&exit_key, free_at_exit) == 0; }

void *fst_scratch_acquire(size_t n) {
    if (n == 0) n = 4;
    if (tls.busy || n > FST_SCRATCH_KEEP) return malloc(n);
    if (tls.cap < n) {
        pthread_once(&exit_key_once, make_exit_key);
        if (!exit_key_ready) return malloc(n);
        /* round up to 64 KiB so that slightly larger records reuse the buffer */
        size_t cap = (n + 0xFFFF) & ~(size_t)0xFFFF;
        void *p = malloc(cap);
        if (!p) return NULL;
        free(tls.p);
        if (!tls.p) pthread_setspecific(exit_key, &tls);
        tls.p = p;
        tls.cap = cap;
    }
    tls.busy = 1;
    return tls.p;
}

void fst_scratch_release(void *p) {
    if (p && p == tls.p) tls.busy = 0;
    else free(p);
}
