/*
 * _core.c - the CPython binding of libfst24 (private module fst24._core).
 *
 * Only the plain CPython C API is used: arrays are created by the Python
 * layer (numpy) and filled here through the buffer protocol, so the build
 * needs no numpy headers.
 *
 * Concurrency model
 *  - Every call into libfst24 that may do file I/O or decoding runs with the
 *    GIL released.
 *  - Each File object owns a read/write lock. Reads, queries and record
 *    look-ups hold it shared; writes, deletes, flushes and close hold it
 *    exclusively. This makes close() safe against concurrent readers and
 *    serialises writers against readers of the same file, whatever the C
 *    layer does internally.
 *  - A thread never waits for one of these locks while holding the GIL
 *    (lock waits happen inside Py_BEGIN_ALLOW_THREADS), so the GIL and the
 *    file locks cannot deadlock.
 *  - Query objects are registered with the first file of their chain; close()
 *    frees them before the C file goes away (a query must not outlive it).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fst24.h"

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/* Set once by fst24/__init__.py through _register(); read-only afterwards.
 * Exception classes are Python objects, hence module-level references. */
static PyObject *g_error_map = NULL;   /* dict: status (int) -> exception class */
static PyObject *g_error_base = NULL;  /* fst24.Error */
static PyObject *g_record_class = NULL;/* fst24.Record (subclass of RecordBase) */

/* Raise the exception registered for `status` with `message` (or the
 * library's thread-local message when message is NULL). Returns NULL. */
static PyObject *raise_status_msg(int status, const char *message)
{
    const char *msg = message;
    if (msg == NULL || msg[0] == '\0') msg = fst24_last_error();
    if (msg == NULL || msg[0] == '\0') msg = fst24_status_name(status);
    PyObject *cls = NULL;
    if (g_error_map != NULL) {
        PyObject *key = PyLong_FromLong(status);
        if (key == NULL) return NULL;
        cls = PyDict_GetItemWithError(g_error_map, key); /* borrowed */
        Py_DECREF(key);
        if (cls == NULL && PyErr_Occurred()) return NULL;
    }
    if (cls == NULL) cls = g_error_base != NULL ? g_error_base : PyExc_RuntimeError;
    PyObject *exc = PyObject_CallFunction(cls, "s", msg);
    if (exc == NULL) return NULL;
    PyObject *code = PyLong_FromLong(status);
    if (code != NULL) {
        /* `status` attribute; failure to set it is not worth masking the error. */
        if (PyObject_SetAttrString(exc, "status", code) < 0) PyErr_Clear();
        Py_DECREF(code);
    }
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

static PyObject *raise_status(int status) { return raise_status_msg(status, NULL); }

static PyObject *raise_invalid(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    PyOS_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return raise_status_msg(FST24_E_INVALID, buf);
}

/* ------------------------------------------------------------------------ */
/* Types                                                                    */
/* ------------------------------------------------------------------------ */

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

static PyTypeObject File_Type;
static PyTypeObject Record_Type;
static PyTypeObject Query_Type;

#define File_Check(o) PyObject_TypeCheck((o), &File_Type)
#define Record_Check(o) PyObject_TypeCheck((o), &Record_Type)

static const char CLOSED_MSG[] = "I/O operation on a closed FST file";

static PyObject *raise_closed(FileObject *fo)
{
    char buf[1200];
    PyOS_snprintf(buf, sizeof buf, "%s: %s", CLOSED_MSG,
                  fo != NULL && fo->path != NULL ? PyUnicode_AsUTF8(fo->path) : "?");
    return raise_status_msg(FST24_E_CLOSED, buf);
}

/* ------------------------------------------------------------------------ */
/* Locking helpers (called with the GIL released)                           */
/* ------------------------------------------------------------------------ */

static void lock_shared(FileObject *fo) { pthread_rwlock_rdlock(&fo->lock); }
static void lock_excl(FileObject *fo) { pthread_rwlock_wrlock(&fo->lock); }
static void unlock(FileObject *fo) { pthread_rwlock_unlock(&fo->lock); }

/* Shared-lock every file of a chain; returns 0 if all are open, else 1 with
 * nothing locked. */
static int lock_chain(FileObject **files, Py_ssize_t n)
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

static void unlock_chain(FileObject **files, Py_ssize_t n)
{
    for (Py_ssize_t i = n - 1; i >= 0; i--) unlock(files[i]);
}

/* ------------------------------------------------------------------------ */
/* Records                                                                  */
/* ------------------------------------------------------------------------ */

/* A new record object of the registered Python class, holding `rec`. */
static PyObject *record_wrap(const fst24_record *rec, PyObject *file)
{
    PyTypeObject *cls = g_record_class != NULL ? (PyTypeObject *)g_record_class : &Record_Type;
    RecordObject *ro = (RecordObject *)cls->tp_alloc(cls, 0);
    if (ro == NULL) return NULL;
    ro->rec = *rec;
    Py_XINCREF(file);
    ro->file = file;
    return (PyObject *)ro;
}

/* The owning file of a record, open; sets an exception and returns NULL if
 * the record has none or its file was closed (checked again under lock). */
static FileObject *record_owner(RecordObject *ro)
{
    if (ro->file == NULL || ro->rec.file == NULL) {
        raise_invalid("record %.4s/%d has not been read from or written to a file",
                      ro->rec.nomvar, (int)ro->rec.ip1);
        return NULL;
    }
    return (FileObject *)ro->file;
}

static PyObject *Record_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args; (void)kwds;
    RecordObject *ro = (RecordObject *)type->tp_alloc(type, 0);
    if (ro == NULL) return NULL;
    fst24_record_init(&ro->rec);
    ro->file = NULL;
    return (PyObject *)ro;
}

static void Record_dealloc(RecordObject *ro)
{
    Py_CLEAR(ro->file);
    Py_TYPE(ro)->tp_free((PyObject *)ro);
}

/* String fields: getters strip trailing blanks; setters validate. */
typedef struct { const char *name; size_t offset; int width; int upper; } str_field;
static const str_field STR_FIELDS[] = {
    {"nomvar", offsetof(fst24_record, nomvar), 4, 1},
    {"typvar", offsetof(fst24_record, typvar), 2, 1},
    {"etiket", offsetof(fst24_record, etiket), 12, 1},
    {"grtyp", offsetof(fst24_record, grtyp), 1, 0},
};

static PyObject *rec_get_str(RecordObject *ro, void *closure)
{
    const str_field *sf = &STR_FIELDS[(intptr_t)closure];
    const char *s = (const char *)&ro->rec + sf->offset;
    int n = (int)strnlen(s, (size_t)sf->width);
    while (n > 0 && s[n - 1] == ' ') n--;
    return PyUnicode_DecodeLatin1(s, n, "replace");
}

static int rec_set_str(RecordObject *ro, PyObject *value, void *closure)
{
    const str_field *sf = &STR_FIELDS[(intptr_t)closure];
    if (value == NULL) { PyErr_Format(PyExc_AttributeError, "cannot delete %s", sf->name); return -1; }
    if (!PyUnicode_Check(value)) {
        raise_invalid("%s must be a str, not %.100s", sf->name, Py_TYPE(value)->tp_name);
        return -1;
    }
    Py_ssize_t n = 0;
    const char *s = PyUnicode_AsUTF8AndSize(value, &n);
    if (s == NULL) return -1;
    while (n > 0 && s[n - 1] == ' ') n--; /* trailing blanks are padding anyway */
    if (n > sf->width) {
        raise_invalid("%s '%s' is longer than %d characters", sf->name, s, sf->width);
        return -1;
    }
    char *dst = (char *)&ro->rec + sf->offset;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 32 || c > 126) {
            raise_invalid("%s '%s' has a character outside printable ASCII", sf->name, s);
            return -1;
        }
    }
    for (int i = 0; i < sf->width; i++) {
        char c = i < n ? s[i] : ' ';
        if (sf->upper && c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        dst[i] = c;
    }
    dst[sf->width] = '\0';
    return 0;
}

