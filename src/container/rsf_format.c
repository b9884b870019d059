/* RSF on-disk structures: pure little-endian encode/decode (docs/format/rsf.md). */
#include "container/rsf_format.h"

#include <string.h>
#include "common/bytes.h"

static inline unsigned get16(const uint8_t *p) { return (unsigned)p[0] | ((unsigned)p[1] << 8); }
static inline void put16(uint8_t *p, unsigned v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

uint64_t fst_rsf_get_u64(const uint8_t *p) { return ((uint64_t)fst_load_le32(p) << 32) | fst_load_le32(p + 4); }

void fst_rsf_put_u64(uint8_t *p, uint64_t v) {
    fst_store_le32(p, (uint32_t)(v >> 32));
    fst_store_le32(p + 4, (uint32_t)v);
}

void fst_rsf_get_sor(const uint8_t *p, rsf_sor *s) {
    s->rt = p[0];
    s->rlm = get16(p + 1);
    s->zr = p[3];
    s->rl = fst_rsf_get_u64(p + 4);
    s->rlmd = get16(p + 12);
    s->ubc = p[14];
    s->dul = p[15];
}

void fst_rsf_put_sor(uint8_t *p, const rsf_sor *s) {
    p[0] = (uint8_t)s->rt;
    put16(p + 1, s->rlm);
    p[3] = (uint8_t)s->zr;
    fst_rsf_put_u64(p + 4, s->rl);
    put16(p + 12, s->rlmd);
    p[14] = (uint8_t)s->ubc;
    p[15] = (uint8_t)s->dul;
}

void fst_rsf_get_eor(const uint8_t *p, rsf_eor *e) {
    e->rl = fst_rsf_get_u64(p);
    e->rt = p[8];
    e->rlm = get16(p + 9);
    e->zr = p[11];
}

void fst_rsf_put_eor(uint8_t *p, const rsf_eor *e) {
    fst_rsf_put_u64(p, e->rl);
    p[8] = (uint8_t)e->rt;
    put16(p + 9, e->rlm);
    p[11] = (uint8_t)e->zr;
}

static void get_seginfo(const uint8_t *p, rsf_seginfo *s) {
    s->seg = fst_rsf_get_u64(p);
    s->sseg = fst_rsf_get_u64(p + 8);
    s->vdir = fst_rsf_get_u64(p + 16);
    s->vdirs = fst_rsf_get_u64(p + 24);
}

static void put_seginfo(uint8_t *p, const rsf_seginfo *s) {
    fst_rsf_put_u64(p, s->seg);
    fst_rsf_put_u64(p + 8, s->sseg);
    fst_rsf_put_u64(p + 16, s->vdir);
    fst_rsf_put_u64(p + 24, s->vdirs);
}

void fst_rsf_get_sos(const uint8_t *p, rsf_sos *s) {
    fst_rsf_get_sor(p, &s->sor);
    memcpy(s->sig, p + 16, 8);
    s->sign = fst_load_le32(p + 24);
    get_seginfo(p + 28, &s->s);
    fst_rsf_get_eor(p + 60, &s->eor);
}

void fst_rsf_put_sos(uint8_t *p, const rsf_sos *s) {
    fst_rsf_put_sor(p, &s->sor);
    memcpy(p + 16, s->sig, 8);
    fst_store_le32(p + 24, s->sign);
    put_seginfo(p + 28, &s->s);
    fst_rsf_put_eor(p + 60, &s->eor);
}

void fst_rsf_get_eos_lo(const uint8_t *p, rsf_eos_lo *e) {
    fst_rsf_get_sor(p, &e->sor);
    e->sign = fst_load_le32(p + 16);
}

void fst_rsf_put_eos_lo(uint8_t *p, const rsf_eos_lo *e) {
    fst_rsf_put_sor(p, &e->sor);
    fst_store_le32(p + 16, e->sign);
}

void fst_rsf_get_eos_hi(const uint8_t *p, rsf_eos_hi *e) {
    e->sign = fst_load_le32(p);
    get_seginfo(p + 4, &e->s);
    fst_rsf_get_eor(p + 36, &e->eor);
}

void fst_rsf_put_eos_hi(uint8_t *p, const rsf_eos_hi *e) {
    fst_store_le32(p, e->sign);
    put_seginfo(p + 4, &e->s);
    fst_rsf_put_eor(p + 36, &e->eor);
}

void fst_rsf_get_dirent(const uint8_t *p, rsf_dirent *d) {
    d->wa = fst_rsf_get_u64(p);
    d->rl = fst_rsf_get_u64(p + 8);
    d->entry_offset = fst_rsf_get_u64(p + 16);
    d->ml = fst_load_le32(p + 24);
    d->dul = p[28];
}

void fst_rsf_put_dirent(uint8_t *p, const rsf_dirent *d) {
    fst_rsf_put_u64(p, d->wa);
    fst_rsf_put_u64(p + 8, d->rl);
    fst_rsf_put_u64(p + 16, d->entry_offset);
    fst_store_le32(p + 24, d->ml);
    p[28] = (uint8_t)d->dul;
    p[29] = p[30] = p[31] = 0;
}

rsf_sos fst_rsf_make_sos(unsigned flag, unsigned rlmd, const char sig[8], rsf_seginfo s) {
    rsf_sos r;
    memset(&r, 0, sizeof r);
    r.sor = (rsf_sor){.rt = RSF_RT_SOS, .rlm = flag, .zr = RSF_SOR_MARK, .rl = RSF_SOS_BYTES, .rlmd = rlmd};
    memcpy(r.sig, sig, 8);
    r.sign = RSF_SOS_SIGN;
    r.s = s;
    r.eor = (rsf_eor){.rl = RSF_SOS_BYTES, .rt = RSF_RT_SOS, .rlm = 0, .zr = RSF_EOR_MARK};
    return r;
}

rsf_sos fst_rsf_make_open_sos(const char sig[8], uint64_t reserved) {
    return fst_rsf_make_sos(RSF_FST_META_WORDS, RSF_FST_META_WORDS, sig, (rsf_seginfo){0, reserved, 0, 0});
}

rsf_eos_lo fst_rsf_make_eos_lo(uint64_t rl, unsigned rlm) {
    rsf_eos_lo e;
    e.sor = (rsf_sor){.rt = RSF_RT_EOS, .rlm = rlm, .zr = RSF_SOR_MARK, .rl = rl, .rlmd = rlm};
    e.sign = RSF_EOS_LO_SIGN;
    return e;
}

rsf_eos_hi fst_rsf_make_eos_hi(uint64_t rl, unsigned rlm, rsf_seginfo s) {
    rsf_eos_hi e;
    e.sign = RSF_EOS_HI_SIGN;
    e.s = s;
    e.eor = (rsf_eor){.rl = rl, .rt = RSF_RT_EOS, .rlm = rlm, .zr = RSF_EOR_MARK};
    return e;
}

int fst_rsf_sos_is_valid(const rsf_sos *s) {
    return s->sor.rt == RSF_RT_SOS && s->sor.zr == RSF_SOR_MARK && s->sor.rl == RSF_SOS_BYTES &&
           memcmp(s->sig, "RSF0", 4) == 0 && s->eor.zr == RSF_EOR_MARK && s->eor.rl == RSF_SOS_BYTES;
}

int fst_rsf_eos_hi_is_valid(const rsf_eos_hi *e) {
    return e->sign == RSF_EOS_HI_SIGN && e->eor.rt == RSF_RT_EOS && e->eor.zr == RSF_EOR_MARK;
}

const char *fst_rsf_parse_fst_meta(const uint32_t *meta, size_t n, rsf_fst_meta *out) {
    memset(out, 0, sizeof *out);
    if (n < 3) return "fewer than 3 metadata words";
    out->rsf_version = (meta[0] >> 16) & 0xFF;
    out->rclass = (meta[0] >> 8) & 0xFF;
    out->rtype = meta[0] & 0xFF;
    if (out->rsf_version > 1) return "RSF metadata version above 1";
    /* Version 0 (early development files) kept the fst24 word in W32 1. */
    uint32_t w = out->rsf_version == 1 ? meta[2] : meta[1];
    out->fst_version = w >> 24;
    out->num_search_keys = (w >> 16) & 0xFF;
    out->ext_words = w & 0xFFFF;
    if (out->rtype != RSF_RT_DATA && out->rtype != RSF_RT_DEL) return "not a data record";
    if (out->fst_version > 1) return "FST metadata version above 1";
    if (n < RSF_FST_META_WORDS) return "fewer than 19 metadata words";
    return 0;
}

int64_t fst_rsf_sparse_top(int64_t start, int64_t want) { return ((start + want - 1) | (RSF_SPARSE_ALIGN - 1)) + 1; }
