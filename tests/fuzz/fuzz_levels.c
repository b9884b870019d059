/* Fuzz target "levels": vertical descriptors ("!!" tables, the descriptor of
 * every record of a file), IP level codes and date stamps.
 *
 * Input: byte 0 selects the mode.
 *   0: vcode (32 bits), ni, nj (8 bits each), then the table as doubles ->
 *      fst24_vgrid_from_table, then every query on the result
 *   1: IP codes: ints and floats -> decode, encode, format, triplets
 *   2: date stamps: ints, a double, then an ISO text
 *   3: the rest is an FST file: fst24_vgrid_find for every record, and
 *      fst24_vgrid_from_record for its "!!" records */
#include <stdlib.h>

#include "fuzz_common.h"

static void use(const fst24_vgrid *vg, fz_in *in) {
    fst24_vgrid_info info;
    fst24_vgrid_get_info(vg, &info);
    int32_t ip1[64];
    double a[64], b[64], c[64];
    int32_t count = 0;
    for (int fam = 0; fam <= 4; fam++) fst24_vgrid_levels(vg, (fst24_vlevel_family)fam, ip1, a, b, c, 64, &count);
    fst24_vgrid_levels(vg, FST24_VLEVEL_MOMENTUM, ip1, a, b, c, 64, &count);
    size_t nlev = count > 0 ? (size_t)(count < 64 ? count : 64) : 1;
    if (count <= 0) ip1[0] = (int32_t)fz_u32(in);
    fst24_vlevel_family fam;
    int32_t idx;
    int diag;
    fst24_vgrid_lookup(vg, ip1[0], &fam, &idx, a, b, c, &diag);
    fst24_vgrid_lookup(vg, (int32_t)fz_u32(in), &fam, &idx, a, b, c, &diag);
    double ps[3] = {fz_f64(in), 100000.0, 50000.0}, ps2[3] = {fz_f64(in), 101000.0, 0.0};
    double *out = malloc(nlev * 3 * sizeof(double));
    if (out) {
        fst24_vgrid_pressure(vg, nlev, ip1, 3, ps, ps2, out);
        fst24_vgrid_height(vg, nlev, ip1, 3, ps, ps2, out);
    }
    free(out);
}

static void ip_codes(fz_in *in) {
    int32_t ip = (int32_t)fz_u32(in), ip2 = (int32_t)fz_u32(in), ip3 = (int32_t)fz_u32(in);
    float v = fz_f32(in);
    int kind = (int)(int8_t)fz_u8(in);
    float dv;
    int dk;
    char buf[64];
    int32_t code, all[2];
    int cnt;
    fst24_ip_decode(ip, &dv, &dk);
    fst24_ip_encode(v, kind, FST24_IP_NEW, &code);
    fst24_ip_encode(v, kind, FST24_IP_OLD, &code);
    int32_t conv = ip;
    fst24_ip_convert(&conv, &dv, &dk, (int)(int8_t)fz_u8(in) % 4);
    fst24_ip_format(ip, buf, (size_t)fz_u8(in) % sizeof buf);
    fst24_ip_format_value(v, kind, buf, sizeof buf);
    fst24_ip_equivalent(ip, ip2);
    fst24_ip_all_codes(ip, all, &cnt);
    fst24_ip_kind_tag(kind);
    fst24_ip_kind_unit(kind);
    fst24_ip_kind_name(kind);
    fst24_ip_range r1, r2, r3;
    fst24_ip123_decode(ip, ip2, ip3, &r1, &r2, &r3);
    r1.v1 = v;
    r1.v2 = fz_f32(in);
    r1.kind = kind;
    r2.v1 = fz_f32(in);
    r2.v2 = fz_f32(in);
    r2.kind = (int)(int8_t)fz_u8(in);
    r3.v1 = fz_f32(in);
    r3.v2 = r3.v1;
    r3.kind = (int)(int8_t)fz_u8(in);
    int32_t o1, o2, o3;
    fst24_ip123_encode(&r1, &r2, &r3, &o1, &o2, &o3);
    fst24_ip123_from_values(v, kind, r2.v1, r2.kind, r3.v1, r3.kind, &o1, &o2, &o3);
    float v1, v2, v3;
    int k1, k2, k3;
    fst24_ip123_to_values(ip, ip2, ip3, &v1, &k1, &v2, &k2, &v3, &k3);
    int32_t ips[4] = {ip, ip2, ip3, code};
    float vals[4];
    int kinds[4];
    fst24_ip_decode_many(ips, 4, vals, kinds);
    fst24_ip_encode_many(vals, kinds, 4, FST24_IP_NEW, ips);
}

