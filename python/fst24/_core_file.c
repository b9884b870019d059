/* _core_file.c - FileBase: an open file, its lock, reads/writes and queries. */
#include "_core.h"

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

/* File(path, mode, backend=0, parallel=False, force_write=False, keep_missing_flag=False,
 *      segment_size=0) */
static int File_init(FileObject *fo, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"path", "mode", "backend", "parallel", "force_write",
                             "keep_missing_flag", "segment_size", NULL};
    PyObject *pathobj;
    int mode = 0, backend = 0, parallel = 0, force_write = 0, keep_missing_flag = 0;
    long long segment_size = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O&i|ipppL:File", kwlist, PyUnicode_FSDecoder,
                                     &pathobj, &mode, &backend, &parallel, &force_write,
                                     &keep_missing_flag, &segment_size))
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
    fst24_open_options opts = {.backend = (fst24_backend)backend, .parallel = parallel,
                                .force_write = force_write, .keep_missing_flag = keep_missing_flag,
                                .segment_size = (int64_t)segment_size};
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

/* _file_size() -> bytes of the file when it was opened (no stat from Python). */
static PyObject *File_file_size(FileObject *fo, PyObject *unused)
{
    (void)unused;
    fst24_file_info info;
    int st = 0;
    FILE_OP(fo, 0, st = fst24_file_get_info(fo->f, &info));
    if (st < 0) return raise_status(st);
    return PyLong_FromLongLong(info.file_size);
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
    return Py_BuildValue("{s:O,s:s,s:i,s:O,s:L,s:L,s:L,s:L,s:i,s:i,s:O,s:s,s:O}",
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
                         "warning", info.warning,
                         "writer_active", info.writer_active ? Py_True : Py_False);
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
    fst24_query_options opts = {.ip1_all = a1, .ip2_all = a2, .ip3_all = a3, .stamp_norun = norun,
                                 .skip_grid_descriptors = skipgrid, .ext_meta = NULL};
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
    {"_file_size", (PyCFunction)File_file_size, METH_NOARGS, "Bytes of the file when it was opened."},
    {"_get_record", (PyCFunction)File_get_record, METH_O, "Record by position."},
    {"_get_record_by_key", (PyCFunction)File_get_record_by_key, METH_O, "Record by key."},
    {"_write", (PyCFunction)File_write, METH_VARARGS, "Write a record."},
    {"_delete", (PyCFunction)File_delete, METH_O, "Delete a record of this file."},
    {"_query", (PyCFunction)File_query, METH_VARARGS, "New query."},
    {NULL, NULL, 0, NULL}
};

PyTypeObject File_Type = {
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
