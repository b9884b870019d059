/* fst24/grid.h - horizontal grids. Included by fst24.h. */
#ifndef FST24_GRID_H
#define FST24_GRID_H
#ifdef __cplusplus
extern "C" {
#endif
#ifdef __cplusplus
}
#endif
#endif