static void dates(fz_in *in) {
    int32_t stamp = (int32_t)fz_u32(in), d = (int32_t)fz_u32(in), t = (int32_t)fz_u32(in), out, o2, o3;
    double hours = fz_f64(in), dh;
    int64_t secs = (int64_t)fz_u64(in);
    fst24_stamp_to_printable(stamp, &d, &t);
    fst24_printable_to_stamp((int32_t)fz_u32(in), (int32_t)fz_u32(in), &out);
    fst24_printable_to_ext_stamp((int32_t)fz_u32(in), (int32_t)fz_u32(in), &out);
    fst24_ext_stamp_to_printable(stamp, &d, &t);
    int32_t a = stamp, b = (int32_t)fz_u32(in), c = (int32_t)fz_u32(in);
    fst24_newdate(&a, &b, &c, (int)(int8_t)fz_u8(in));
    fst24_stamp_add_hours(stamp, hours, &out);
    fst24_stamp_add_hours_rounded(stamp, hours, &o2);
    fst24_stamp_diff_hours(stamp, out, &dh);
    fst24_stamp_diff_hours_rounded(stamp, o2, &dh);
    fst24_stamp_get_format(stamp);
    fst24_stamp_is_valid(stamp);
    fst24_stamp_is_dummy(stamp);
    fst24_stamp_to_epoch(stamp, &secs);
    fst24_epoch_to_stamp((int64_t)fz_u64(in), fz_u8(in) & 1, &o3);
    char buf[64];
    fst24_stamp_to_iso(stamp, buf, (size_t)fz_u8(in) % sizeof buf);
    size_t len = in->n < 63 ? in->n : 63;
    memcpy(buf, in->p, len);
    buf[len] = '\0';
    fst24_iso_to_stamp(buf, 0, &out);
    fst24_iso_to_stamp(buf, 1, &out);
}

static void from_file(const uint8_t *data, size_t size) {
    int fd = -1;
    fst24_file *f = fz_open_bytes(data, size, &fd);
    int64_t n = f ? fst24_num_records(f) : 0;
    fz_in none = {NULL, 0};
    for (int64_t i = 0; i < n && i < 256; i++) {
        fst24_record r;
        if (fst24_get_record(f, i, &r) != FST24_OK) continue;
        fst24_vgrid *vg = NULL;
        if (!strncmp(r.nomvar, "!!", 2) && fst24_vgrid_from_record(f, &r, &vg) == FST24_OK) use(vg, &none);
        fst24_vgrid_free(vg);
        vg = NULL;
        if (i < 32 && fst24_vgrid_find(f, &r, &vg) == FST24_OK) use(vg, &none);
        fst24_vgrid_free(vg);
    }
    fz_close(f, fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    switch (fz_u8(&in) % 4) {
    case 0: {
        int32_t vcode = (int32_t)fz_u32(&in);
        int32_t ni = 1 + fz_u8(&in) % 16, nj = 1 + fz_u8(&in);
        size_t n = (size_t)ni * nj;
        double *t = malloc(n * sizeof(double));
        if (!t) return 0;
        for (size_t k = 0; k < n; k++) t[k] = fz_f64(&in);
        fst24_vgrid *vg = NULL;
        if (fst24_vgrid_from_table(vcode, ni, nj, t, &vg) == FST24_OK) use(vg, &in);
        fst24_vgrid_free(vg);
        free(t);
        break;
    }
    case 1: ip_codes(&in); break;
    case 2: dates(&in); break;
    default: from_file(in.p, in.n);
    }
    return 0;
}
