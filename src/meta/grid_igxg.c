/* ig <-> xg: the integer grid descriptors stored in record headers and the
 * real values they stand for (librmn cigaxg / cxgaig semantics, METADATA.md
 * §4.13). Arithmetic is single precision like librmn's; where librmn's build
 * contracts a*b+c into a fused multiply-add the result differs in the last
 * bit, so those spots use fmaf() on purpose (e.g. L ig3 9000 -> lat0
 * -2.01e-6, not 0). */
#include <math.h>
#include <stdint.h>
#include "common/error.h"
#include "meta/grid_internal.h"

/* Fortran NINT: round half away from zero. */
static int32_t nint(float x)
{
    if (!(fabsf(x) < 2.0e9f)) return x < 0 ? INT32_MIN : INT32_MAX;
    return (int32_t)lroundf(x);
}

static int decode_ps(char grtyp, const int32_t ig[4], float xg[4])
{
    if (ig[3] < 32768) { /* old style */
        xg[0] = (float)ig[1] * 0.1f;
        xg[1] = (float)ig[0] * 0.1f;
        xg[2] = (float)ig[3] * 100.0f;
        xg[3] = (float)ig[2] * 0.01f;
        return FST24_OK;
    }
    /* new style: d60, dgrw and the lat/lon of point (1,1) */
    int32_t jg3 = ig[2], jg4 = ig[3] - 32768;
    float d60 = (float)ig[0] * 100.0f;
    if (ig[2] > 32767) {
        d60 *= 10.0f;
        jg3 -= 32768;
    }
    float dgrw = (float)ig[1] * 0.1f;
    if (jg4 > 16383) {
        dgrw = 360.0f - dgrw;
        jg4 -= 16384;
    }
    if (!(d60 > 0)) return fst_error(FST24_E_INVALID, "grid %c: ig1 %d gives a zero grid length", grtyp, (int)ig[0]);
    const double lat11 = 90.0 - jg4 * 180.0 / 16383.0;
    const double lon11 = jg3 * 360.0 / 32767.0;
    double x, y;
    grid_ps_inverse(lat11, lon11, d60, dgrw, grtyp == 'S', &x, &y);
    xg[0] = (float)(1.0 - x);
    xg[1] = (float)(1.0 - y);
    xg[2] = d60;
    xg[3] = dgrw;
    return FST24_OK;
}

static void decode_e(const int32_t ig[4], float xg[4])
{
    int32_t lg1 = (int32_t)(((uint32_t)ig[0] << 2) | ((uint32_t)ig[2] & 3u));
    int32_t lg3 = ig[2] >> 2;
    int32_t lg2 = (int32_t)(((uint32_t)ig[1] << 2) | ((uint32_t)ig[3] & 3u));
    int32_t lg4 = ig[3] >> 2;
    if (lg2 > 3600) lg2 -= 7201;
    if (lg3 < 3559) lg3 += 16384; /* undo the historical +90 wrap of xlon1 */
    xg[0] = (float)((lg1 - 3600.0) / 40.0);
    xg[1] = (float)((lg3 - 3600.0) / 40.0);
    xg[2] = (float)(lg2 / 40.0);
    xg[3] = (float)(lg4 / 40.0);
}

int grid_decode_xg(char grtyp, const int32_t ig[4], float xg[4])
{
    for (int k = 0; k < 4; k++)
        if (ig[k] < 0 && grtyp != '+') /* stored ig are unsigned fields */
            return fst_error(FST24_E_INVALID, "grid %c: ig%d = %d is negative", grtyp, k + 1, (int)ig[k]);
    switch (grtyp) {
    case 'A': case 'B': case 'G':
        xg[0] = (float)ig[0];
        xg[1] = (float)ig[1];
        xg[2] = xg[3] = 0.0f;
        return FST24_OK;
    case 'L':
        xg[0] = fmaf((float)ig[2], 0.01f, -90.0f);
        xg[1] = (float)ig[3] * 0.01f;
        xg[2] = (float)ig[0] * 0.01f;
        xg[3] = (float)ig[1] * 0.01f;
        return FST24_OK;
    case 'C':
        if (ig[0] == 0 || ig[1] == 0) return fst_error(FST24_E_INVALID, "grid C: ig1/ig2 must not be 0");
        xg[0] = fmaf((float)ig[2], 0.01f, -90.0f);
        xg[1] = (float)ig[3] * 0.01f;
        xg[2] = 180.0f / (float)ig[0];
        xg[3] = 360.0f / (float)ig[1];
        return FST24_OK;
    case 'H':
        xg[0] = (float)ig[2];
        xg[1] = fmaf(0.01f, (float)ig[3], -90.0f);
        xg[2] = 500.0f * (float)ig[1];
        xg[3] = (float)ig[0] * 0.2f;
        return FST24_OK;
    case 'N': case 'S':
        return decode_ps(grtyp, ig, xg);
    case 'E':
        decode_e(ig, xg);
        return FST24_OK;
    case '+': {
        double lat = ig[2] * 0.01 - 100.0, lon = ig[3] * 0.01;
        if (ig[0] != 0) lat += ((double)ig[0] - 1000) * 0.00001;
        if (ig[1] != 0) lon += ((double)ig[1] - 1000) * 0.00001;
        xg[0] = (float)lat;
        xg[1] = (float)lon;
        xg[2] = xg[3] = 0.0f;
        return FST24_OK;
    }
    default:
        return fst_error(FST24_E_UNSUPPORTED, "grid type '%c' has no real descriptors (cigaxg)", grtyp);
    }
}

