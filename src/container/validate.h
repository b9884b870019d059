/*
 * Internal: structural validators for FST containers, used by `fst24 check`
 * and by tests. They read the file on their own (no fst24_file), never trust
 * any offset before checking it, and never modify the file.
 */
#ifndef FST24_VALIDATE_H
#define FST24_VALIDATE_H
#include <stdio.h>

/* Check every structural invariant of an RSF file (docs/format/rsf.md#rsf-reading):
 * segment chain, start/end-of-segment records, directories, every record's
 * start/end marks and lengths, directory metadata equal to the record's,
 * metadata versions, linear walk of each segment, end of file.
 * Returns 0 if the file passes, else the number of problems found, one line
 * per problem written to `report` (may be NULL); a negative status if the
 * file cannot be read at all. */
int fst_rsf_validate(const char *path, FILE *report);

/* Same for an XDF file (docs/format/xdf.md#xdf-reading): header, key descriptors,
 * directory page chain and checksums, self-addressed linear walk, every
 * directory entry against the descriptor copy in front of its data (words a
 * metadata edit may change excepted), record counters. Sequential XDF files
 * get the header and linear-walk checks. */
int fst_xdf_validate(const char *path, FILE *report);

#endif