/* Integer fields. */
typedef struct { const char *name; size_t offset; int is64; int writable; } int_field;
#define IF32(n, w) {#n, offsetof(fst24_record, n), 0, w}
#define IF64(n, w) {#n, offsetof(fst24_record, n), 1, w}
static const int_field INT_FIELDS[] = {
    IF32(ip1, 1), IF32(ip2, 1), IF32(ip3, 1), IF32(ni, 1), IF32(nj, 1), IF32(nk, 1),
    IF32(dateo, 1), IF32(datev, 1), IF32(deet, 1), IF32(npas, 1), IF32(data_type, 1),
    IF32(data_bits, 1), IF32(pack_bits, 1), IF32(ig1, 1), IF32(ig2, 1), IF32(ig3, 1),
    IF32(ig4, 1),
    IF64(key, 0), IF32(file_index, 0), IF32(num_meta_bytes, 0), IF64(file_offset, 0),
    IF64(total_stored_bytes, 0), IF32(fst_version, 0), IF32(num_search_keys, 0),
    IF32(extended_meta_size, 0), IF32(ubc, 0),
};
#define N_INT_FIELDS (sizeof INT_FIELDS / sizeof INT_FIELDS[0])

static PyObject *rec_get_int(RecordObject *ro, void *closure)
{
    const int_field *f = &INT_FIELDS[(intptr_t)closure];
    const char *p = (const char *)&ro->rec + f->offset;
    if (f->is64) return PyLong_FromLongLong(*(const int64_t *)p);
    return PyLong_FromLong(*(const int32_t *)p);
}

static int rec_set_int(RecordObject *ro, PyObject *value, void *closure)
{
    const int_field *f = &INT_FIELDS[(intptr_t)closure];
    if (value == NULL) { PyErr_Format(PyExc_AttributeError, "cannot delete %s", f->name); return -1; }
    if (!PyLong_Check(value)) {
        /* Accept numpy integers and anything with __index__, never floats. */
        if (!PyIndex_Check(value)) {
            raise_invalid("%s must be an integer, not %.100s", f->name, Py_TYPE(value)->tp_name);
            return -1;
        }
    }
    PyObject *idx = PyNumber_Index(value);
    if (idx == NULL) return -1;
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(idx, &overflow);
    Py_DECREF(idx);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (overflow || v < INT32_MIN || v > INT32_MAX) {
        raise_invalid("%s value out of the 32-bit range", f->name);
        return -1;
    }
    *(int32_t *)((char *)&ro->rec + f->offset) = (int32_t)v;
    return 0;
}

static PyObject *rec_get_file(RecordObject *ro, void *closure)
{
    (void)closure;
    if (ro->file == NULL) Py_RETURN_NONE;
    Py_INCREF(ro->file);
    return ro->file;
}

#define N_STR_FIELDS 4
static PyGetSetDef Record_getset[N_STR_FIELDS + N_INT_FIELDS + 2];

static void record_build_getset(void)
{
    int k = 0;
    for (int i = 0; i < N_STR_FIELDS; i++) {
        Record_getset[k++] = (PyGetSetDef){(char *)STR_FIELDS[i].name, (getter)rec_get_str,
                                           (setter)rec_set_str, NULL, (void *)(intptr_t)i};
    }
    for (size_t i = 0; i < N_INT_FIELDS; i++) {
        Record_getset[k++] = (PyGetSetDef){(char *)INT_FIELDS[i].name, (getter)rec_get_int,
                                           INT_FIELDS[i].writable ? (setter)rec_set_int : NULL,
                                           NULL, (void *)(intptr_t)i};
    }
    Record_getset[k++] = (PyGetSetDef){"file", (getter)rec_get_file, NULL,
                                       "File the record belongs to (None for a new record).", NULL};
    Record_getset[k] = (PyGetSetDef){NULL, NULL, NULL, NULL, NULL};
}

/* _layout() -> (elem_name, count) */
static PyObject *Record_layout(RecordObject *ro, PyObject *unused)
{
    (void)unused;
    fst24_elem_type t = FST24_ELEM_NONE;
    size_t count = 0;
    int st = fst24_record_data_layout(&ro->rec, &t, &count);
    if (st < 0) return raise_status(st);
    return Py_BuildValue("sn", fst24_elem_name(t), (Py_ssize_t)count);
}

/* Bytes the decoded data of `rec` needs; -1 with an exception set on error. */
static Py_ssize_t record_data_bytes(const fst24_record *rec)
{
    fst24_elem_type t = FST24_ELEM_NONE;
    size_t count = 0;
    int st = fst24_record_data_layout(rec, &t, &count);
    if (st < 0) { raise_status(st); return -1; }
    size_t es = fst24_elem_size(t);
    if (es != 0 && count > (size_t)PY_SSIZE_T_MAX / es) {
        raise_invalid("record %.4s: data size overflows", rec->nomvar);
        return -1;
    }
    return (Py_ssize_t)(count * es);
}

/* _read_into(buffer, raw_missing=False): decode the data into a writable,
 * contiguous buffer of exactly the layout's size. */
static PyObject *Record_read_into(RecordObject *ro, PyObject *args)
{
    PyObject *obj;
    int raw_missing = 0;
    if (!PyArg_ParseTuple(args, "O|p:_read_into", &obj, &raw_missing)) return NULL;
    FileObject *fo = record_owner(ro);
    if (fo == NULL) return NULL;
    Py_buffer view;
    Py_ssize_t need = record_data_bytes(&ro->rec);
    if (need < 0) return NULL;
    if (PyObject_GetBuffer(obj, &view, PyBUF_WRITABLE | PyBUF_ANY_CONTIGUOUS) < 0) return NULL;
    if (view.len < need) {
        PyBuffer_Release(&view);
        return raise_invalid("record %.4s: buffer of %zd bytes, the data needs %zd", ro->rec.nomvar, view.len, need);
    }
    fst24_read_options opts = {raw_missing, FST24_ELEM_NONE};
    int st = 0, closed = 0;
    fst24_record rec = ro->rec;
    Py_BEGIN_ALLOW_THREADS
    lock_shared(fo);
    if (fo->f == NULL) closed = 1;
    else st = fst24_read_data(&rec, view.buf, (size_t)view.len, &opts);
    unlock(fo);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (closed) return raise_closed(fo);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

/* _read_payload() -> bytes: the stored payload words (host order). */
static PyObject *Record_read_payload(RecordObject *ro, PyObject *unused)
{
    (void)unused;
    FileObject *fo = record_owner(ro);
    if (fo == NULL) return NULL;
    size_t nwords = 0;
    int st = 0, closed = 0;
    fst24_record rec = ro->rec;
    Py_BEGIN_ALLOW_THREADS
    lock_shared(fo);
    if (fo->f == NULL) closed = 1;
    else st = fst24_read_payload(&rec, NULL, &nwords);
    unlock(fo);
    Py_END_ALLOW_THREADS
    if (closed) return raise_closed(fo);
    if (st < 0) return raise_status(st);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(nwords * 4));
    if (out == NULL) return NULL;
    uint32_t *words = (uint32_t *)PyBytes_AS_STRING(out);
    size_t n2 = nwords;
    Py_BEGIN_ALLOW_THREADS
    lock_shared(fo);
    if (fo->f == NULL) closed = 1;
    else st = fst24_read_payload(&rec, words, &n2);
    unlock(fo);
    Py_END_ALLOW_THREADS
    if (closed) { Py_DECREF(out); return raise_closed(fo); }
    if (st < 0) { Py_DECREF(out); return raise_status(st); }
    return out;
}

/* _ext_meta() -> str ("" when none). */
static PyObject *Record_ext_meta(RecordObject *ro, PyObject *unused)
{
    (void)unused;
    if (ro->rec.extended_meta_size <= 0) return PyUnicode_FromString("");
    FileObject *fo = record_owner(ro);
    if (fo == NULL) return NULL;
    size_t cap = (size_t)ro->rec.extended_meta_size * 4 + 16;
    fst24_record rec = ro->rec;
    for (int attempt = 0; attempt < 2; attempt++) {
        char *buf = PyMem_Malloc(cap);
        if (buf == NULL) return PyErr_NoMemory();
        size_t len = 0;
        int st = 0, closed = 0;
        Py_BEGIN_ALLOW_THREADS
        lock_shared(fo);
        if (fo->f == NULL) closed = 1;
        else st = fst24_read_ext_meta(&rec, buf, cap, &len);
        unlock(fo);
        Py_END_ALLOW_THREADS
        if (closed) { PyMem_Free(buf); return raise_closed(fo); }
        if (st < 0) { PyMem_Free(buf); return raise_status(st); }
        if (len < cap) {
            PyObject *s = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)strnlen(buf, len), "replace");
            PyMem_Free(buf);
            return s;
        }
        PyMem_Free(buf);
        cap = len + 1;
    }
    return raise_status_msg(FST24_E_CORRUPT, "extended metadata length keeps changing");
}

