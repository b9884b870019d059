/* Description of a grid for printing and CF metadata (grid mappings), and the
 * public Gaussian-latitude helper. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "meta/grid_internal.h"

/* ---- description ------------------------------------------------------- */

static void describe_rotation(const double R[3][3], fst24_grid_info *info)
{
    memcpy(info->rotation, R, sizeof info->rotation);
    info->grid_north_pole_latitude = asin(fmax(-1.0, fmin(1.0, R[2][2]))) * GRID_DEG;
    if (fabs(R[2][2]) < 1.0 - 1e-12) {
        info->grid_north_pole_longitude = grid_wrap360(atan2(R[2][1], R[2][0]) * GRID_DEG);
        info->north_pole_grid_longitude = grid_wrap360(atan2(R[1][2], R[0][2]) * GRID_DEG);
    } else {
        /* pole on the geographic pole: a pure turn of delta = rotated lon of (0, 0);
         * CF then needs rlon = lon - (pole_lon + 180), i.e. pole_lon = -delta - 180 */
        const double delta = atan2(R[1][0], R[0][0]) * GRID_DEG;
        info->grid_north_pole_longitude = grid_wrap360(-delta - 180.0);
        info->north_pole_grid_longitude = 0.0;
    }
}

int fst24_grid_describe(const fst24_grid *g, fst24_grid_info *info)
{
    if (!g || !info) return fst_error(FST24_E_INVALID, "fst24_grid_describe: NULL argument");
    memset(info, 0, sizeof *info);
    info->grtyp = g->grtyp;
    info->ref_grtyp = g->ref_grtyp;
    info->ni = g->ni;
    info->nj = g->nj;
    memcpy(info->ig, g->ig, sizeof info->ig);
    memcpy(info->xg, g->xg, sizeof info->xg);
    memcpy(info->ref_ig, g->ref_ig, sizeof info->ref_ig);
    info->tile_i0 = g->tile_i0;
    info->tile_j0 = g->tile_j0;
    info->master_ni = g->master_ni;
    info->master_nj = g->master_nj;
    info->nsubgrids = g->nsub;
    info->identity_rotation = g->identity;
    info->positional_key[0] = g->pos_key[0];
    info->positional_key[1] = g->pos_key[1];
    info->earth_radius = GRID_EARTH_RADIUS;
    info->mapping_name = "";
    const grid_proj *p = &g->proj;
    switch (p->kind) {
    case PROJ_LATLON:
        info->mapping = FST24_MAPPING_LATLON;
        info->mapping_name = "latitude_longitude";
        break;
    case PROJ_ROTATED:
        info->mapping = FST24_MAPPING_ROTATED;
        info->mapping_name = "rotated_latitude_longitude";
        describe_rotation(p->R, info);
        break;
    case PROJ_PS:
        info->mapping = FST24_MAPPING_POLAR_STEREO;
        info->mapping_name = "polar_stereographic";
        info->latitude_of_projection_origin = p->south ? -90.0 : 90.0;
        /* N: -(dgrw + 90); S: dgrw - 90 (the S grid mirrors longitudes) */
        {
            double sv = p->south ? p->dgrw - 90.0 : -(p->dgrw + 90.0);
            sv = grid_wrap360(sv);
            info->straight_vertical_longitude_from_pole = sv >= 180.0 ? sv - 360.0 : sv; /* in [-180, 180) */
        }
        info->scale_factor_at_projection_origin = (1.0 + sin(60.0 * GRID_RAD)) / 2.0;
        info->resolution_at_standard_parallel = p->d60;
        info->false_easting = (p->pi - 1.0) * p->d60;
        info->false_northing = (p->pj - 1.0) * p->d60;
        info->pole_i = p->pi;
        info->pole_j = p->pj;
        info->d60 = p->d60;
        info->dgrw = p->dgrw;
        break;
    case PROJ_SUPER:
        /* the data has no single mapping; report the yin rotation */
        if (g->sub[0] && g->sub[0]->proj.kind == PROJ_ROTATED) describe_rotation(g->sub[0]->proj.R, info);
        memcpy(info->xg, g->sub[0]->xg, sizeof info->xg);
        break;
    default:
        break;
    }
    return FST24_OK;
}

int fst24_gaussian_latitudes(int32_t nj, double *lat)
{
    if (!lat) return fst_error(FST24_E_INVALID, "fst24_gaussian_latitudes: NULL output");
    return grid_gaussian(nj, lat);
}
