/* FNV-1a 64 of a byte string: the hash of the data in the corpus dumps. A test helper, compiled
 * by tests/python/conftest.py (fst24 itself has no use for it). */
#include <stddef.h>
#include <stdint.h>

uint64_t fnv1a64(const unsigned char *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