/* _clone() -> a new record (same class) with the same header and owner. */
static PyObject *Record_clone(RecordObject *ro, PyObject *unused)
{
    (void)unused;
    PyTypeObject *cls = Py_TYPE(ro);
    RecordObject *copy = (RecordObject *)cls->tp_alloc(cls, 0);
    if (copy == NULL) return NULL;
    copy->rec = ro->rec;
    Py_XINCREF(ro->file);
    copy->file = ro->file;
    return (PyObject *)copy;
}

/* _detach(): forget the owning file (the header becomes a template). */
static PyObject *Record_detach(RecordObject *ro, PyObject *unused)
{
    (void)unused;
    Py_CLEAR(ro->file);
    ro->rec.file = NULL;
    ro->rec.entry = -1;
    ro->rec.key = -1;
    Py_RETURN_NONE;
}

/* _init_criteria(): every field becomes a wildcard. */
static PyObject *Record_init_criteria(RecordObject *ro, PyObject *unused)
{
    (void)unused;
    Py_CLEAR(ro->file);
    fst24_record_init_criteria(&ro->rec);
    Py_RETURN_NONE;
}

/* _type_letters() -> str such as "E", "Rm", "f". */
static PyObject *Record_type_letters(RecordObject *ro, PyObject *unused)
{
    (void)unused;
    char out[3] = {0, 0, 0};
    fst24_type_letters(ro->rec.data_type, out);
    return PyUnicode_FromString(out);
}

static PyMethodDef Record_methods[] = {
    {"_layout", (PyCFunction)Record_layout, METH_NOARGS, "(elem type name, element count) of the decoded data."},
    {"_read_into", (PyCFunction)Record_read_into, METH_VARARGS, "Decode the data into a writable buffer."},
    {"_read_payload", (PyCFunction)Record_read_payload, METH_NOARGS, "Stored payload words (host order) as bytes."},
    {"_ext_meta", (PyCFunction)Record_ext_meta, METH_NOARGS, "Extended metadata JSON text ('' if none)."},
    {"_clone", (PyCFunction)Record_clone, METH_NOARGS, "Copy of the header with the same owner."},
    {"_detach", (PyCFunction)Record_detach, METH_NOARGS, "Forget the owning file."},
    {"_init_criteria", (PyCFunction)Record_init_criteria, METH_NOARGS, "Reset every field to its wildcard."},
    {"_type_letters", (PyCFunction)Record_type_letters, METH_NOARGS, "Listing letters of data_type."},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject Record_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fst24._core.RecordBase",
    .tp_basicsize = sizeof(RecordObject),
    .tp_dealloc = (destructor)Record_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Header of one FST record (C storage; see fst24.Record).",
    .tp_methods = Record_methods,
    .tp_getset = Record_getset,
    .tp_new = Record_new,
};

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */
/* ------------------------------------------------------------------------ */

static void query_unregister(QueryObject *qo)
{
    if (qo->chain == NULL) return;
    FileObject *owner = (FileObject *)PyTuple_GET_ITEM(qo->chain, 0);
    if (qo->prev != NULL) qo->prev->next = qo->next;
    else if (owner->queries == qo) owner->queries = qo->next;
    if (qo->next != NULL) qo->next->prev = qo->prev;
    qo->prev = qo->next = NULL;
}

static void Query_dealloc(QueryObject *qo)
{
    query_unregister(qo);
    if (qo->q != NULL) {
        /* The files of the chain are alive (we hold references) and open
         * (close() would have freed the query). */
        fst24_query_free(qo->q);
        qo->q = NULL;
    }
    Py_CLEAR(qo->chain);
    Py_TYPE(qo)->tp_free((PyObject *)qo);
}

/* Map the C owner of a found record to its FileObject in the chain. */
static PyObject *chain_owner(PyObject *chain, const fst24_file *f)
{
    Py_ssize_t n = PyTuple_GET_SIZE(chain);
    for (Py_ssize_t i = 0; i < n; i++) {
        FileObject *fo = (FileObject *)PyTuple_GET_ITEM(chain, i);
        if (fo->f == f) return (PyObject *)fo;
    }
    return PyTuple_GET_ITEM(chain, 0);
}

#define CHAIN_FILES(qo) ((FileObject **)&PyTuple_GET_ITEM((qo)->chain, 0))

/* fetch(n) -> list of up to n next records (empty at the end). */
static PyObject *Query_fetch(QueryObject *qo, PyObject *arg)
{
    Py_ssize_t want = PyLong_AsSsize_t(arg);
    if (want == -1 && PyErr_Occurred()) return NULL;
    if (want < 1) want = 1;
    if (want > 65536) want = 65536;
    fst24_record *recs = PyMem_Malloc(sizeof(fst24_record) * (size_t)want);
    if (recs == NULL) return PyErr_NoMemory();
    Py_ssize_t nchain = PyTuple_GET_SIZE(qo->chain);
    FileObject **files = CHAIN_FILES(qo);
    Py_ssize_t got = 0;
    int st = 0, closed = 0;
    Py_BEGIN_ALLOW_THREADS
    if (lock_chain(files, nchain)) closed = 1;
    else {
        if (qo->q == NULL) closed = 1;
        else {
            while (got < want) {
                st = fst24_query_next(qo->q, &recs[got]);
                if (st <= 0) break;
                got++;
            }
        }
        unlock_chain(files, nchain);
    }
    Py_END_ALLOW_THREADS
    if (closed) { PyMem_Free(recs); return raise_closed(files[0]); }
    if (st < 0) { PyMem_Free(recs); return raise_status(st); }
    PyObject *list = PyList_New(got);
    if (list == NULL) { PyMem_Free(recs); return NULL; }
    for (Py_ssize_t i = 0; i < got; i++) {
        PyObject *r = record_wrap(&recs[i], chain_owner(qo->chain, recs[i].file));
        if (r == NULL) { Py_DECREF(list); PyMem_Free(recs); return NULL; }
        PyList_SET_ITEM(list, i, r);
    }
    PyMem_Free(recs);
    return list;
}

static PyObject *Query_count(QueryObject *qo, PyObject *unused)
{
    (void)unused;
    Py_ssize_t nchain = PyTuple_GET_SIZE(qo->chain);
    FileObject **files = CHAIN_FILES(qo);
    int64_t n = 0;
    int closed = 0;
    Py_BEGIN_ALLOW_THREADS
    if (lock_chain(files, nchain)) closed = 1;
    else {
        if (qo->q == NULL) closed = 1;
        else n = fst24_query_count(qo->q);
        unlock_chain(files, nchain);
    }
    Py_END_ALLOW_THREADS
    if (closed) return raise_closed(files[0]);
    if (n < 0) return raise_status((int)n);
    return PyLong_FromLongLong(n);
}

static PyObject *Query_rewind(QueryObject *qo, PyObject *unused)
{
    (void)unused;
    Py_ssize_t nchain = PyTuple_GET_SIZE(qo->chain);
    FileObject **files = CHAIN_FILES(qo);
    int st = 0, closed = 0;
    Py_BEGIN_ALLOW_THREADS
    if (lock_chain(files, nchain)) closed = 1;
    else {
        if (qo->q == NULL) closed = 1;
        else st = fst24_query_rewind(qo->q);
        unlock_chain(files, nchain);
    }
    Py_END_ALLOW_THREADS
    if (closed) return raise_closed(files[0]);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

static PyMethodDef Query_methods[] = {
    {"fetch", (PyCFunction)Query_fetch, METH_O, "Up to n next matching records (empty list at the end)."},
    {"count", (PyCFunction)Query_count, METH_NOARGS, "Number of matches (rewinds)."},
    {"rewind", (PyCFunction)Query_rewind, METH_NOARGS, "Restart from the first record."},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject Query_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fst24._core.Query",
    .tp_basicsize = sizeof(QueryObject),
    .tp_dealloc = (destructor)Query_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A search over one file or a chain of linked files.",
    .tp_methods = Query_methods,
};

/* ------------------------------------------------------------------------ */
/* Files                                                                    */
/* ------------------------------------------------------------------------ */

static PyObject *File_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args; (void)kwds;
    FileObject *fo = (FileObject *)type->tp_alloc(type, 0);
    if (fo == NULL) return NULL;
    if (pthread_rwlock_init(&fo->lock, NULL) != 0) {
        Py_DECREF(fo);
        return PyErr_NoMemory();
    }
    fo->lock_ready = 1;
    fo->f = NULL;
    fo->path = NULL;
    fo->queries = NULL;
    return (PyObject *)fo;
}

