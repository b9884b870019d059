/* Threads for parallel loops: started per call (the library keeps no threads between calls and
 * no global state), the calling thread working too. */
#include "common/pool.h"

#include <pthread.h>
#include <unistd.h>

typedef struct pool_job {
    int64_t n;
    int64_t next; /* atomically incremented work counter */
    void (*task)(void *ctx, int64_t i);
    void *ctx;
} pool_job;

static void *pool_worker(void *arg) {
    pool_job *job = arg;
    for (;;) {
        int64_t i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
        if (i >= job->n) break;
        job->task(job->ctx, i);
    }
    return NULL;
}

int fst_pool_cores(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void fst_pool_run(int threads, int64_t n, void (*task)(void *ctx, int64_t i), void *ctx) {
    if (n <= 0) return;
    if (threads <= 0) threads = fst_pool_cores();
    if (threads > FST_POOL_MAX_THREADS) threads = FST_POOL_MAX_THREADS;
    if ((int64_t)threads > n) threads = (int)n;
    pool_job job = {n, 0, task, ctx};
    pthread_t tid[FST_POOL_MAX_THREADS];
    int started = 0;
    for (int t = 1; t < threads; t++) {
        if (pthread_create(&tid[started], NULL, pool_worker, &job) != 0) break;
        started++;
    }
    pool_worker(&job);
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
}
