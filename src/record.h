/* Internal: what the record helpers give the readers (record.c). */
#ifndef FST24_RECORD_H
#define FST24_RECORD_H
#include "codec/codec.h"
#include "fst24.h"

/* The codec's view of a record's header (datyp, nbits, dasiz, dimensions). */
fst_codec_desc fst_record_codec_desc(const fst24_record *r);

#endif /* FST24_RECORD_H */