/* File(path, mode, backend=0, parallel=False, force_write=False) */
static int File_init(FileObject *fo, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"path", "mode", "backend", "parallel", "force_write", NULL};
    PyObject *pathobj;
    int mode = 0, backend = 0, parallel = 0, force_write = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O&i|ipp:File", kwlist, PyUnicode_FSDecoder,
                                     &pathobj, &mode, &backend, &parallel, &force_write))
        return -1;
    if (fo->f != NULL) {
        Py_DECREF(pathobj);
        raise_invalid("File object is already open");
        return -1;
    }
    if (mode < FST24_MODE_READ || mode > FST24_MODE_CREATE || backend < 0 || backend > 2) {
        Py_DECREF(pathobj);
        raise_invalid("invalid mode %d or backend %d", mode, backend);
        return -1;
    }
    PyObject *bytes = PyUnicode_EncodeFSDefault(pathobj);
    if (bytes == NULL) { Py_DECREF(pathobj); return -1; }
    fst24_open_options opts = {(fst24_backend)backend, parallel, force_write, 0};
    fst24_file *f = NULL;
    int st;
    const char *cpath = PyBytes_AS_STRING(bytes);
    Py_BEGIN_ALLOW_THREADS
    st = fst24_open(cpath, (fst24_open_mode)mode, &opts, &f);
    Py_END_ALLOW_THREADS
    Py_DECREF(bytes);
    if (st < 0) {
        Py_DECREF(pathobj);
        raise_status(st);
        return -1;
    }
    Py_XSETREF(fo->path, pathobj);
    fo->writable = mode != FST24_MODE_READ;
    fo->f = f;
    return 0;
}

/* Close the C file: free registered queries first. Returns the status. */
static int file_close(FileObject *fo)
{
    if (fo->f == NULL) return FST24_OK;
    Py_BEGIN_ALLOW_THREADS
    lock_excl(fo);
    Py_END_ALLOW_THREADS
    if (fo->f == NULL) { unlock(fo); return FST24_OK; } /* closed by another thread meanwhile */
    /* GIL + exclusive lock: no other thread uses the file or its queries. */
    for (QueryObject *qo = fo->queries; qo != NULL; qo = qo->next) {
        if (qo->q != NULL) { fst24_query_free(qo->q); qo->q = NULL; }
    }
    fst24_file *f = fo->f;
    fo->f = NULL;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = fst24_close(f);
    unlock(fo);
    Py_END_ALLOW_THREADS
    return st;
}

static void File_dealloc(FileObject *fo)
{
    PyObject *et, *ev, *tb;
    PyErr_Fetch(&et, &ev, &tb);
    if (fo->f != NULL) (void)file_close(fo);
    PyErr_Restore(et, ev, tb);
    if (fo->lock_ready) pthread_rwlock_destroy(&fo->lock);
    Py_CLEAR(fo->path);
    Py_TYPE(fo)->tp_free((PyObject *)fo);
}

