/*
 * The ip1/ip2/ip3 triplet (librmn convert_ip123: EncodeIp, DecodeIp,
 * ConvertPKtoIP, ConvertIPtoPK; docs/format/levels.md#ip-triplets): levels in ip1, times in
 * ip2, and ip3 either a free value or the other end of one range.
 */
#include <math.h>

#include "common/error.h"
#include "meta/ip_internal.h"

/* librmn's DecodeIp reads uninitialised local variables when ip2 or ip3 is
 * old style: the kind slot of that IP, and the value of ip3. In every result
 * of the reference librmn build (all corpus dumps) those slots behaved as
 * kind 0 and value NaN: an old-style ip2 sets the ERROR flag (kind 0 is not
 * hours) and an old-style ip3 with an ip1 of kind 0 makes a level "range"
 * ending in NaN. Reproduced deterministically here. */
enum { KIND_UNSET = 0 };

static void swap_f(float *a, float *b) {
    float t = *a;
    *a = *b;
    *b = t;
}

static void swap_i(int32_t *a, int32_t *b) {
    int32_t t = *a;
    *a = *b;
    *b = t;
}

int fst24_ip123_decode(int32_t ip1, int32_t ip2, int32_t ip3, fst24_ip_range *r1, fst24_ip_range *r2,
                       fst24_ip_range *r3) {
    if (!r1 || !r2 || !r3) return fst_error(FST24_E_INVALID, "fst24_ip123_decode: NULL output");
    const fst24_ip_range zero = {0.0f, 0.0f, 0};
    *r1 = zero;
    *r2 = zero;
    *r3 = zero;
    int status = FST24_IP_CONVERT_OK;
    if (ip1 < 0 || ip2 < 0 || ip3 < 0) return status | FST24_IP_ERROR;

    float p1, p2 = 0.0f, p3 = NAN;
    int k1, k2 = KIND_UNSET, k3 = KIND_UNSET;
    fst_ip_decode_raw(ip1, &p1, &k1);
    if (!fst24_ip_kind_is_level(k1)) return status | FST24_IP_ERROR;
    if (ip1 < 32768) status |= FST24_IP_GOOD_GUESS;
    *r1 = (fst24_ip_range){p1, p1, k1};

    if (ip2 < 32768) {
        /* Old-style ip2: taken literally as hours. */
        *r2 = (fst24_ip_range){(float)ip2, (float)ip2, 10};
        status |= FST24_IP_GOOD_GUESS;
    } else {
        fst_ip_decode_raw(ip2, &p2, &k2);
        if (k2 != 10) return status | FST24_IP_ERROR;
        *r2 = (fst24_ip_range){p2, p2, k2};
    }

    if (ip3 < 32768) {
        /* Old-style ip3: taken literally as an arbitrary integer. */
        *r3 = (fst24_ip_range){(float)ip3, (float)ip3, 3};
        status |= FST24_IP_TERRIBLE_GUESS;
    } else {
        fst_ip_decode_raw(ip3, &p3, &k3);
        if (k3 == -1) return status | FST24_IP_ERROR;
        *r3 = (fst24_ip_range){p3, p3, k3};
    }

    if (k3 == 10 && k2 == k3) {
        /* Time range: start..end in increasing order. */
        r2->v2 = p3;
        *r3 = (fst24_ip_range){0.0f, 0.0f, -1};
        if (r2->v2 < r2->v1) swap_f(&r2->v1, &r2->v2);
    } else if (k3 <= 6 && k1 == k3) {
        /* Level range: bottom level first. */
        r1->v2 = p3;
        *r3 = (fst24_ip_range){0.0f, 0.0f, -1};
        int order = fst_ip_kind_order(k3);
        if (r1->v2 < r1->v1 && order == 1) swap_f(&r1->v1, &r1->v2);
        if (r1->v2 > r1->v1 && order == -1) swap_f(&r1->v1, &r1->v2);
    }
    if (k1 > 6 || k2 != 10) status |= FST24_IP_ERROR;
    return status;
}

