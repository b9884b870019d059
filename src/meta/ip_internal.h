/* Internal helpers shared by the IP modules (ip.c, ip_format.c, ip123.c). */
#ifndef FST24_META_IP_INTERNAL_H
#define FST24_META_IP_INTERNAL_H
#include <stdint.h>
#include "fst24.h"

/* ConvertIp(mode -1) without messages: returns 1 if decoded, 0 if invalid
 * (then *p = -999999, *kind = -1). */
int fst_ip_decode_raw(int32_t ip, float *p, int *kind);
/* ConvertIp(mode 2 or 3) without messages: the code, or librmn's negative
 * error value (-999999 or -1). `style` is FST24_IP_NEW or FST24_IP_OLD. */
int32_t fst_ip_encode_raw(float p, int kind, int style);
/* librmn's vertical order of a kind: 1 ascending, -1 descending, 0 none. */
int fst_ip_kind_order(int kind);
/* librmn's is_invalid_kind (negative, or > 31 and not 16n+15). */
int fst_ip_kind_rejected(int kind);

#endif