static PyObject *File_close(FileObject *fo, PyObject *unused)
{
    (void)unused;
    int st = file_close(fo);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

/* Run `op` on the open file under the exclusive or shared lock. */
#define FILE_OP(fo, excl, stmt)                                   \
    do {                                                          \
        int closed_ = 0;                                          \
        Py_BEGIN_ALLOW_THREADS                                    \
        if (excl) lock_excl(fo); else lock_shared(fo);            \
        if ((fo)->f == NULL) closed_ = 1;                         \
        else { stmt; }                                            \
        unlock(fo);                                               \
        Py_END_ALLOW_THREADS                                      \
        if (closed_) return raise_closed(fo);                     \
    } while (0)

static PyObject *File_flush(FileObject *fo, PyObject *unused)
{
    (void)unused;
    int st = 0;
    FILE_OP(fo, 1, st = fst24_flush(fo->f));
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

static PyObject *File_num_records(FileObject *fo, PyObject *unused)
{
    (void)unused;
    int64_t n = 0;
    FILE_OP(fo, 0, n = fst24_num_records(fo->f));
    if (n < 0) return raise_status((int)n);
    return PyLong_FromLongLong(n);
}

static PyObject *File_info(FileObject *fo, PyObject *unused)
{
    (void)unused;
    fst24_file_info info;
    memset(&info, 0, sizeof info);
    int st = 0;
    FILE_OP(fo, 0, st = fst24_file_get_info(fo->f, &info));
    if (st < 0) return raise_status(st);
    info.warning[sizeof info.warning - 1] = '\0';
    return Py_BuildValue("{s:O,s:s,s:i,s:O,s:L,s:L,s:L,s:L,s:i,s:i,s:O,s:s}",
                         "path", fo->path,
                         "backend", info.backend == FST24_BACKEND_RSF ? "rsf" : "xdf",
                         "kind", (int)info.kind,
                         "writable", info.writable ? Py_True : Py_False,
                         "num_records", (long long)info.num_records,
                         "num_deleted", (long long)info.num_deleted,
                         "num_entries", (long long)info.num_entries,
                         "file_size", (long long)info.file_size,
                         "num_pages", info.num_pages,
                         "checksum_errors", info.checksum_errors,
                         "recovered", info.recovered ? Py_True : Py_False,
                         "warning", info.warning);
}

static PyObject *File_get_record(FileObject *fo, PyObject *arg)
{
    long long index = PyLong_AsLongLong(arg);
    if (index == -1 && PyErr_Occurred()) return NULL;
    fst24_record rec;
    int st = 0;
    FILE_OP(fo, 0, st = fst24_get_record(fo->f, (int64_t)index, &rec));
    if (st < 0) return raise_status(st);
    return record_wrap(&rec, (PyObject *)fo);
}

static PyObject *File_get_record_by_key(FileObject *fo, PyObject *arg)
{
    long long key = PyLong_AsLongLong(arg);
    if (key == -1 && PyErr_Occurred()) return NULL;
    fst24_record rec;
    int st = 0;
    FILE_OP(fo, 0, st = fst24_get_record_by_key(fo->f, (int64_t)key, &rec));
    if (st < 0) return raise_status(st);
    return record_wrap(&rec, (PyObject *)fo);
}

/* write(rec, data_or_None, elem_type, mode, ext_meta_or_None, payload=False)
 * The record is updated with what was stored and now belongs to this file.
 * Returns True if something was written (False for a skipped rewrite). */
static PyObject *File_write(FileObject *fo, PyObject *args)
{
    PyObject *recobj, *dataobj, *metaobj;
    int elem = 0, mode = 0, payload = 0;
    if (!PyArg_ParseTuple(args, "O!OiiO|p:write", &Record_Type, &recobj, &dataobj, &elem, &mode,
                          &metaobj, &payload))
        return NULL;
    RecordObject *ro = (RecordObject *)recobj;
    const char *meta = NULL;
    if (metaobj != Py_None) {
        meta = PyUnicode_AsUTF8(metaobj);
        if (meta == NULL) return NULL;
    }
    Py_buffer view = {0};
    int have = 0;
    if (dataobj != Py_None) {
        if (PyObject_GetBuffer(dataobj, &view, PyBUF_ANY_CONTIGUOUS) < 0) return NULL;
        have = 1;
    }
    if (mode == FST24_REWRITE_META) {
        if (ro->file != (PyObject *)fo) {
            if (have) PyBuffer_Release(&view);
            return raise_invalid("rewrite='meta' needs a record read from this file (%s)",
                                 PyUnicode_AsUTF8(fo->path));
        }
    } else {
        if (!have) return raise_invalid("no data to write for record %.4s", ro->rec.nomvar);
        fst24_elem_type et = (fst24_elem_type)elem;
        size_t esize = fst24_elem_size(et);
        if (payload) esize = 4;
        if (esize == 0 || view.len % (Py_ssize_t)esize != 0) {
            PyBuffer_Release(&view);
            return raise_invalid("data buffer of %zd bytes does not hold whole elements", view.len);
        }
    }
    fst24_record rec = ro->rec;
    int st = 0;
    int64_t before = -1, after = -1;
    const void *buf = have ? view.buf : NULL;
    size_t nbytes = have ? (size_t)view.len : 0;
    {
        int closed_ = 0;
        Py_BEGIN_ALLOW_THREADS
        lock_excl(fo);
        if (fo->f == NULL) closed_ = 1;
        else {
            before = fst24_num_records(fo->f);
            if (payload)
                st = fst24_write_payload(fo->f, &rec, (const uint32_t *)buf, nbytes / 4,
                                         (fst24_rewrite)mode, meta);
            else
                st = fst24_write(fo->f, &rec, buf, (fst24_elem_type)elem, (fst24_rewrite)mode, meta);
            after = fst24_num_records(fo->f);
        }
        unlock(fo);
        Py_END_ALLOW_THREADS
        if (closed_) { if (have) PyBuffer_Release(&view); return raise_closed(fo); }
    }
    if (have) PyBuffer_Release(&view);
    if (st < 0) return raise_status(st);
    int written = mode == FST24_REWRITE_SKIP ? (after != before) : 1;
    if (written) {
        ro->rec = rec;
        Py_INCREF(fo);
        Py_XSETREF(ro->file, (PyObject *)fo);
    }
    return PyBool_FromLong(written);
}

static PyObject *File_delete(FileObject *fo, PyObject *arg)
{
    if (!Record_Check(arg)) return raise_invalid("delete() needs a Record");
    RecordObject *ro = (RecordObject *)arg;
    if (ro->file != (PyObject *)fo)
        return raise_invalid("record %.4s does not belong to %s", ro->rec.nomvar,
                             PyUnicode_AsUTF8(fo->path));
    fst24_record rec = ro->rec;
    int st = 0;
    FILE_OP(fo, 1, st = fst24_delete(fo->f, &rec));
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

/* query(chain, criteria_or_None, ip1_all, ip2_all, ip3_all, stamp_norun,
 *       skip_grid_descriptors, ext_meta_or_None) -> Query
 * `chain` is a tuple of linked File objects starting with self. */
static PyObject *File_query(FileObject *fo, PyObject *args)
{
    PyObject *chain, *crit, *metaobj;
    int a1 = 0, a2 = 0, a3 = 0, norun = 0, skipgrid = 0;
    if (!PyArg_ParseTuple(args, "O!OpppppO:query", &PyTuple_Type, &chain, &crit, &a1, &a2, &a3,
                          &norun, &skipgrid, &metaobj))
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(chain);
    if (n < 1 || PyTuple_GET_ITEM(chain, 0) != (PyObject *)fo)
        return raise_invalid("query chain must start with the file itself");
    for (Py_ssize_t i = 0; i < n; i++)
        if (!File_Check(PyTuple_GET_ITEM(chain, i))) return raise_invalid("query chain holds a non-file");
    if (crit != Py_None && !Record_Check(crit)) return raise_invalid("criteria must be a Record");
    fst24_query_options opts = {a1, a2, a3, norun, skipgrid, NULL};
    if (metaobj != Py_None) {
        opts.ext_meta = PyUnicode_AsUTF8(metaobj);
        if (opts.ext_meta == NULL) return NULL;
    }
    fst24_record criteria;
    if (crit != Py_None) criteria = ((RecordObject *)crit)->rec;
    fst24_query *q = NULL;
    int st = 0, closed = 0;
    FileObject **files = (FileObject **)&PyTuple_GET_ITEM(chain, 0);
    Py_BEGIN_ALLOW_THREADS
    if (lock_chain(files, n)) closed = 1;
    else {
        st = fst24_query_new(fo->f, crit != Py_None ? &criteria : NULL, &opts, &q);
        unlock_chain(files, n);
    }
    Py_END_ALLOW_THREADS
    if (closed) return raise_closed(fo);
    if (st < 0) return raise_status(st);
    QueryObject *qo = PyObject_New(QueryObject, &Query_Type);
    if (qo == NULL) { fst24_query_free(q); return NULL; }
    qo->q = q;
    Py_INCREF(chain);
    qo->chain = chain;
    qo->prev = NULL;
    qo->next = fo->queries;
    if (fo->queries != NULL) fo->queries->prev = qo;
    fo->queries = qo;
    return (PyObject *)qo;
}

static PyObject *File_get_path(FileObject *fo, void *c)
{
    (void)c;
    if (fo->path == NULL) Py_RETURN_NONE;
    Py_INCREF(fo->path);
    return fo->path;
}

static PyObject *File_get_closed(FileObject *fo, void *c) { (void)c; return PyBool_FromLong(fo->f == NULL); }
static PyObject *File_get_writable(FileObject *fo, void *c) { (void)c; return PyBool_FromLong(fo->writable); }

static PyObject *File_get_backend(FileObject *fo, void *c)
{
    (void)c;
    if (fo->f == NULL) return raise_closed(fo);
    return PyUnicode_FromString(fst24_file_backend(fo->f) == FST24_BACKEND_RSF ? "rsf" : "xdf");
}

static PyGetSetDef File_getset[] = {
    {"path", (getter)File_get_path, NULL, "Path the file was opened with.", NULL},
    {"closed", (getter)File_get_closed, NULL, "True once close() was called.", NULL},
    {"writable", (getter)File_get_writable, NULL, "True if opened for writing.", NULL},
    {"backend", (getter)File_get_backend, NULL, "'xdf' or 'rsf'.", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyMethodDef File_methods[] = {
    {"close", (PyCFunction)File_close, METH_NOARGS, "Flush and close (idempotent)."},
    {"_flush", (PyCFunction)File_flush, METH_NOARGS, "Make written records durable."},
    {"_num_records", (PyCFunction)File_num_records, METH_NOARGS, "Valid records (linked files included)."},
    {"_info", (PyCFunction)File_info, METH_NOARGS, "File information as a dict."},
    {"_get_record", (PyCFunction)File_get_record, METH_O, "Record by position."},
    {"_get_record_by_key", (PyCFunction)File_get_record_by_key, METH_O, "Record by key."},
    {"_write", (PyCFunction)File_write, METH_VARARGS, "Write a record."},
    {"_delete", (PyCFunction)File_delete, METH_O, "Delete a record of this file."},
    {"_query", (PyCFunction)File_query, METH_VARARGS, "New query."},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject File_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "fst24._core.FileBase",
    .tp_basicsize = sizeof(FileObject),
    .tp_dealloc = (destructor)File_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "An open FST file (C handle; see fst24.File).",
    .tp_methods = File_methods,
    .tp_getset = File_getset,
    .tp_init = (initproc)File_init,
    .tp_new = File_new,
};

/* ------------------------------------------------------------------------ */
/* Module functions                                                         */
/* ------------------------------------------------------------------------ */

static PyObject *mod_register(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *map, *base, *reccls;
    if (!PyArg_ParseTuple(args, "O!OO:_register", &PyDict_Type, &map, &base, &reccls)) return NULL;
    if (!PyType_Check(reccls) || !PyType_IsSubtype((PyTypeObject *)reccls, &Record_Type)) {
        PyErr_SetString(PyExc_TypeError, "record class must derive from RecordBase");
        return NULL;
    }
    Py_INCREF(map); Py_XSETREF(g_error_map, map);
    Py_INCREF(base); Py_XSETREF(g_error_base, base);
    Py_INCREF(reccls); Py_XSETREF(g_record_class, reccls);
    Py_RETURN_NONE;
}

static PyObject *mod_detect(PyObject *self, PyObject *arg)
{
    (void)self;
    PyObject *bytes = NULL;
    if (!PyUnicode_FSConverter(arg, &bytes)) return NULL;
    const char *p = PyBytes_AS_STRING(bytes);
    fst24_file_kind k;
    Py_BEGIN_ALLOW_THREADS
    k = fst24_detect(p);
    Py_END_ALLOW_THREADS
    Py_DECREF(bytes);
    return Py_BuildValue("is", (int)k, fst24_kind_name(k));
}

static PyObject *mod_link(PyObject *self, PyObject *arg)
{
    (void)self;
    if (!PyTuple_Check(arg)) { PyErr_SetString(PyExc_TypeError, "link() needs a tuple of files"); return NULL; }
    Py_ssize_t n = PyTuple_GET_SIZE(arg);
    if (n < 1 || n > 1000000) return raise_invalid("link() needs 1 or more files");
    fst24_file **arr = PyMem_Malloc(sizeof(fst24_file *) * (size_t)n);
    if (arr == NULL) return PyErr_NoMemory();
    FileObject **files = (FileObject **)&PyTuple_GET_ITEM(arg, 0);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!File_Check(files[i])) { PyMem_Free(arr); return raise_invalid("link() needs files"); }
    }
    int st = 0, closed = 0;
    Py_BEGIN_ALLOW_THREADS
    /* Linking rewrites the chain pointers: hold every file exclusively. */
    for (Py_ssize_t i = 0; i < n; i++) lock_excl(files[i]);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (files[i]->f == NULL) closed = 1;
        arr[i] = files[i]->f;
    }
    if (!closed) st = fst24_link(arr, (int)n);
    for (Py_ssize_t i = n - 1; i >= 0; i--) unlock(files[i]);
    Py_END_ALLOW_THREADS
    PyMem_Free(arr);
    if (closed) return raise_closed(files[0]);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

static PyObject *mod_unlink(PyObject *self, PyObject *arg)
{
    (void)self;
    if (!PyTuple_Check(arg)) { PyErr_SetString(PyExc_TypeError, "unlink() needs a tuple of files"); return NULL; }
    Py_ssize_t n = PyTuple_GET_SIZE(arg);
    FileObject **files = (FileObject **)&PyTuple_GET_ITEM(arg, 0);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!File_Check(files[i])) return raise_invalid("unlink() needs files");
    if (n == 0) Py_RETURN_NONE;
    int st = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) lock_excl(files[i]);
    if (files[0]->f != NULL) st = fst24_unlink(files[0]->f);
    for (Py_ssize_t i = n - 1; i >= 0; i--) unlock(files[i]);
    Py_END_ALLOW_THREADS
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

/* read_many(records, buffers, threads, raw_missing) -> list of statuses.
 * Raises for the first failing record. */
static PyObject *mod_read_many(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *recs_obj, *bufs_obj;
    int threads = 0, raw_missing = 0;
    if (!PyArg_ParseTuple(args, "OOip:read_many", &recs_obj, &bufs_obj, &threads, &raw_missing)) return NULL;
    PyObject *recs = PySequence_Fast(recs_obj, "records must be a sequence");
    if (recs == NULL) return NULL;
    PyObject *bufs = PySequence_Fast(bufs_obj, "buffers must be a sequence");
    if (bufs == NULL) { Py_DECREF(recs); return NULL; }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(recs);
    PyObject *result = NULL;
    fst24_record *crecs = NULL;
    void **outs = NULL;
    size_t *sizes = NULL;
    int *statuses = NULL;
    Py_buffer *views = NULL;
    FileObject **files = NULL;
    Py_ssize_t nviews = 0, nfiles = 0;
    if (PySequence_Fast_GET_SIZE(bufs) != n) { raise_invalid("%zd records but %zd buffers", n, PySequence_Fast_GET_SIZE(bufs)); goto done; }
    size_t m = (size_t)(n > 0 ? n : 1);
    crecs = PyMem_Malloc(sizeof *crecs * m);
    outs = PyMem_Malloc(sizeof *outs * m);
    sizes = PyMem_Malloc(sizeof *sizes * m);
    statuses = PyMem_Calloc(m, sizeof *statuses);
    views = PyMem_Calloc(m, sizeof *views);
    files = PyMem_Malloc(sizeof *files * m);
    if (!crecs || !outs || !sizes || !statuses || !views || !files) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *r = PySequence_Fast_GET_ITEM(recs, i);
        if (!Record_Check(r)) { raise_invalid("item %zd is not a Record", i); goto done; }
        RecordObject *ro = (RecordObject *)r;
        FileObject *fo = record_owner(ro);
        if (fo == NULL) goto done;
        crecs[i] = ro->rec;
        int seen = 0;
        for (Py_ssize_t j = 0; j < nfiles; j++) if (files[j] == fo) { seen = 1; break; }
        if (!seen) files[nfiles++] = fo;
        Py_ssize_t need = record_data_bytes(&ro->rec);
        if (need < 0) goto done;
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(bufs, i), &views[i],
                               PyBUF_WRITABLE | PyBUF_ANY_CONTIGUOUS) < 0) goto done;
        nviews = i + 1;
        if (views[i].len < need) {
            raise_invalid("record %zd (%.4s): buffer of %zd bytes, the data needs %zd", i, ro->rec.nomvar,
                          views[i].len, need);
            goto done;
        }
        outs[i] = views[i].buf;
        sizes[i] = (size_t)views[i].len;
    }
    {
        int st = 0, closed = 0;
        fst24_read_options opts = {raw_missing, FST24_ELEM_NONE};
        Py_BEGIN_ALLOW_THREADS
        if (lock_chain(files, nfiles)) closed = 1;
        else {
            st = fst24_read_many(crecs, (void *const *)outs, sizes, (int64_t)n, &opts, threads, statuses);
            unlock_chain(files, nfiles);
        }
        Py_END_ALLOW_THREADS
        if (closed) { raise_status_msg(FST24_E_CLOSED, CLOSED_MSG); goto done; }
        if (st < 0) { raise_status(st); goto done; }
        result = PyList_New(n);
        if (result == NULL) goto done;
        for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(result, i, PyLong_FromLong(statuses[i]));
    }
