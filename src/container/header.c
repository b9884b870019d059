/*
 * The 72-byte FST descriptor block, shared by XDF and RSF: conversion between
 * the 16 search words (descriptor W32 2..17, host order) and fst24_record.
 */
#include <ctype.h>
#include <string.h>

#include "fst_internal.h"

/* 6-bit characters: code = (upper(c) - 32) & 63, first character in the most
 * significant bits. Input stops at NUL; short strings are blank padded. */
uint32_t fst_encode_chars6(const char *s, int nchars) {
    uint32_t code = 0;
    int ended = 0;
    for (int i = 0; i < nchars; i++) {
        unsigned c = ' ';
        if (!ended && s && s[i] != '\0') {
            c = (unsigned char)s[i];
            if (c & 0x40) c &= ~0x20u; /* upper case, as librmn does */
        } else {
            ended = 1;
        }
        code = (code << 6) | ((c - 32) & 63);
    }
    return code;
}

void fst_decode_chars6(uint32_t code, int nchars, char *out) {
    for (int i = 0; i < nchars; i++) { out[i] = (char)(((code >> (6 * (nchars - 1 - i))) & 63) + 32); }
    out[nchars] = '\0';
}

/* The valid date is stored with its last decimal digit "octal packed". */
uint32_t fst_stamp_to_stored(int32_t stamp) {
    uint32_t u = (uint32_t)stamp;
    return 8u * (u / 10u) + (u % 10u);
}

int32_t fst_stored_to_stamp(uint32_t w) { return (int32_t)((w >> 3) * 10u + (w & 7u)); }

void fst_desc_to_record(const uint32_t d[FST_DESC_WORDS], fst24_record *rec) {
    rec->deet = (int32_t)(d[D_DEET_NBITS] >> 8);
    rec->pack_bits = (int32_t)(d[D_DEET_NBITS] & 0xFF);
    uint32_t ni_b = d[D_ETIKBC_TYPVAR] & 0xFF;
    rec->ni = (int32_t)((d[D_NI_GTYP] >> 8) | (ni_b << 24));
    rec->grtyp[0] = (char)(d[D_NI_GTYP] & 0xFF);
    rec->grtyp[1] = '\0';
    uint32_t nj_b = d[D_IP2] & 0xF, nj_c = d[D_IP3] & 0xF;
    rec->nj = (int32_t)((d[D_NJ_DATYP] >> 8) | (nj_b << 24) | (nj_c << 28));
    rec->data_type = (int32_t)(d[D_NJ_DATYP] & 0xFF);
    rec->nk = (int32_t)(d[D_NK_UBC] >> 12);
    rec->ubc = (int32_t)(d[D_NK_UBC] & 0xFFF);
    rec->npas = (int32_t)(d[D_NPAS] >> 6);
    rec->ig4 = (int32_t)(d[D_IG4_IG2A] >> 8);
    rec->ig1 = (int32_t)(d[D_IG1_IG2B] >> 8);
    rec->ig3 = (int32_t)(d[D_IG3_IG2C] >> 8);
    rec->ig2 = (int32_t)(((d[D_IG4_IG2A] & 0xFF) << 16) | ((d[D_IG1_IG2B] & 0xFF) << 8) | (d[D_IG3_IG2C] & 0xFF));
    char et[13];
    fst_decode_chars6(d[D_ETIK15] >> 2, 5, et);
    fst_decode_chars6(d[D_ETIK6A] >> 2, 5, et + 5);
    fst_decode_chars6(d[D_ETIKBC_TYPVAR] >> 20, 2, et + 10);
    memcpy(rec->etiket, et, 13);
    fst_decode_chars6((d[D_ETIKBC_TYPVAR] >> 8) & 0xFFF, 2, rec->typvar);
    fst_decode_chars6(d[D_NOMVAR_DASIZ] >> 8, 4, rec->nomvar);
    int dasiz = (int)(d[D_NOMVAR_DASIZ] & 0xFF);
    rec->data_bits = dasiz ? dasiz : (rec->pack_bits > 32 ? 64 : 32);
    rec->ip1 = (int32_t)(d[D_IP1] >> 4);
    rec->ip2 = (int32_t)(d[D_IP2] >> 4);
    rec->ip3 = (int32_t)(d[D_IP3] >> 4);
    rec->datev = fst_stored_to_stamp(d[D_DATE]);
    rec->dateo = fst_dateo_from_datev(rec->datev, rec->deet, rec->npas);
}

static int check_range(const char *field, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
        return fst_error(FST24_E_INVALID, "record field %s = %lld is outside %lld..%lld", field, (long long)v,
                         (long long)lo, (long long)hi);
    return FST24_OK;
}

/* Strings are checked for characters that the 6-bit code cannot keep. */
static int check_chars(const char *field, const char *s, int width) {
    size_t len = strnlen(s, (size_t)width + 1);
    if ((int)len > width)
        return fst_error(FST24_E_INVALID, "record field %s = \"%s\" is longer than %d characters", field, s, width);
    for (size_t i = 0; i < len; i++) {
        unsigned c = (unsigned char)s[i];
        if (c < 32 || c > 126)
            return fst_error(FST24_E_INVALID, "record field %s contains a character (code %u) that FST cannot store",
                             field, c);
    }
    return FST24_OK;
}