int fst24_ip123_encode(const fst24_ip_range *r1, const fst24_ip_range *r2, const fst24_ip_range *r3, int32_t *ip1,
                       int32_t *ip2, int32_t *ip3) {
    if (!r1 || !r2 || !ip1 || !ip2 || !ip3) return fst_error(FST24_E_INVALID, "fst24_ip123_encode: NULL argument");
    *ip1 = *ip2 = *ip3 = -1;
    float p[3] = {0, 0, 0};
    int k[3] = {-1, -1, -1};
    int n = 0;
    if (fst_ip_kind_rejected(r1->kind) || fst_ip_kind_rejected(r2->kind))
        return fst_error(FST24_E_INVALID, "fst24_ip123_encode: invalid kind (ip1 kind %d, ip2 kind %d)", r1->kind,
                         r2->kind);
    if (!fst24_ip_kind_is_level(r1->kind))
        return fst_error(FST24_E_INVALID, "fst24_ip123_encode: ip1 kind %d is not a level kind", r1->kind);
    p[0] = r1->v1;
    k[0] = r1->kind;
    n++;
    if (r1->v2 != r1->v1) {
        p[2] = r1->v2;
        k[2] = r1->kind;
        n++;
        int order = fst_ip_kind_order(r1->kind);
        /* Keep the level lower in the atmosphere in ip1. */
        if (r1->v2 < r1->v1 && order == 1) swap_f(&p[0], &p[2]);
        if (r1->v2 > r1->v1 && order == -1) swap_f(&p[0], &p[2]);
    }
    if (r2->kind != 10)
        return fst_error(FST24_E_INVALID, "fst24_ip123_encode: ip2 kind %d is not 10 (hours)", r2->kind);
    p[1] = r2->v1;
    k[1] = 10;
    n++;
    if (r2->v2 != r2->v1) {
        p[2] = r2->v2;
        k[2] = 10;
        n++;
        if (r2->v2 > r2->v1) swap_f(&p[1], &p[2]); /* end in ip2, start in ip3 */
    }
    if (n > 3) return fst_error(FST24_E_INVALID, "fst24_ip123_encode: both ip1 and ip2 are ranges");
    if (n != 3) {
        if (!r3) return fst_error(FST24_E_INVALID, "fst24_ip123_encode: no range and no ip3 value");
        if (fst_ip_kind_rejected(r3->kind))
            return fst_error(FST24_E_INVALID, "fst24_ip123_encode: invalid ip3 kind %d", r3->kind);
        p[2] = r3->v1;
        k[2] = r3->kind;
    }
    *ip1 = fst_ip_encode_raw(p[0], k[0], FST24_IP_NEW);
    *ip2 = fst_ip_encode_raw(p[1], k[1], FST24_IP_NEW);
    *ip3 = fst_ip_encode_raw(p[2], k[2], FST24_IP_NEW);
    int32_t *ips[3] = {ip1, ip2, ip3};
    for (int i = 0; i < 3; i++) {
        if (*ips[i] < 0)
            return fst_error(FST24_E_INVALID, "fst24_ip123_encode: ip%d: value %.9g of kind %d cannot be encoded",
                             i + 1, p[i], k[i]);
    }
    return FST24_OK;
}

