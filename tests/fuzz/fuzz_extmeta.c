/* Fuzz target "extmeta": the extended-metadata (JSON) parser and matcher.
 * Input: criteria text, a NUL byte, record text (both any bytes; a missing NUL
 * makes the whole input the criteria and the record empty). */
#include <stdlib.h>

#include "fst_internal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *buf = malloc(size + 2);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = '\0';
    const char *criteria = buf;
    const char *record = buf + strlen(buf) + 1;
    if ((size_t)(record - buf) > size) record = "";
    fst_json_is_object(criteria);
    fst_json_is_object(record);
    fst_meta_match(criteria, record);
    fst_meta_match(record, criteria);
    fst_meta_match(criteria, NULL);
    free(buf);
    return 0;
}