done:
    for (Py_ssize_t i = 0; i < nviews; i++) PyBuffer_Release(&views[i]);
    PyMem_Free(crecs); PyMem_Free(outs); PyMem_Free(sizes); PyMem_Free(statuses);
    PyMem_Free(views); PyMem_Free(files);
    Py_DECREF(recs); Py_DECREF(bufs);
    return result;
}

/* Buffers of fixed-width items for the vectorised helpers. */
static int get_buffer(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t itemsize, const char *what)
{
    if (PyObject_GetBuffer(obj, view, (writable ? PyBUF_WRITABLE : 0) | PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (view->len % itemsize != 0) {
        PyBuffer_Release(view);
        raise_invalid("%s buffer is not made of %zd-byte items", what, itemsize);
        return -1;
    }
    return 0;
}

/* ip_decode(codes int32 buf, values float32 buf, kinds int32 buf) -> invalid count.
 * Invalid codes give value -999999 and kind -1. */
static PyObject *mod_ip_decode(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *a, *b, *c;
    if (!PyArg_ParseTuple(args, "OOO:ip_decode", &a, &b, &c)) return NULL;
    Py_buffer in, vals, kinds;
    if (get_buffer(a, &in, 0, 4, "codes") < 0) return NULL;
    if (get_buffer(b, &vals, 1, 4, "values") < 0) { PyBuffer_Release(&in); return NULL; }
    if (get_buffer(c, &kinds, 1, 4, "kinds") < 0) { PyBuffer_Release(&in); PyBuffer_Release(&vals); return NULL; }
    Py_ssize_t n = in.len / 4, bad = 0;
    if (vals.len / 4 != n || kinds.len / 4 != n) {
        PyBuffer_Release(&in); PyBuffer_Release(&vals); PyBuffer_Release(&kinds);
        return raise_invalid("ip_decode: buffers of different lengths");
    }
    const int32_t *ip = in.buf;
    const float *v = vals.buf;
    const int *k = kinds.buf;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = fst24_ip_decode_many(ip, (size_t)n, vals.buf, kinds.buf);
    for (Py_ssize_t i = 0; i < n; i++) bad += k[i] == -1;
    Py_END_ALLOW_THREADS
    (void)v;
    if (st < 0) {
        PyBuffer_Release(&in); PyBuffer_Release(&vals); PyBuffer_Release(&kinds);
        return raise_status(st);
    }
    PyBuffer_Release(&in); PyBuffer_Release(&vals); PyBuffer_Release(&kinds);
    fst24_clear_error();
    return PyLong_FromSsize_t(bad);
}


/* ip_encode(values float32 buf, kinds int32 buf, style, out int32 buf) -> failures */
static PyObject *mod_ip_encode(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *a, *b, *c;
    int style;
    if (!PyArg_ParseTuple(args, "OOiO:ip_encode", &a, &b, &style, &c)) return NULL;
    if (style != FST24_IP_NEW && style != FST24_IP_OLD) return raise_invalid("unknown IP style %d", style);
    Py_buffer vals, kinds, out;
    if (get_buffer(a, &vals, 0, 4, "values") < 0) return NULL;
    if (get_buffer(b, &kinds, 0, 4, "kinds") < 0) { PyBuffer_Release(&vals); return NULL; }
    if (get_buffer(c, &out, 1, 4, "codes") < 0) { PyBuffer_Release(&vals); PyBuffer_Release(&kinds); return NULL; }
    Py_ssize_t n = vals.len / 4, bad = 0;
    int st = 0;
    if (kinds.len / 4 != n || out.len / 4 != n) {
        PyBuffer_Release(&vals); PyBuffer_Release(&kinds); PyBuffer_Release(&out);
        return raise_invalid("ip_encode: buffers of different lengths");
    }
    const int32_t *o = out.buf;
    Py_BEGIN_ALLOW_THREADS
    st = fst24_ip_encode_many(vals.buf, kinds.buf, (size_t)n, (fst24_ip_style)style, out.buf);
    for (Py_ssize_t i = 0; i < n; i++) bad += o[i] < 0;
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&vals); PyBuffer_Release(&kinds); PyBuffer_Release(&out);
    if (st < 0) return raise_status(st);
    fst24_clear_error();
    return PyLong_FromSsize_t(bad);
}

static PyObject *mod_ip_kind_info(PyObject *self, PyObject *arg)
{
    (void)self;
    long k = PyLong_AsLong(arg);
    if (k == -1 && PyErr_Occurred()) return NULL;
    if (k < INT32_MIN || k > INT32_MAX) k = -1;
    return Py_BuildValue("sssO", fst24_ip_kind_tag((int)k), fst24_ip_kind_unit((int)k),
                         fst24_ip_kind_name((int)k), fst24_ip_kind_is_level((int)k) ? Py_True : Py_False);
}

static PyObject *mod_ip_format(PyObject *self, PyObject *arg)
{
    (void)self;
    long ip = PyLong_AsLong(arg);
    if (ip == -1 && PyErr_Occurred()) return NULL;
    if (ip < INT32_MIN || ip > INT32_MAX) return raise_invalid("ip %ld out of range", ip);
    char buf[64];
    int st = fst24_ip_format((int32_t)ip, buf, sizeof buf);
    if (st < 0) return raise_status(st);
    return PyUnicode_FromString(buf);
}

/* grid_latlon(record, lat float64 buf, lon float64 buf): ni*nj values each. */
static PyObject *mod_grid_latlon(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *r, *a, *b;
    if (!PyArg_ParseTuple(args, "O!OO:grid_latlon", &Record_Type, &r, &a, &b)) return NULL;
    RecordObject *ro = (RecordObject *)r;
    FileObject *fo = record_owner(ro);
    if (fo == NULL) return NULL;
    Py_buffer lat, lon;
    if (get_buffer(a, &lat, 1, 8, "lat") < 0) return NULL;
    if (get_buffer(b, &lon, 1, 8, "lon") < 0) { PyBuffer_Release(&lat); return NULL; }
    Py_ssize_t need = (Py_ssize_t)ro->rec.ni * ro->rec.nj;
    if (lat.len / 8 != need || lon.len / 8 != need) {
        PyBuffer_Release(&lat); PyBuffer_Release(&lon);
        return raise_invalid("grid_latlon: buffers must hold ni*nj = %zd values", need);
    }
    fst24_record rec = ro->rec;
    int st = 0, closed = 0;
    Py_BEGIN_ALLOW_THREADS
    lock_shared(fo);
    if (fo->f == NULL) closed = 1;
    else {
        fst24_grid *g = NULL;
        st = fst24_grid_from_record(fo->f, &rec, &g);
        if (st >= 0) st = fst24_grid_latlon(g, lat.buf, lon.buf);
        fst24_grid_free(g);
    }
    unlock(fo);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&lat); PyBuffer_Release(&lon);
    if (closed) return raise_closed(fo);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}


