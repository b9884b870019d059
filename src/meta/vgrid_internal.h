/* Internal to the vertical-descriptor modules (src/meta/vgrid*.c). */
#ifndef FST24_META_VGRID_INTERNAL_H
#define FST24_META_VGRID_INTERNAL_H
#include <stdint.h>
#include "fst24.h"

/* One level row of a descriptor. */
typedef struct vlevel {
    int32_t ip1;
    double a, b, c;
    float value; /* decoded ip1 */
    int kind;    /* decoded kind, -1 if the code is invalid */
    int diag;    /* near-surface diagnostic level (kind 4) */
} vlevel;

struct fst24_vgrid {
    fst24_vgrid_info info;
    vlevel *lev[3]; /* momentum, thermodynamic, vertical velocity */
    int32_t n[3];
};

/* Level by exact ip1, else by decoded value; NULL if absent. */
const vlevel *vgrid_find_level(const fst24_vgrid *vg, int32_t ip1, int *fam, int32_t *index);

/* Does a "!!" table of `vcode` describe levels of ip1 kind `kind`? Its kind is
 * vcode / 1000; near-surface diagnostic levels (kind 4) also belong to the
 * vcodes that list them (5005, 5100, 21001, 21002) and to 4001. Shared by
 * fst24_vgrid_find and the metadata index's vcode column. */
int fst_vgrid_kind_fits(int32_t vcode, int kind);
#endif
