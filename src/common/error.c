#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024];
static _Thread_local int last_status;

int fst_error(int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    last_status = status;
    return status;
}

int fst_error_context(int status, const char *fmt, ...) {
    char msg[sizeof last_message];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    size_t used = (size_t)n < sizeof msg - 3 ? (size_t)n : sizeof msg - 3;
    memcpy(msg + used, ": ", 3);
    used += 2;
    size_t rest = strnlen(last_message, sizeof last_message - 1);
    if (rest > sizeof msg - 1 - used) rest = sizeof msg - 1 - used;
    memcpy(msg + used, last_message, rest);
    msg[used + rest] = '\0';
    memcpy(last_message, msg, sizeof msg);
    last_status = status;
    return status;
}

const char *fst24_last_error(void) { return last_message; }
int fst24_last_status(void) { return last_status; }
void fst24_clear_error(void) {
    last_message[0] = '\0';
    last_status = 0;
}

const char *fst24_status_name(int status) {
    switch (status) {
    case FST24_OK: return "FST24_OK";
    case FST24_E_IO: return "FST24_E_IO";
    case FST24_E_NOT_FOUND: return "FST24_E_NOT_FOUND";
    case FST24_E_PERMISSION: return "FST24_E_PERMISSION";
    case FST24_E_NOT_FST: return "FST24_E_NOT_FST";
    case FST24_E_CORRUPT: return "FST24_E_CORRUPT";
    case FST24_E_UNSUPPORTED: return "FST24_E_UNSUPPORTED";
    case FST24_E_INVALID: return "FST24_E_INVALID";
    case FST24_E_NO_RECORD: return "FST24_E_NO_RECORD";
    case FST24_E_DECODE: return "FST24_E_DECODE";
    case FST24_E_NOMEM: return "FST24_E_NOMEM";
    case FST24_E_READONLY: return "FST24_E_READONLY";
    case FST24_E_CLOSED: return "FST24_E_CLOSED";
    case FST24_E_MEMORY_LIMIT: return "FST24_E_MEMORY_LIMIT";
    case FST24_E_LOCKED: return "FST24_E_LOCKED";
    case FST24_E_LIMIT: return "FST24_E_LIMIT";
    default: return "FST24_E_UNKNOWN";
    }
}

const char *fst24_version(void) { return FST24_VERSION_STRING; }
