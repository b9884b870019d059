/* Internal: a reusable per-thread buffer for the stored payload of a record
 * being decoded (the payload of packed or compressed types is read into it,
 * then decoded into the caller's array).
 *
 * A fresh buffer per read costs page faults every time the allocator hands
 * out new memory (large blocks come from mmap and go back at free): about as
 * much as the decoding itself for a 1000 x 1000 R16 record. Each thread keeps
 * one buffer of up to FST_SCRATCH_KEEP bytes for its next read; it is freed
 * when the thread exits. Larger payloads get a buffer of their own, freed at
 * release. */
#ifndef FST24_COMMON_SCRATCH_H
#define FST24_COMMON_SCRATCH_H
#include <stddef.h>

#define FST_SCRATCH_KEEP ((size_t)16 << 20)

/* A buffer of at least n bytes (NULL when out of memory); give it back with
 * fst_scratch_release() in the same thread. Not zeroed. */
void *fst_scratch_acquire(size_t n);
void fst_scratch_release(void *p);

#endif
