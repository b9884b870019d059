/* TEMPORARY weak fallbacks so the core links while other modules land.
 * Each strong definition elsewhere replaces these. To be removed. */
#include <string.h>
#include "fst_internal.h"

int fst24_ip_all_codes(int32_t ip, int32_t out[2], int *count);
const char *fst24_ip_kind_unit(int kind);

__attribute__((weak)) int fst24_ip_decode(int32_t ip, float *value, int *kind) { *value = (float)ip; *kind = -1; return FST24_E_UNSUPPORTED; }
__attribute__((weak)) int fst24_ip123_decode(int32_t a, int32_t b, int32_t c, fst24_ip_range *r1, fst24_ip_range *r2, fst24_ip_range *r3) { (void)a; (void)b; (void)c; (void)r1; (void)r2; (void)r3; return FST24_E_UNSUPPORTED; }
__attribute__((weak)) int fst24_stamp_to_printable(int32_t s, int32_t *d, int32_t *t) { (void)s; *d = 0; *t = 0; return 1; }
__attribute__((weak)) int fst24_ip_all_codes(int32_t ip, int32_t out[2], int *count) { out[0] = ip; *count = 1; return FST24_OK; }
__attribute__((weak)) const char *fst24_ip_kind_unit(int kind) { (void)kind; return ""; }
__attribute__((weak)) int32_t fst_dateo_from_datev(int32_t datev, int32_t deet, int32_t npas) {
    int64_t secs = (int64_t)deet * npas;
    if (secs == 0 || datev < 123200000) return datev;
    uint32_t u = (uint32_t)datev - 123200000u;
    int64_t t = 8 * (u / 10) + u % 10;
    t -= (secs + 2) / 5;
    return (int32_t)(123200000 + 10 * (t / 8) + t % 8);
}
__attribute__((weak)) int32_t fst_datev_from_dateo(int32_t dateo, int32_t deet, int32_t npas) {
    int64_t secs = (int64_t)deet * npas;
    if (secs == 0 || dateo < 123200000) return dateo;
    uint32_t u = (uint32_t)dateo - 123200000u;
    int64_t t = 8 * (u / 10) + u % 10;
    t += (secs + 2) / 5;
    return (int32_t)(123200000 + 10 * (t / 8) + t % 8);
}
static int no_rsf(struct fst24_file *f) { return fst_error(FST24_E_UNSUPPORTED, "%s: RSF files are not supported yet", f->path); }
__attribute__((weak)) const fst_backend_ops fst_rsf_backend = {"RSF", no_rsf, no_rsf, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