static int encode_ps(char grtyp, const float xg[4], int32_t ig[4])
{
    /* Far beyond any encodable grid; keeps the integer arithmetic below in range. */
    if (!(fabsf(xg[0]) <= 1e6f && fabsf(xg[1]) <= 1e6f && fabsf(xg[2]) <= 1e12f && fabsf(xg[3]) <= 36000.0f))
        return fst_error(FST24_E_INVALID, "grid %c: pi %g pj %g d60 %g dgrw %g out of range", grtyp, xg[0], xg[1],
                         xg[2], xg[3]);
    ig[0] = nint(xg[1] * 10.0f);
    ig[1] = nint(xg[0] * 10.0f);
    ig[2] = nint(xg[3] * 100.0f);
    ig[3] = nint(xg[2] * 0.01f);
    if (ig[2] < -3600000) return fst_error(FST24_E_INVALID, "grid %c: dgrw %g out of range", grtyp, xg[3]);
    while (ig[2] < 0) ig[2] += 36000;
    if (!(ig[0] < 0 || ig[1] < 0 || ig[0] > 2047 || ig[1] > 2047 || ig[3] > 32000)) return FST24_OK;
    /* new style */
    if (!(xg[2] > 0)) return fst_error(FST24_E_INVALID, "grid %c: d60 %g must be positive", grtyp, xg[2]);
    ig[3] = 32768;
    if (xg[2] > 204700.0f) {
        ig[2] = 32768; /* kilometres */
        ig[0] = nint(xg[2] * 0.001f);
    } else {
        ig[2] = 0;
        ig[0] = nint(xg[2] * 0.01f);
    }
    ig[1] = nint(xg[3] * 10.0f);
    if (ig[1] < 0) {
        ig[1] = -ig[1];
        ig[3] += 16384;
    }
    if (ig[1] > 1800) {
        ig[1] = ig[1] - 3600 < 0 ? 3600 - ig[1] : ig[1] - 3600;
        ig[3] += 16384;
    }
    grid_proj p = {0};
    p.kind = PROJ_PS;
    p.d60 = xg[2];
    p.dgrw = xg[3];
    p.re = GRID_ONE_PLUS_SIN60 * GRID_EARTH_RADIUS / xg[2];
    p.south = grtyp == 'S';
    double lat, lon;
    grid_ps_point(&p, 1.0 - (double)xg[0], 1.0 - (double)xg[1], &lat, &lon);
    const float colat = (float)(90.0 - lat), flon = (float)lon;
    ig[2] += nint(flon * 32767.0f / 360.0f);
    ig[3] += nint(colat * 16383.0f / 180.0f);
    return FST24_OK;
}

static int encode_e(const float xg[4], int32_t ig[4])
{
    if (!(fabsf(xg[0]) <= 90.5f && fabsf(xg[2]) <= 90.5f))
        return fst_error(FST24_E_INVALID, "grid E: latitudes %g, %g out of [-90, 90]", xg[0], xg[2]);
    if (!(fabsf(xg[1]) < 1e6f && fabsf(xg[3]) < 1e6f))
        return fst_error(FST24_E_INVALID, "grid E: longitudes %g, %g out of range", xg[1], xg[3]);
    float lon1 = xg[1], lon2 = xg[3];
    while (lon1 < 0) lon1 += 360.0f;
    while (lon2 < 0) lon2 += 360.0f;
    int32_t n1 = nint((xg[0] + 90.0f) * 40.0f);
    int32_t n2 = nint(xg[2] * 40.0f);
    int32_t n3 = nint((lon1 + 90.0f) * 40.0f);
    if (n3 >= 16384) n3 -= 16384;
    int32_t n4 = nint(lon2 * 40.0f);
    if (n2 < 0) n2 += 7201;
    ig[0] = n1 >> 2;
    ig[2] = (int32_t)(((uint32_t)n3 << 2) | ((uint32_t)n1 & 3u));
    ig[1] = n2 >> 2;
    ig[3] = (int32_t)(((uint32_t)n4 << 2) | ((uint32_t)n2 & 3u));
    return FST24_OK;
}

