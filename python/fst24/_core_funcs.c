/* _core_funcs.c - module-level functions (detect, link, batch reads, IP codes, dates, grids). */
#include "_core.h"

/* ------------------------------------------------------------------------ */
/* Module functions                                                         */
/* ------------------------------------------------------------------------ */


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
        fst24_read_options opts = {.raw_missing = raw_missing, .type = FST24_ELEM_NONE};
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

/* Messages of skipped records collected while the GIL is released. */
typedef struct skip_list {
    char **v;
    size_t n, cap;
    int oom;
} skip_list;

static void collect_skip(void *ctx, const char *message)
{
    skip_list *l = ctx;
    if (l->oom) return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **g = realloc(l->v, cap * sizeof *g);
        if (!g) { l->oom = 1; return; }
        l->v = g;
        l->cap = cap;
    }
    char *copy = strdup(message);
    if (!copy) { l->oom = 1; return; }
    l->v[l->n++] = copy;
}

/* repair(in_path, out_path) -> (report dict, [skipped messages]) */
static PyObject *mod_repair(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *in_b = NULL, *out_b = NULL;
    if (!PyArg_ParseTuple(args, "O&O&:repair", PyUnicode_FSConverter, &in_b, PyUnicode_FSConverter, &out_b))
        return NULL;
    skip_list skips = {NULL, 0, 0, 0};
    fst24_repair_options opts = {collect_skip, &skips};
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
            if (!m) Py_CLEAR(list);
            else PyList_SET_ITEM(list, (Py_ssize_t)i, m);
        }
        free(skips.v[i]);
    }
    free(skips.v);
    if (st < 0) return raise_status(st);
    if (!list) return NULL;
    rep.summary[sizeof rep.summary - 1] = '\0';
    return Py_BuildValue("{s:i,s:L,s:L,s:L,s:L,s:L,s:L,s:O,s:s},N",
                         "kind", (int)rep.kind, "copied", (long long)rep.copied,
                         "from_directory", (long long)rep.from_directory,
                         "from_scan", (long long)rep.from_scan, "skipped", (long long)rep.skipped,
                         "deleted", (long long)rep.deleted, "damaged_bytes", (long long)rep.damaged_bytes,
                         "damaged", rep.damaged ? Py_True : Py_False, "summary", rep.summary, list);
}

PyMethodDef core_methods[] = {
    {"repair", mod_repair, METH_VARARGS, "Copy the recoverable records of a damaged file into a new one."},
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