/* ip123_decode(ip1, ip2, ip3) -> (status, (v1, v2, kind) x 3) as librmn's DecodeIp. */
static PyObject *mod_ip123_decode(PyObject *self, PyObject *args)
{
    (void)self;
    int ip1, ip2, ip3;
    if (!PyArg_ParseTuple(args, "iii:ip123_decode", &ip1, &ip2, &ip3)) return NULL;
    fst24_ip_range r[3];
    memset(r, 0, sizeof r);
    int st = fst24_ip123_decode(ip1, ip2, ip3, &r[0], &r[1], &r[2]);
    if (st < 0) return raise_status(st);
    fst24_clear_error();
    return Py_BuildValue("i(ddi)(ddi)(ddi)", st, (double)r[0].v1, (double)r[0].v2, r[0].kind,
                         (double)r[1].v1, (double)r[1].v2, r[1].kind,
                         (double)r[2].v1, (double)r[2].v2, r[2].kind);
}

static PyObject *mod_ip_decode_one(PyObject *self, PyObject *arg)
{
    (void)self;
    long ip = PyLong_AsLong(arg);
    if (ip == -1 && PyErr_Occurred()) return NULL;
    if (ip < INT32_MIN || ip > INT32_MAX) return raise_invalid("ip %ld out of range", ip);
    float v = 0.0f;
    int kind = -1;
    int st = fst24_ip_decode((int32_t)ip, &v, &kind);
    if (st < 0) return raise_status(st);
    return Py_BuildValue("di", (double)v, kind);
}

/* stamps_to_epoch(stamps int32 buf, out int64 buf) -> invalid count.
 * Invalid stamps give INT64_MIN (numpy's NaT). */
static PyObject *mod_stamps_to_epoch(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "OO:stamps_to_epoch", &a, &b)) return NULL;
    Py_buffer in, out;
    if (get_buffer(a, &in, 0, 4, "stamps") < 0) return NULL;
    if (get_buffer(b, &out, 1, 8, "output") < 0) { PyBuffer_Release(&in); return NULL; }
    Py_ssize_t n = in.len / 4, bad = 0;
    if (out.len / 8 != n) { PyBuffer_Release(&in); PyBuffer_Release(&out); return raise_invalid("buffers of different lengths"); }
    uint8_t *valid = PyMem_Malloc((size_t)(n > 0 ? n : 1));
    if (valid == NULL) { PyBuffer_Release(&in); PyBuffer_Release(&out); return PyErr_NoMemory(); }
    int64_t *o = out.buf;
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = fst24_stamps_to_epoch(in.buf, (size_t)n, o, valid);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!valid[i]) { o[i] = INT64_MIN; bad++; }
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(valid);
    PyBuffer_Release(&in); PyBuffer_Release(&out);
    if (st < 0) return raise_status(st);
    fst24_clear_error();
    return PyLong_FromSsize_t(bad);
}

/* epochs_to_stamps(seconds int64 buf, extended, out int32 buf) -> index of the
 * first invalid value or -1. */
static PyObject *mod_epochs_to_stamps(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *a, *b;
    int extended = 0;
    if (!PyArg_ParseTuple(args, "OpO:epochs_to_stamps", &a, &extended, &b)) return NULL;
    Py_buffer in, out;
    if (get_buffer(a, &in, 0, 8, "seconds") < 0) return NULL;
    if (get_buffer(b, &out, 1, 4, "stamps") < 0) { PyBuffer_Release(&in); return NULL; }
    Py_ssize_t n = in.len / 8, first_bad = -1;
    if (out.len / 4 != n) { PyBuffer_Release(&in); PyBuffer_Release(&out); return raise_invalid("buffers of different lengths"); }
    uint8_t *valid = PyMem_Malloc((size_t)(n > 0 ? n : 1));
    if (valid == NULL) { PyBuffer_Release(&in); PyBuffer_Release(&out); return PyErr_NoMemory(); }
    int st;
    Py_BEGIN_ALLOW_THREADS
    st = fst24_epochs_to_stamps(in.buf, (size_t)n, extended, out.buf, valid);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!valid[i]) { first_bad = i; break; }
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(valid);
    PyBuffer_Release(&in); PyBuffer_Release(&out);
    if (st < 0) return raise_status(st);
    fst24_clear_error();
    return PyLong_FromSsize_t(first_bad);
}

static PyObject *mod_stamp_to_printable(PyObject *self, PyObject *arg)
{
    (void)self;
    long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) return NULL;
    if (v < INT32_MIN || v > INT32_MAX) return raise_invalid("date stamp %ld out of range", v);
    int32_t ymd = 0, hms = 0;
    int rc = fst24_stamp_to_printable((int32_t)v, &ymd, &hms);
    return Py_BuildValue("iii", rc, (int)ymd, (int)hms);
}

static PyObject *mod_missing_values(PyObject *self, PyObject *unused)
{
    (void)self; (void)unused;
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    return Py_BuildValue("{s:d,s:d,s:l,s:k,s:i,s:i,s:i,s:i}", "f32", (double)mv.f32, "f64", mv.f64,
                         "i32", (long)mv.i32, "u32", (unsigned long)mv.u32, "i16", (int)mv.i16,
                         "u16", (int)mv.u16, "i8", (int)mv.i8, "u8", (int)mv.u8);
}