int grid_encode_ig(char grtyp, const float xg[4], int32_t ig[4])
{
    switch (grtyp) {
    case 'A': case 'B': case 'G':
        ig[0] = nint(xg[0]);
        ig[1] = nint(xg[1]);
        ig[2] = ig[3] = 0;
        if (ig[0] < 0 || ig[0] > 2 || ig[1] < 0 || ig[1] > 1)
            return fst_error(FST24_E_INVALID, "grid %c: xg1 %g / xg2 %g must be 0..2 / 0..1", grtyp, xg[0], xg[1]);
        return FST24_OK;
    case 'L':
    case 'C':
        if (grtyp == 'L') {
            ig[0] = nint(xg[2] * 100.0f);
            ig[1] = nint(xg[3] * 100.0f);
        } else {
            if (xg[2] == 0 || xg[3] == 0) return fst_error(FST24_E_INVALID, "grid C: zero dlat/dlon");
            ig[0] = nint(180.0f / xg[2]);
            ig[1] = nint(360.0f / xg[3]);
        }
        ig[2] = nint((90.0f + xg[0]) * 100.0f);
        ig[3] = nint(xg[1] * 100.0f);
        if (ig[3] < -3600000) return fst_error(FST24_E_INVALID, "grid %c: lon0 %g out of range", grtyp, xg[1]);
        while (ig[3] < 0) ig[3] += 36000;
        if (ig[2] < 0) return fst_error(FST24_E_INVALID, "grid %c: lat0 %g below -90", grtyp, xg[0]);
        return FST24_OK;
    case 'H':
        ig[0] = nint(5.0f * xg[3]);
        if (ig[0] < -1800000) return fst_error(FST24_E_INVALID, "grid H: xg4 %g out of range", xg[3]);
        while (ig[0] < 0) ig[0] += 1800;
        ig[1] = nint(0.002f * xg[2]);
        ig[2] = nint(xg[0]);
        ig[3] = nint(100.0f * (90.0f + xg[1]));
        return FST24_OK;
    case 'N': case 'S':
        return encode_ps(grtyp, xg, ig);
    case 'E':
        return encode_e(xg, ig);
    case '+': {
        const double lat = xg[0];
        double lon = xg[1];
        if (!(fabs(lat) <= 90.0 && fabs(lon) <= 360.0))
            return fst_error(FST24_E_INVALID, "grid +: point (%g, %g) out of range", xg[0], xg[1]);
        if (lon < 0) lon += 360.0;
        ig[2] = (int32_t)lround((lat + 100.0) * 100.0);
        ig[3] = (int32_t)lround(lon * 100.0);
        ig[0] = (int32_t)lround((lat + 100.0) * 100000.0) - ig[2] * 1000 + 1000;
        ig[1] = (int32_t)lround(lon * 100000.0) - ig[3] * 1000 + 1000;
        return FST24_OK;
    }
    default:
        return fst_error(FST24_E_UNSUPPORTED, "grid type '%c' has no real descriptors (cxgaig)", grtyp);
    }
}

int fst24_ig_to_xg(char grtyp, size_t n, const int32_t *ig, float *xg)
{
    if (n && (!ig || !xg)) return fst_error(FST24_E_INVALID, "fst24_ig_to_xg: NULL array");
    for (size_t k = 0; k < n; k++) {
        int st = grid_decode_xg(grtyp, ig + 4 * k, xg + 4 * k);
        if (st) return st;
    }
    return FST24_OK;
}

int fst24_xg_to_ig(char grtyp, size_t n, const float *xg, int32_t *ig)
{
    if (n && (!ig || !xg)) return fst_error(FST24_E_INVALID, "fst24_xg_to_ig: NULL array");
    for (size_t k = 0; k < n; k++) {
        const float *x = xg + 4 * k;
        for (int m = 0; m < 4; m++)
            if (!isfinite(x[m])) return fst_error(FST24_E_INVALID, "fst24_xg_to_ig: xg%d of set %zu is not finite", m + 1, k);
        int st = grid_encode_ig(grtyp, x, ig + 4 * k);
        if (st) return st;
    }
    return FST24_OK;
}