int fst_record_to_desc(const fst24_record *r, int is_rsf, uint32_t d[FST_DESC_WORDS]) {
    int64_t dim_max = is_rsf ? 0x7FFFFFFF : 0xFFFFFF;
    int st;
    if ((st = check_range("ni", r->ni, 1, dim_max)) || (st = check_range("nj", r->nj, 1, dim_max)) ||
        (st = check_range("nk", r->nk, 1, 0xFFFFF)) || (st = check_range("deet", r->deet, 0, 0xFFFFFF)) ||
        (st = check_range("npas", r->npas, 0, 0x3FFFFFF)) || (st = check_range("pack_bits", r->pack_bits, 1, 64)) ||
        (st = check_range("data_type", r->data_type, 0, 255)) || (st = check_range("ig1", r->ig1, 0, 0xFFFFFF)) ||
        (st = check_range("ig2", r->ig2, 0, 0xFFFFFF)) || (st = check_range("ig3", r->ig3, 0, 0xFFFFFF)) ||
        (st = check_range("ig4", r->ig4, 0, 0xFFFFFF)) || (st = check_range("ip1", r->ip1, 0, 0xFFFFFFF)) ||
        (st = check_range("ip2", r->ip2, 0, 0xFFFFFFF)) || (st = check_range("ip3", r->ip3, 0, 0xFFFFFFF)))
        return st;
    if (r->data_bits != 0 && r->data_bits != 8 && r->data_bits != 16 && r->data_bits != 32 && r->data_bits != 64)
        return fst_error(FST24_E_INVALID, "record field data_bits = %d must be 8, 16, 32 or 64", r->data_bits);
    if ((st = check_chars("nomvar", r->nomvar, 4)) || (st = check_chars("typvar", r->typvar, 2)) ||
        (st = check_chars("etiket", r->etiket, 12)) || (st = check_chars("grtyp", r->grtyp, 1)))
        return st;

    uint32_t ni = (uint32_t)r->ni, nj = (uint32_t)r->nj;
    uint32_t ig2 = (uint32_t)r->ig2;
    uint32_t et15 = fst_encode_chars6(r->etiket, 5);
    uint32_t et6a = fst_encode_chars6(strnlen(r->etiket, 12) > 5 ? r->etiket + 5 : "", 5);
    uint32_t etbc = fst_encode_chars6(strnlen(r->etiket, 12) > 10 ? r->etiket + 10 : "", 2);
    unsigned char g = (unsigned char)(r->grtyp[0] ? r->grtyp[0] : ' ');

    d[D_DEET_NBITS] = ((uint32_t)r->deet << 8) | (uint32_t)r->pack_bits;
    d[D_NI_GTYP] = ((ni & 0xFFFFFF) << 8) | g;
    d[D_NJ_DATYP] = ((nj & 0xFFFFFF) << 8) | (uint32_t)r->data_type;
    d[D_NK_UBC] = (uint32_t)r->nk << 12;
    d[D_NPAS] = (uint32_t)r->npas << 6;
    d[D_IG4_IG2A] = ((uint32_t)r->ig4 << 8) | ((ig2 >> 16) & 0xFF);
    d[D_IG1_IG2B] = ((uint32_t)r->ig1 << 8) | ((ig2 >> 8) & 0xFF);
    d[D_IG3_IG2C] = ((uint32_t)r->ig3 << 8) | (ig2 & 0xFF);
    d[D_ETIK15] = et15 << 2;
    d[D_ETIK6A] = et6a << 2;
    d[D_ETIKBC_TYPVAR] = (etbc << 20) | (fst_encode_chars6(r->typvar, 2) << 8) | (ni >> 24);
    d[D_NOMVAR_DASIZ] = (fst_encode_chars6(r->nomvar, 4) << 8) | (uint32_t)(r->data_bits & 0xFF);
    d[D_IP1] = (uint32_t)r->ip1 << 4;
    d[D_IP2] = ((uint32_t)r->ip2 << 4) | ((nj >> 24) & 0xF);
    d[D_IP3] = ((uint32_t)r->ip3 << 4) | ((nj >> 28) & 0xF);
    d[D_DATE] = fst_stamp_to_stored(r->datev);
    return FST24_OK;
}

void fst_entry_to_record(struct fst24_file *f, const fst_entry *e, int64_t idx, fst24_record *rec) {
    memset(rec, 0, sizeof *rec);
    fst_desc_to_record(e->desc, rec);
    rec->key = e->key;
    rec->file_index = e->file_index;
    rec->file_offset = e->record_offset;
    rec->total_stored_bytes = e->record_bytes;
    rec->num_meta_bytes = 4 * e->meta_words;
    rec->fst_version = e->fst_version;
    rec->num_search_keys = e->num_search_keys;
    rec->extended_meta_size = e->ext_meta_words;
    rec->file = f;
    rec->entry = idx;
}

/* The identity of a record for the rewrite modes YES/SKIP (librmn's): grid, names, levels,
 * time and size; the encoding (nbits, datyp, dasiz) does not count. */
int fst_desc_same_identity(const uint32_t a[FST_DESC_WORDS], const uint32_t b[FST_DESC_WORDS]) {
    static const uint32_t mask[FST_DESC_WORDS] = {
        0xFFFFFF00u,                           /* deet (not nbits) */
        0xFFFFFFFFu,                           /* ni, grtyp */
        0xFFFFFF00u,                           /* nj (not datyp) */
        0xFFFFF000u,                           /* nk */
        0xFFFFFFC0u,                           /* npas */
        0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, /* ig1-4 */
        0xFFFFFFFCu, 0xFFFFFFFCu,              /* etiket */
        0xFFFFFFFFu,                           /* etiket, typvar, ni_b */
        0xFFFFFF00u,                           /* nomvar (not dasiz) */
        0xFFFFFFF0u, 0xFFFFFFFFu, 0xFFFFFFFFu, /* ip1, ip2+nj_b, ip3+nj_c */
        0xFFFFFFFFu                            /* datev */
    };
    for (int i = 0; i < FST_DESC_WORDS; i++)
        if ((a[i] ^ b[i]) & mask[i]) return 0;
    return 1;
}