int fst24_ip123_from_values(float v1, int kind1, float v2, int kind2, float v3, int kind3, int32_t *ip1, int32_t *ip2,
                            int32_t *ip3) {
    if (!ip1 || !ip2 || !ip3) return fst_error(FST24_E_INVALID, "fst24_ip123_from_values: NULL output");
    *ip1 = *ip2 = *ip3 = -1;
    int status = FST24_IP_CONVERT_OK;
    if (fst_ip_kind_rejected(kind1) || fst_ip_kind_rejected(kind2) || fst_ip_kind_rejected(kind3))
        return status | FST24_IP_ERROR;
    if (!fst24_ip_kind_is_level(kind1)) return status | FST24_IP_ERROR;
    if (fst24_ip_kind_is_level(kind2))
        status |= FST24_IP_WARNING; /* tolerated: moved to ip3 below */
    else if (kind2 != 10)
        return status | FST24_IP_ERROR;
    *ip1 = fst_ip_encode_raw(v1, kind1, FST24_IP_NEW);
    *ip2 = fst_ip_encode_raw(v2, kind2, FST24_IP_NEW);
    *ip3 = fst_ip_encode_raw(v3, kind3, FST24_IP_NEW);
    if (kind1 == kind2 && fst24_ip_kind_is_level(kind1) && kind3 == 10) {
        /* level/level/time: second level to ip3, time to ip2 */
        swap_i(ip2, ip3);
        swap_f(&v2, &v3);
        int order = fst_ip_kind_order(kind1);
        if (v1 > v3 && order == 1) swap_i(ip1, ip3);
        if (v1 < v3 && order == -1) swap_i(ip1, ip3);
    } else if (kind2 == 10 && kind3 == 10 && v2 < v3) {
        swap_i(ip2, ip3); /* times in decreasing order */
    }
    return status;
}

int fst24_ip123_to_values(int32_t ip1, int32_t ip2, int32_t ip3, float *v1, int *kind1, float *v2, int *kind2,
                          float *v3, int *kind3) {
    if (!v1 || !kind1 || !v2 || !kind2 || !v3 || !kind3)
        return fst_error(FST24_E_INVALID, "fst24_ip123_to_values: NULL output");
    *v1 = *v2 = *v3 = 0.0f;
    *kind1 = *kind2 = *kind3 = -1;
    int status = FST24_IP_CONVERT_OK;
    if (ip1 < 0 || ip2 < 0 || ip3 < 0) return status | FST24_IP_ERROR;
    fst_ip_decode_raw(ip1, v1, kind1);
    if (*kind1 == 10) {
        /* A time in ip1: try the other order. */
        swap_i(&ip1, &ip2);
        fst_ip_decode_raw(ip1, v1, kind1);
        status |= FST24_IP_WARNING;
    }
    if (fst_ip_kind_rejected(*kind1)) return status | FST24_IP_ERROR;
    if (ip1 < 32768) status |= FST24_IP_GOOD_GUESS;
    if (!fst24_ip_kind_is_level(*kind1)) return status | FST24_IP_ERROR;
    if (ip2 < 32768) {
        *v2 = (float)ip2;
        *kind2 = 10;
        status |= FST24_IP_GOOD_GUESS;
    } else {
        fst_ip_decode_raw(ip2, v2, kind2);
        if (fst_ip_kind_rejected(*kind2)) return status | FST24_IP_ERROR;
        if (*kind2 != 10) {
            if (fst24_ip_kind_is_level(*kind2))
                status |= FST24_IP_WARNING;
            else
                return status | FST24_IP_ERROR;
        }
    }
    if (ip3 < 32768) {
        /* librmn leaves the value unset here; the literal code is given. */
        *v3 = (float)ip3;
        *kind3 = 3;
        status |= FST24_IP_TERRIBLE_GUESS;
    } else {
        fst_ip_decode_raw(ip3, v3, kind3);
        if (fst_ip_kind_rejected(*kind3)) return status | FST24_IP_ERROR;
    }
    if (*kind1 == *kind2 && *kind3 == 10) {
        swap_f(v2, v3);
        int t = *kind2;
        *kind2 = *kind3;
        *kind3 = t;
    }
    if (*kind1 == *kind3) {
        int order = fst_ip_kind_order(*kind1);
        if (order == 1 && *v1 > *v3) swap_f(v1, v3);
        if (order == -1 && *v1 < *v3) swap_f(v1, v3);
    }
    if (*kind2 == *kind3 && *kind2 == 10 && *v2 < *v3) swap_f(v2, v3);
    return status;
}
