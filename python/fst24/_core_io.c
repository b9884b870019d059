/* _core_io.c - module functions over files: detect, link/unlink, batch reads, repair. */
#include "_core.h"

static PyObject *mod_detect(PyObject *self, PyObject *arg) {
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

static PyObject *mod_link(PyObject *self, PyObject *arg) {
    (void)self;
    if (!PyTuple_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "link() needs a tuple of files");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(arg);
    if (n < 1 || n > 1000000) return raise_invalid("link() needs 1 or more files");
    fst24_file **arr = PyMem_Malloc(sizeof(fst24_file *) * (size_t)n);
    if (arr == NULL) return PyErr_NoMemory();
    FileObject **files = (FileObject **)&PyTuple_GET_ITEM(arg, 0);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!File_Check(files[i])) {
            PyMem_Free(arr);
            return raise_invalid("link() needs files");
        }
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

static PyObject *mod_unlink(PyObject *self, PyObject *arg) {
    (void)self;
    if (!PyTuple_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "unlink() needs a tuple of files");
        return NULL;
    }
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
static PyObject *mod_read_many(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *recs_obj, *bufs_obj;
    int threads = 0, raw_missing = 0;
    if (!PyArg_ParseTuple(args, "OOip:read_many", &recs_obj, &bufs_obj, &threads, &raw_missing)) return NULL;
    PyObject *recs = PySequence_Fast(recs_obj, "records must be a sequence");
    if (recs == NULL) return NULL;
    PyObject *bufs = PySequence_Fast(bufs_obj, "buffers must be a sequence");
    if (bufs == NULL) {
        Py_DECREF(recs);
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(recs);
    PyObject *result = NULL;
    fst24_record *crecs = NULL;
    void **outs = NULL;
    size_t *sizes = NULL;
    int *statuses = NULL;
    Py_buffer *views = NULL;
    FileObject **files = NULL;
    Py_ssize_t nviews = 0, nfiles = 0;
    if (PySequence_Fast_GET_SIZE(bufs) != n) {
        raise_invalid("%zd records but %zd buffers", n, PySequence_Fast_GET_SIZE(bufs));
        goto done;
    }
    size_t m = (size_t)(n > 0 ? n : 1);
    crecs = PyMem_Malloc(sizeof *crecs * m);
    outs = PyMem_Malloc(sizeof *outs * m);
    sizes = PyMem_Malloc(sizeof *sizes * m);
    statuses = PyMem_Calloc(m, sizeof *statuses);
    views = PyMem_Calloc(m, sizeof *views);
    files = PyMem_Malloc(sizeof *files * m);
    if (!crecs || !outs || !sizes || !statuses || !views || !files) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *r = PySequence_Fast_GET_ITEM(recs, i);
        if (!Record_Check(r)) {
            raise_invalid("item %zd is not a Record", i);
            goto done;
        }
        RecordObject *ro = (RecordObject *)r;
        FileObject *fo = record_owner(ro);
        if (fo == NULL) goto done;
        crecs[i] = ro->rec;
        int seen = 0;
        for (Py_ssize_t j = 0; j < nfiles; j++)
            if (files[j] == fo) {
                seen = 1;
                break;
            }
        if (!seen) files[nfiles++] = fo;
        Py_ssize_t need = record_data_bytes(&ro->rec);
        if (need < 0) goto done;
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(bufs, i), &views[i], PyBUF_WRITABLE | PyBUF_ANY_CONTIGUOUS) < 0)
            goto done;
        nviews = i + 1;
        if (views[i].len < need) {
            raise_invalid("record %zd (%.4s): buffer of %zd bytes, the data needs %zd", i, ro->rec.nomvar, views[i].len,
                          need);
            goto done;
        }
        outs[i] = views[i].buf;
        sizes[i] = (size_t)views[i].len;
    }
    {
        int st = 0, closed = 0;
        fst24_read_options opts = {.raw_missing = raw_missing, .type = FST24_ELEM_NONE};
        Py_BEGIN_ALLOW_THREADS
            if (lock_chain(files, nfiles))
                closed = 1;
            else {
                st = fst24_read_many(crecs, (void *const *)outs, sizes, (int64_t)n, &opts, threads, statuses);
                unlock_chain(files, nfiles);
            }
        Py_END_ALLOW_THREADS
        if (closed) {
            raise_status_msg(FST24_E_CLOSED, CLOSED_MSG);
            goto done;
        }
        if (st < 0) {
            raise_status(st);
            goto done;
        }
        result = PyList_New(n);
        if (result == NULL) goto done;
        for (Py_ssize_t i = 0; i < n; i++) PyList_SET_ITEM(result, i, PyLong_FromLong(statuses[i]));
    }
