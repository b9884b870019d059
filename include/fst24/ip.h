/* fst24/ip.h - IP1/IP2/IP3 level and time codes. Included by fst24.h. */
#ifndef FST24_IP_H
#define FST24_IP_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* Decode one IP code to (value, kind) exactly as librmn's ConvertIp(mode -1).
 * Returns FST24_OK or a negative status for an invalid code. */
FST24_API int fst24_ip_decode(int32_t ip, float *value, int *kind);

/* One decoded IP as a range (v1 == v2 for a single value). */
typedef struct fst24_ip_range { float v1, v2; int kind; } fst24_ip_range;

/* Decode the ip1/ip2/ip3 triplet as librmn's DecodeIp: returns the same status
 * code (>= 0, bit flags) or a negative value on error. */
FST24_API int fst24_ip123_decode(int32_t ip1, int32_t ip2, int32_t ip3,
                                 fst24_ip_range *r1, fst24_ip_range *r2, fst24_ip_range *r3);

#ifdef __cplusplus
}
#endif
#endif
