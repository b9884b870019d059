/*
 * _core.h - declarations shared by the modules of the fst24._core extension
 * (see _core.c for the concurrency model).
 */
#ifndef FST24_PY_CORE_H
#define FST24_PY_CORE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fst24.h"

/* fst24.Record (registered by fst24/__init__.py through _register(), kept in the module state of
 * _core.c), or NULL before that. Borrowed. */
PyObject *core_record_class(void);

/* Errors (_core.c): each sets a Python exception and returns NULL. */
PyObject *raise_status_msg(int status, const char *message);
PyObject *raise_status(int status);
PyObject *raise_invalid(const char *fmt, ...);

/* ---- Types ------------------------------------------------------------- */

typedef struct QueryObject QueryObject;

typedef struct {
    PyObject_HEAD fst24_file *f; /* NULL once closed */
    pthread_rwlock_t lock;       /* see the header comment */
    int lock_ready;
    int writable;
    PyObject *path;       /* str */
    QueryObject *queries; /* live queries whose chain starts here (GIL-protected list) */
} FileObject;

typedef struct {
    PyObject_HEAD fst24_record rec;
    PyObject *file; /* owning FileObject or NULL */
} RecordObject;

struct QueryObject {
    PyObject_HEAD fst24_query *q; /* NULL once the file closed */
    PyObject *chain;              /* tuple of FileObject (chain[0] owns the query) */
    QueryObject *prev, *next;     /* registration in chain[0]->queries */
};

extern PyTypeObject File_Type;
extern PyTypeObject Record_Type;
extern PyTypeObject Query_Type;
extern PyTypeObject Index_Type; /* _core_index.c */

#define File_Check(o) PyObject_TypeCheck((o), &File_Type)
#define Record_Check(o) PyObject_TypeCheck((o), &Record_Type)

extern const char CLOSED_MSG[];
PyObject *raise_closed(FileObject *fo);

/* ---- Locking helpers (called with the GIL released) ------------------- */

static inline void lock_shared(FileObject *fo) { pthread_rwlock_rdlock(&fo->lock); }
static inline void lock_excl(FileObject *fo) { pthread_rwlock_wrlock(&fo->lock); }
static inline void unlock(FileObject *fo) { pthread_rwlock_unlock(&fo->lock); }

/*
 * The sequence of every library call on an open file: release the GIL, lock `fo` (shared, or
 * exclusive when `excl`), run `expr` (its status goes to `st`) unless the file was closed,
 * unlock, take the GIL back. Then a closed file sets ClosedFileError with st = FST24_E_CLOSED,
 * and a negative status sets its exception unless `keep` (an expression over st) is true. The
 * caller does its clean-up and returns NULL when st < 0 and it did not keep the status.
 */
#define FILE_CALL_KEEP(fo, excl, st, expr, keep)                                                                       \
    do {                                                                                                               \
        int closed_ = 0;                                                                                               \
        Py_BEGIN_ALLOW_THREADS                                                                                         \
            if (excl)                                                                                                  \
                lock_excl(fo);                                                                                         \
            else                                                                                                       \
                lock_shared(fo);                                                                                       \
            if ((fo)->f == NULL)                                                                                       \
                closed_ = 1;                                                                                           \
            else                                                                                                       \
                (st) = (expr);                                                                                         \
            unlock(fo);                                                                                                \
        Py_END_ALLOW_THREADS                                                                                           \
        if (closed_) {                                                                                                 \
            raise_closed(fo);                                                                                          \
            (st) = FST24_E_CLOSED;                                                                                     \
        } else if ((st) < 0 && !(keep)) {                                                                              \
            raise_status((int)(st));                                                                                   \
        }                                                                                                              \
    } while (0)
#define FILE_CALL(fo, excl, st, expr) FILE_CALL_KEEP(fo, excl, st, expr, 0)

/* Shared-lock every file of a chain; returns 0 if all are open, else 1 with
 * nothing locked. */
static inline int lock_chain(FileObject **files, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        lock_shared(files[i]);
        if (files[i]->f == NULL) {
            for (Py_ssize_t j = i; j >= 0; j--) unlock(files[j]);
            return 1;
        }
    }
    return 0;
}

static inline void unlock_chain(FileObject **files, Py_ssize_t n) {
    for (Py_ssize_t i = n - 1; i >= 0; i--) unlock(files[i]);
}

/* Records (_core_record.c). */
PyObject *record_wrap(const fst24_record *rec, PyObject *file);
FileObject *record_owner(RecordObject *ro);
Py_ssize_t record_data_bytes(const fst24_record *rec);
void record_build_getset(void);

/* Buffers of fixed-width items for the vectorised helpers: 0, or -1 with an exception. */
int core_get_buffer(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t itemsize, const char *what);

/* Module functions by topic. */
extern PyMethodDef index_methods[]; /* _core_index.c */
extern PyMethodDef io_methods[];    /* _core_io.c: detect, link, read_many, repair */
extern PyMethodDef level_methods[]; /* _core_levels.c: IP codes */
extern PyMethodDef date_methods[];  /* _core_dates.c: date stamps */

/* Grid and VGrid types and their module functions (_core_grid.c). */
extern PyMethodDef grid_methods[];
int grid_types_ready(PyObject *module);

#endif
