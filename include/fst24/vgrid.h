/* fst24/vgrid.h - vertical coordinate descriptors (!! records). Included by fst24.h. */
#ifndef FST24_VGRID_H
#define FST24_VGRID_H
#ifdef __cplusplus
extern "C" {
#endif
#ifdef __cplusplus
}
#endif
#endif