static PyObject *mod_version(PyObject *self, PyObject *unused)
{
    (void)self; (void)unused;
    return PyUnicode_FromString(fst24_version());
}

static PyObject *mod_status_name(PyObject *self, PyObject *arg)
{
    (void)self;
    long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) return NULL;
    return PyUnicode_FromString(fst24_status_name((int)v));
}

static PyObject *mod_elem_size(PyObject *self, PyObject *arg)
{
    (void)self;
    long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) return NULL;
    return PyLong_FromSize_t(fst24_elem_size((fst24_elem_type)v));
}


/* _fnv1a64(buffer) -> int: FNV-1a 64 of the bytes (the corpus dumps' hash;
 * used by the tests, too slow in pure Python). */
static PyObject *mod_fnv1a64(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_ANY_CONTIGUOUS) < 0) return NULL;
    uint64_t h = 0xcbf29ce484222325ULL;
    const unsigned char *p = view.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < view.len; i++) { h ^= p[i]; h *= 0x100000001b3ULL; }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLongLong(h);
}


/* xg_to_ig(grtyp, xg1, xg2, xg3, xg4) -> (ig1, ig2, ig3, ig4) as librmn's cxgaig. */
static PyObject *mod_xg_to_ig(PyObject *self, PyObject *args)
{
    (void)self;
    const char *g;
    Py_ssize_t glen;
    float xg[4];
    if (!PyArg_ParseTuple(args, "s#ffff:xg_to_ig", &g, &glen, &xg[0], &xg[1], &xg[2], &xg[3])) return NULL;
    if (glen != 1) return raise_invalid("grtyp must be one character, not '%s'", g);
    int32_t ig[4] = {0, 0, 0, 0};
    int st = fst24_xg_to_ig(g[0], 1, xg, ig);
    if (st < 0) return raise_status(st);
    return Py_BuildValue("iiii", (int)ig[0], (int)ig[1], (int)ig[2], (int)ig[3]);
}

/* ig_to_xg(grtyp, ig1, ig2, ig3, ig4) -> (xg1, xg2, xg3, xg4) as librmn's cigaxg. */
static PyObject *mod_ig_to_xg(PyObject *self, PyObject *args)
{
    (void)self;
    const char *g;
    Py_ssize_t glen;
    int32_t ig[4];
    if (!PyArg_ParseTuple(args, "s#iiii:ig_to_xg", &g, &glen, &ig[0], &ig[1], &ig[2], &ig[3])) return NULL;
    if (glen != 1) return raise_invalid("grtyp must be one character, not '%s'", g);
    float xg[4] = {0, 0, 0, 0};
    int st = fst24_ig_to_xg(g[0], 1, ig, xg);
    if (st < 0) return raise_status(st);
    return Py_BuildValue("dddd", (double)xg[0], (double)xg[1], (double)xg[2], (double)xg[3]);
}

static PyMethodDef module_methods[] = {
    {"_register", mod_register, METH_VARARGS, "Register the error map, base error and record class."},
    {"detect", mod_detect, METH_O, "(kind code, kind name) of a path, by content."},
    {"link", mod_link, METH_O, "Link a tuple of files into a search chain."},
    {"unlink", mod_unlink, METH_O, "Break the chain starting at files[0]."},
    {"read_many", mod_read_many, METH_VARARGS, "Decode many records in parallel."},
    {"ip_decode", mod_ip_decode, METH_VARARGS, "Decode IP codes into values and kinds."},
    {"ip_decode_one", mod_ip_decode_one, METH_O, "Decode one IP code to (value, kind)."},
    {"stamps_to_epoch", mod_stamps_to_epoch, METH_VARARGS, "Date stamps to epoch seconds."},
    {"epochs_to_stamps", mod_epochs_to_stamps, METH_VARARGS, "Epoch seconds to date stamps."},
    {"stamp_to_printable", mod_stamp_to_printable, METH_O, "(rc, yyyymmdd, hhmmsshh) of a stamp."},
    {"missing_values", mod_missing_values, METH_NOARGS, "Missing-value sentinels."},
    {"ip_encode", mod_ip_encode, METH_VARARGS, "Encode (value, kind) pairs into IP codes."},
    {"ip_kind_info", mod_ip_kind_info, METH_O, "(tag, unit, name, is_level) of a kind."},
    {"ip123_decode", mod_ip123_decode, METH_VARARGS, "Decode an ip1/ip2/ip3 triplet (DecodeIp)."},
    {"ip_format", mod_ip_format, METH_O, "librmn's text for an IP code."},
    {"xg_to_ig", mod_xg_to_ig, METH_VARARGS, "Real grid descriptors to ig1..ig4."},
    {"ig_to_xg", mod_ig_to_xg, METH_VARARGS, "ig1..ig4 to real grid descriptors."},
    {"grid_latlon", mod_grid_latlon, METH_VARARGS, "Latitudes and longitudes of a record's grid."},
    {"_fnv1a64", mod_fnv1a64, METH_O, "FNV-1a 64 of a buffer."},
    {"version", mod_version, METH_NOARGS, "libfst24 version."},
    {"status_name", mod_status_name, METH_O, "Name of a status code."},
    {"elem_size", mod_elem_size, METH_O, "Size of an element type."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "_core", "C binding of libfst24 (private; use the fst24 package).", -1,
    module_methods, NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit__core(void)
{
    record_build_getset();
    if (PyType_Ready(&Record_Type) < 0 || PyType_Ready(&File_Type) < 0 || PyType_Ready(&Query_Type) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&core_module);
    if (m == NULL) return NULL;
    /* PyModule_AddObject steals a reference on success only (3.9 API). */
    Py_INCREF(&Record_Type);
    Py_INCREF(&File_Type);
    Py_INCREF(&Query_Type);
    if (PyModule_AddObject(m, "RecordBase", (PyObject *)&Record_Type) < 0 ||
        PyModule_AddObject(m, "FileBase", (PyObject *)&File_Type) < 0 ||
        PyModule_AddObject(m, "Query", (PyObject *)&Query_Type) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    static const struct { const char *name; long value; } consts[] = {
        {"IP_NEW", FST24_IP_NEW}, {"IP_OLD", FST24_IP_OLD},
        {"ELEM_F32", FST24_ELEM_F32}, {"ELEM_F64", FST24_ELEM_F64},
        {"ELEM_U8", FST24_ELEM_U8}, {"ELEM_U16", FST24_ELEM_U16},
        {"ELEM_U32", FST24_ELEM_U32}, {"ELEM_U64", FST24_ELEM_U64},
        {"ELEM_I8", FST24_ELEM_I8}, {"ELEM_I16", FST24_ELEM_I16},
        {"ELEM_I32", FST24_ELEM_I32}, {"ELEM_I64", FST24_ELEM_I64},
        {"MODE_READ", FST24_MODE_READ}, {"MODE_UPDATE", FST24_MODE_UPDATE},
        {"MODE_CREATE", FST24_MODE_CREATE},
        {"BACKEND_DEFAULT", FST24_BACKEND_DEFAULT}, {"BACKEND_XDF", FST24_BACKEND_XDF},
        {"BACKEND_RSF", FST24_BACKEND_RSF},
        {"REWRITE_NO", FST24_REWRITE_NO}, {"REWRITE_YES", FST24_REWRITE_YES},
        {"REWRITE_SKIP", FST24_REWRITE_SKIP}, {"REWRITE_META", FST24_REWRITE_META},
        {"E_IO", FST24_E_IO}, {"E_NOT_FOUND", FST24_E_NOT_FOUND},
        {"E_PERMISSION", FST24_E_PERMISSION}, {"E_NOT_FST", FST24_E_NOT_FST},
        {"E_CORRUPT", FST24_E_CORRUPT}, {"E_UNSUPPORTED", FST24_E_UNSUPPORTED},
        {"E_INVALID", FST24_E_INVALID}, {"E_NO_RECORD", FST24_E_NO_RECORD},
        {"E_DECODE", FST24_E_DECODE}, {"E_NOMEM", FST24_E_NOMEM},
        {"E_READONLY", FST24_E_READONLY}, {"E_CLOSED", FST24_E_CLOSED},
        {"E_MEMORY_LIMIT", FST24_E_MEMORY_LIMIT}, {"E_LOCKED", FST24_E_LOCKED},
        {"E_LIMIT", FST24_E_LIMIT},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        if (PyModule_AddIntConstant(m, consts[i].name, consts[i].value) < 0) {
            Py_DECREF(m);
            return NULL;
        }
    }
    return m;
}
