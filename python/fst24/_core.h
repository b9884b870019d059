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

/* Registered by fst24/__init__.py through _register() (_core.c). */
extern PyObject *g_error_map;    /* dict: status (int) -> exception class */
extern PyObject *g_error_base;   /* fst24.Error */
extern PyObject *g_record_class; /* fst24.Record (subclass of RecordBase) */

/* Errors (_core.c): each sets a Python exception and returns NULL. */
PyObject *raise_status_msg(int status, const char *message);
PyObject *raise_status(int status);
PyObject *raise_invalid(const char *fmt, ...);

/* ---- Types ------------------------------------------------------------- */

typedef struct QueryObject QueryObject;

typedef struct {
    PyObject_HEAD
    fst24_file *f;           /* NULL once closed */
    pthread_rwlock_t lock;   /* see the header comment */
    int lock_ready;
    int writable;
    PyObject *path;          /* str */
    QueryObject *queries;    /* live queries whose chain starts here (GIL-protected list) */
} FileObject;

typedef struct {
    PyObject_HEAD
    fst24_record rec;
    PyObject *file;          /* owning FileObject or NULL */
} RecordObject;

struct QueryObject {
    PyObject_HEAD
    fst24_query *q;          /* NULL once the file closed */
    PyObject *chain;         /* tuple of FileObject (chain[0] owns the query) */
    QueryObject *prev, *next;/* registration in chain[0]->queries */
};

extern PyTypeObject File_Type;
extern PyTypeObject Record_Type;
extern PyTypeObject Query_Type;
extern PyTypeObject Index_Type;  /* _core_index.c */

#define File_Check(o) PyObject_TypeCheck((o), &File_Type)
#define Record_Check(o) PyObject_TypeCheck((o), &Record_Type)

extern const char CLOSED_MSG[];
PyObject *raise_closed(FileObject *fo);

/* ---- Locking helpers (called with the GIL released) ------------------- */

static inline void lock_shared(FileObject *fo) { pthread_rwlock_rdlock(&fo->lock); }
static inline void lock_excl(FileObject *fo) { pthread_rwlock_wrlock(&fo->lock); }
static inline void unlock(FileObject *fo) { pthread_rwlock_unlock(&fo->lock); }

/* Shared-lock every file of a chain; returns 0 if all are open, else 1 with
 * nothing locked. */
static inline int lock_chain(FileObject **files, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        lock_shared(files[i]);
        if (files[i]->f == NULL) {
            for (Py_ssize_t j = i; j >= 0; j--) unlock(files[j]);
            return 1;
        }
    }
    return 0;
}

static inline void unlock_chain(FileObject **files, Py_ssize_t n)
{
    for (Py_ssize_t i = n - 1; i >= 0; i--) unlock(files[i]);
}

/* Records (_core_record.c). */
PyObject *record_wrap(const fst24_record *rec, PyObject *file);
FileObject *record_owner(RecordObject *ro);
Py_ssize_t record_data_bytes(const fst24_record *rec);
void record_build_getset(void);

/* Module functions (_core_funcs.c, except _register in _core.c). */
PyObject *mod_register(PyObject *self, PyObject *args);
extern PyMethodDef core_methods[];
extern PyMethodDef index_methods[]; /* _core_index.c */

/* Grid and VGrid types and their module functions (_core_grid.c). */
extern PyMethodDef grid_methods[];
int grid_types_ready(PyObject *module);

#endif