done:
    for (Py_ssize_t i = 0; i < nviews; i++) PyBuffer_Release(&views[i]);
    PyMem_Free(crecs);
    PyMem_Free(outs);
    PyMem_Free(sizes);
    PyMem_Free(statuses);
    PyMem_Free(views);
    PyMem_Free(files);
    Py_DECREF(recs);
    Py_DECREF(bufs);
    return result;
}

/* Messages of skipped records collected while the GIL is released. */
typedef struct skip_list {
    char **v;
    size_t n, cap;
    int oom;
} skip_list;

static void collect_skip(void *ctx, const char *message) {
    skip_list *l = ctx;
    if (l->oom) return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **g = realloc(l->v, cap * sizeof *g);
        if (!g) {
            l->oom = 1;
            return;
        }
        l->v = g;
        l->cap = cap;
    }
    char *copy = strdup(message);
    if (!copy) {
        l->oom = 1;
        return;
    }
    l->v[l->n++] = copy;
}

/* repair(in_path, out_path) -> (report dict, [skipped messages]) */
static PyObject *mod_repair(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *in_b = NULL, *out_b = NULL;
    if (!PyArg_ParseTuple(args, "O&O&:repair", PyUnicode_FSConverter, &in_b, PyUnicode_FSConverter, &out_b))
        return NULL;
    skip_list skips = {NULL, 0, 0, 0};
    fst24_repair_options opts = {.on_skip = collect_skip, .ctx = &skips};
    fst24_repair_report rep;
    int st;
    const char *in = PyBytes_AS_STRING(in_b), *out = PyBytes_AS_STRING(out_b);
    Py_BEGIN_ALLOW_THREADS
        st = fst24_repair(in, out, &opts, &rep);
    Py_END_ALLOW_THREADS
    Py_DECREF(in_b);
    Py_DECREF(out_b);
    PyObject *list = st < 0 ? NULL : PyList_New((Py_ssize_t)skips.n);
    for (size_t i = 0; i < skips.n; i++) {
        if (list) {
            PyObject *m = PyUnicode_DecodeUTF8(skips.v[i], (Py_ssize_t)strlen(skips.v[i]), "replace");
            if (!m)
                Py_CLEAR(list);
            else
                PyList_SET_ITEM(list, (Py_ssize_t)i, m);
        }
        free(skips.v[i]);
    }
    free(skips.v);
    if (st < 0) return raise_status(st);
    if (!list) return NULL;
    rep.summary[sizeof rep.summary - 1] = '\0';
    return Py_BuildValue("{s:i,s:L,s:L,s:L,s:L,s:L,s:L,s:O,s:s},N", "kind", (int)rep.kind, "copied",
                         (long long)rep.copied, "from_directory", (long long)rep.from_directory, "from_scan",
                         (long long)rep.from_scan, "skipped", (long long)rep.skipped, "deleted", (long long)rep.deleted,
                         "damaged_bytes", (long long)rep.damaged_bytes, "damaged", rep.damaged ? Py_True : Py_False,
                         "summary", rep.summary, list);
}

PyMethodDef io_methods[] = {
    {"repair", mod_repair, METH_VARARGS, "Copy the recoverable records of a damaged file into a new one."},
    {"detect", mod_detect, METH_O, "(kind code, kind name) of a path, by content."},
    {"link", mod_link, METH_O, "Link a tuple of files into a search chain."},
    {"unlink", mod_unlink, METH_O, "Break the chain starting at files[0]."},
    {"read_many", mod_read_many, METH_VARARGS, "Decode many records in parallel."},
    {NULL, NULL, 0, NULL}};
