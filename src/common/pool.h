/* Internal: one way to run work on several threads, for every user of the library (batch
 * reads, the split decode of one large record, the index's file scans). */
#ifndef FST24_COMMON_POOL_H
#define FST24_COMMON_POOL_H
#include <stdint.h>

/* At most this many threads per call. */
#define FST_POOL_MAX_THREADS 256

/* Number of online processors (at least 1). */
int fst_pool_cores(void);

/* Run task(ctx, i) for every i in 0..n-1 on up to `threads` threads (<= 0: one per core), the
 * calling thread included, and return when all are done. Tasks are handed out in increasing
 * order from a shared counter; a task that wants the rest skipped makes them return at once
 * (through its ctx). When a thread cannot be started, the threads already there do its share. */
void fst_pool_run(int threads, int64_t n, void (*task)(void *ctx, int64_t i), void *ctx);

#endif /* FST24_COMMON_POOL_H */
