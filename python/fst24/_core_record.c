/* _core_record.c - RecordBase: the C storage of fst24.Record (header fields, data reads). */
#include "_core.h"

/* ------------------------------------------------------------------------ */
/* Records                                                                  */
/* ------------------------------------------------------------------------ */

/* A new record object of the registered Python class, holding `rec`. */
PyObject *record_wrap(const fst24_record *rec, PyObject *file) {
    PyObject *registered = core_record_class();
    PyTypeObject *cls = registered != NULL ? (PyTypeObject *)registered : &Record_Type;
    RecordObject *ro = (RecordObject *)cls->tp_alloc(cls, 0);
    if (ro == NULL) return NULL;
    ro->rec = *rec;
    Py_XINCREF(file);
    ro->file = file;
    return (PyObject *)ro;
}

/* The owning file of a record, open; sets an exception and returns NULL if
 * the record has none or its file was closed (checked again under lock). */
FileObject *record_owner(RecordObject *ro) {
    if (ro->file == NULL || ro->rec.file == NULL) {
        raise_invalid("record %.4s/%d has not been read from or written to a file", ro->rec.nomvar, (int)ro->rec.ip1);
        return NULL;
    }
    return (FileObject *)ro->file;
}

static PyObject *Record_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    (void)args;
    (void)kwds;
    RecordObject *ro = (RecordObject *)type->tp_alloc(type, 0);
    if (ro == NULL) return NULL;
    fst24_record_init(&ro->rec);
    ro->file = NULL;
    return (PyObject *)ro;
}

static void Record_dealloc(RecordObject *ro) {
    Py_CLEAR(ro->file);
    Py_TYPE(ro)->tp_free((PyObject *)ro);
}

/* String fields: getters strip trailing blanks; setters go through fst24_record_set_string. */
typedef struct {
    const char *name;
    size_t offset;
    int width;
    const char *doc;
} str_field;
static const str_field STR_FIELDS[] = {
    {"nomvar", offsetof(fst24_record, nomvar), 4, "Variable name, up to 4 characters (trailing blanks removed)."},
    {"typvar", offsetof(fst24_record, typvar), 2, "Type of field, up to 2 characters (e.g. 'P', 'A', 'X')."},
    {"etiket", offsetof(fst24_record, etiket), 12, "Label, up to 12 characters."},
    {"grtyp", offsetof(fst24_record, grtyp), 1,
     "Grid type, one character ('L', 'Z', 'E', ...); ig1..ig4 describe the grid."},
};

static PyObject *rec_get_str(RecordObject *ro, void *closure) {
    const str_field *sf = &STR_FIELDS[(intptr_t)closure];
    const char *s = (const char *)&ro->rec + sf->offset;
    int n = (int)strnlen(s, (size_t)sf->width);
    while (n > 0 && s[n - 1] == ' ') n--;
    return PyUnicode_DecodeLatin1(s, n, "replace");
}

static int rec_set_str(RecordObject *ro, PyObject *value, void *closure) {
    const str_field *sf = &STR_FIELDS[(intptr_t)closure];
    if (value == NULL) {
        PyErr_Format(PyExc_AttributeError, "cannot delete %s", sf->name);
        return -1;
    }
    if (!PyUnicode_Check(value)) {
        raise_invalid("%s must be a str, not %.100s", sf->name, Py_TYPE(value)->tp_name);
        return -1;
    }
    Py_ssize_t n = 0;
    const char *s = PyUnicode_AsUTF8AndSize(value, &n);
    if (s == NULL) return -1;
    if ((size_t)n != strlen(s)) {
        raise_invalid("%s has a NUL character", sf->name);
        return -1;
    }
    /* The library validates (width, printable ASCII) and pads. */
    if (fst24_record_set_string(&ro->rec, sf->name, s) != FST24_OK) {
        raise_status(FST24_E_INVALID);
        return -1;
    }
    return 0;
}

/* Integer fields. */
typedef struct {
    const char *name;
    size_t offset;
    int is64;
    int writable;
    const char *doc;
} int_field;
#define IF32(n, w, doc)                                                                                                \
    { #n, offsetof(fst24_record, n), 0, w, doc }
#define IF64(n, w, doc)                                                                                                \
    { #n, offsetof(fst24_record, n), 1, w, doc }
static const int_field INT_FIELDS[] = {
    IF32(ip1, 1, "Level code (IP1); decoded by `level` and `ip1_text`."),
    IF32(ip2, 1, "Second IP code, usually the forecast hour (plain hours or a kind-10 code)."),
    IF32(ip3, 1, "Third IP code (free use: ensemble member, end of a time range, ...)."),
    IF32(ni, 1, "First dimension of the data (i, varying fastest)."),
    IF32(nj, 1, "Second dimension of the data."),
    IF32(nk, 1, "Third dimension of the data."),
    IF32(dateo, 1, "Origin date (CMC stamp; 0: none), derived from datev, deet and npas; see `dateo_datetime`."),
    IF32(datev, 1, "Valid date (CMC stamp) as stored; see `datev_datetime`."),
    IF32(deet, 1, "Length of a time step in seconds."),
    IF32(npas, 1, "Time step number: the forecast lead time is deet*npas seconds."),
    IF32(data_type, 1, "Stored data type (datyp) with the flags +64 (missing values) and +128 (compressed)."),
    IF32(data_bits, 1, "Element size in bits of the decoded data (8, 16, 32 or 64)."),
    IF32(pack_bits, 1, "Stored bits per element (nbits)."),
    IF32(ig1, 1, "First grid descriptor (meaning set by grtyp; see `fst24.ig_to_xg`)."),
    IF32(ig2, 1, "Second grid descriptor."),
    IF32(ig3, 1, "Third grid descriptor."),
    IF32(ig4, 1, "Fourth grid descriptor."),
    IF64(key, 0, "(read only) Handle of the record in its file (librmn compatible), unique while the file is open."),
    IF32(file_index, 0, "(read only) Place in the directory: XDF page*256+slot, RSF directory index."),
    IF32(num_meta_bytes, 0, "(read only) RSF: bytes of metadata; XDF: 0."),
    IF64(file_offset, 0, "(read only) Byte offset of the record in its file."),
    IF64(total_stored_bytes, 0, "(read only) Size of the record on disk, headers included."),
    IF32(fst_version, 0, "(read only) RSF: version of the FST metadata; XDF: 0."),
    IF32(num_search_keys, 0, "(read only) Search keys of the directory entry: 19 in RSF, 16 in XDF."),
    IF32(extended_meta_size, 0, "(read only) RSF: size of the extended (JSON) metadata in 32-bit words."),
    IF32(ubc, 0, "(read only) Unused-bit-count field of the header (normally 0)."),
};
#define N_INT_FIELDS (sizeof INT_FIELDS / sizeof INT_FIELDS[0])

static PyObject *rec_get_int(RecordObject *ro, void *closure) {
    const int_field *f = &INT_FIELDS[(intptr_t)closure];
    const char *p = (const char *)&ro->rec + f->offset;
    if (f->is64) return PyLong_FromLongLong(*(const int64_t *)p);
    return PyLong_FromLong(*(const int32_t *)p);
}

static int rec_set_int(RecordObject *ro, PyObject *value, void *closure) {
    const int_field *f = &INT_FIELDS[(intptr_t)closure];
    if (value == NULL) {
        PyErr_Format(PyExc_AttributeError, "cannot delete %s", f->name);
        return -1;
    }
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

static PyObject *rec_get_file(RecordObject *ro, void *closure) {
    (void)closure;
    if (ro->file == NULL) Py_RETURN_NONE;
    Py_INCREF(ro->file);
    return ro->file;
}

#define N_STR_FIELDS 4
static PyGetSetDef Record_getset[N_STR_FIELDS + N_INT_FIELDS + 2];

void record_build_getset(void) {
    int k = 0;
    for (int i = 0; i < N_STR_FIELDS; i++) {
        Record_getset[k++] = (PyGetSetDef){(char *)STR_FIELDS[i].name, (getter)rec_get_str, (setter)rec_set_str,
                                           (char *)STR_FIELDS[i].doc, (void *)(intptr_t)i};
    }
    for (size_t i = 0; i < N_INT_FIELDS; i++) {
        Record_getset[k++] = (PyGetSetDef){(char *)INT_FIELDS[i].name, (getter)rec_get_int,
                                           INT_FIELDS[i].writable ? (setter)rec_set_int : NULL,
                                           (char *)INT_FIELDS[i].doc, (void *)(intptr_t)i};
    }
    Record_getset[k++] =
        (PyGetSetDef){"file", (getter)rec_get_file, NULL, "File the record belongs to (None for a new record).", NULL};
    Record_getset[k] = (PyGetSetDef){NULL, NULL, NULL, NULL, NULL};
}

/* _layout() -> (elem_name, count) */
static PyObject *Record_layout(RecordObject *ro, PyObject *unused) {
    (void)unused;
    fst24_elem_type t = FST24_ELEM_NONE;
    size_t count = 0;
    int st = fst24_record_data_layout(&ro->rec, &t, &count);
    if (st < 0) return raise_status(st);
    return Py_BuildValue("sn", fst24_elem_name(t), (Py_ssize_t)count);
}

/* Bytes the decoded data of `rec` needs; -1 with an exception set on error. */
Py_ssize_t record_data_bytes(const fst24_record *rec) {
    fst24_elem_type t = FST24_ELEM_NONE;
    size_t count = 0;
    int st = fst24_record_data_layout(rec, &t, &count);
    if (st < 0) {
        raise_status(st);
        return -1;
    }
    size_t es = fst24_elem_size(t);
    if (es != 0 && count > (size_t)PY_SSIZE_T_MAX / es) {
        raise_invalid("record %.4s: data size overflows", rec->nomvar);
        return -1;
    }
    return (Py_ssize_t)(count * es);
}

/* _read_into(buffer, raw_missing=False, threads=0): decode the data into a
 * writable contiguous buffer of at least the layout's size (threads > 1 splits
 * one large uncompressed record). */
static PyObject *Record_read_into(RecordObject *ro, PyObject *args) {
    PyObject *obj;
    int raw_missing = 0, threads = 0;
    if (!PyArg_ParseTuple(args, "O|pi:_read_into", &obj, &raw_missing, &threads)) return NULL;
    if (threads < 0 || threads > 4096) return raise_invalid("threads must be in 0..4096, not %d", threads);
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
    fst24_read_options opts = {.raw_missing = raw_missing, .type = FST24_ELEM_NONE, .threads = threads};
    int st = 0;
    fst24_record rec = ro->rec;
    FILE_CALL(fo, 0, st, fst24_read_data(&rec, view.buf, (size_t)view.len, &opts));
    PyBuffer_Release(&view);
    if (st < 0) return NULL;
    Py_RETURN_NONE;
}

/* _read_payload() -> bytes: the stored payload words (host order). */
static PyObject *Record_read_payload(RecordObject *ro, PyObject *unused) {
    (void)unused;
    FileObject *fo = record_owner(ro);
    if (fo == NULL) return NULL;
    size_t nwords = 0;
    int st = 0;
    fst24_record rec = ro->rec;
    FILE_CALL(fo, 0, st, fst24_read_payload(&rec, NULL, &nwords));
    if (st < 0) return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(nwords * 4));
    if (out == NULL) return NULL;
    uint32_t *words = (uint32_t *)PyBytes_AS_STRING(out);
    size_t n2 = nwords;
    FILE_CALL(fo, 0, st, fst24_read_payload(&rec, words, &n2));
    if (st < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* _data_span(strict) -> (offset, count, elem name, big_endian, complex_pairs), or None (strict:
 * UnsupportedError) when the record is not stored as a plain array of IEEE values. */
static PyObject *Record_data_span(RecordObject *ro, PyObject *arg) {
    int strict = PyObject_IsTrue(arg);
    if (strict < 0) return NULL;
    FileObject *fo = record_owner(ro);
    if (fo == NULL) return NULL;
    fst24_data_span span;
    fst24_record rec = ro->rec;
    int st = 0;
    FILE_CALL_KEEP(fo, 0, st, fst24_record_data_span(&rec, &span), st == FST24_E_UNSUPPORTED && !strict);
    if (st == FST24_E_UNSUPPORTED && !strict) Py_RETURN_NONE;
    if (st < 0) return NULL;
    return Py_BuildValue("LLsii", (long long)span.offset, (long long)span.count, fst24_elem_name(span.type),
                         span.big_endian, span.complex_pairs);
}

/* _check(backend): the header fits a file of that backend (InvalidArgumentError naming the field). */
static PyObject *Record_check(RecordObject *ro, PyObject *arg) {
    long backend = PyLong_AsLong(arg);
    if (backend == -1 && PyErr_Occurred()) return NULL;
    int st = fst24_record_check(&ro->rec, (fst24_backend)backend);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

/* _ext_meta() -> str ("" when none). */
static PyObject *Record_ext_meta(RecordObject *ro, PyObject *unused) {
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
        int st = 0;
        FILE_CALL(fo, 0, st, fst24_read_ext_meta(&rec, buf, cap, &len));
        if (st < 0) {
            PyMem_Free(buf);
            return NULL;
        }
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
static PyObject *Record_clone(RecordObject *ro, PyObject *unused) {
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
static PyObject *Record_detach(RecordObject *ro, PyObject *unused) {
    (void)unused;
    Py_CLEAR(ro->file);
    fst24_record_detach(&ro->rec);
    ro->rec.key = -1;
    Py_RETURN_NONE;
}

/* _init_criteria(): every field becomes a wildcard. */
static PyObject *Record_init_criteria(RecordObject *ro, PyObject *unused) {
    (void)unused;
    Py_CLEAR(ro->file);
    fst24_record_init_criteria(&ro->rec);
    Py_RETURN_NONE;
}

/* _type_letters() -> str such as "E", "Rm", "f". */
static PyObject *Record_type_letters(RecordObject *ro, PyObject *unused) {
    (void)unused;
    char out[3] = {0, 0, 0};
    fst24_type_letters(ro->rec.data_type, out);
    return PyUnicode_FromString(out);
}

/* _header() -> dict of every header and position field (Record.header()), built
 * in one call: the names of HEADER_FIELDS then POSITION_FIELDS (record.py). */
static const char *const HEADER_ORDER[] = {
    "nomvar",
    "typvar",
    "etiket",
    "grtyp",
    "ip1",
    "ip2",
    "ip3",
    "ni",
    "nj",
    "nk",
    "dateo",
    "datev",
    "deet",
    "npas",
    "data_type",
    "data_bits",
    "pack_bits",
    "ig1",
    "ig2",
    "ig3",
    "ig4",
    "key",
    "file_index",
    "file_offset",
    "total_stored_bytes",
    "num_meta_bytes",
    "fst_version",
    "num_search_keys",
    "extended_meta_size",
    "ubc",
};
#define N_HEADER_ORDER (sizeof HEADER_ORDER / sizeof HEADER_ORDER[0])
/* Interned key strings, the getter of each field and a dict of the keys (whose
 * copy, sized once, receives the values: no rehashing per record), made once. */
static PyObject *header_keys[N_HEADER_ORDER];
static PyGetSetDef *header_getters[N_HEADER_ORDER];
static PyObject *header_template;

static int header_table_ready(void) {
    if (header_template != NULL) return 1;
    for (size_t i = 0; i < N_HEADER_ORDER; i++) {
        header_getters[i] = NULL;
        for (PyGetSetDef *g = Record_getset; g->name != NULL; g++)
            if (strcmp(g->name, HEADER_ORDER[i]) == 0) header_getters[i] = g;
        PyObject *k = PyUnicode_InternFromString(HEADER_ORDER[i]);
        if (k == NULL || header_getters[i] == NULL) {
            Py_XDECREF(k);
            PyErr_Format(PyExc_SystemError, "header field %s has no getter", HEADER_ORDER[i]);
            return 0;
        }
        header_keys[i] = k;
    }
    PyObject *t = PyDict_New();
    if (t == NULL) return 0;
    for (size_t i = 0; i < N_HEADER_ORDER; i++) {
        if (PyDict_SetItem(t, header_keys[i], Py_None) < 0) {
            Py_DECREF(t);
            return 0;
        }
    }
    header_template = t;
    return 1;
}

static PyObject *Record_header(RecordObject *ro, PyObject *unused) {
    (void)unused;
    if (!header_table_ready()) return NULL;
    PyObject *d = PyDict_Copy(header_template);
    if (d == NULL) return NULL;
    for (size_t i = 0; i < N_HEADER_ORDER; i++) {
        PyObject *v = header_getters[i]->get((PyObject *)ro, header_getters[i]->closure);
        if (v == NULL || PyDict_SetItem(d, header_keys[i], v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(v);
    }
    return d;
}

static PyMethodDef Record_methods[] = {
    {"_header", (PyCFunction)Record_header, METH_NOARGS, "Every header and position field as a dict."},
    {"_layout", (PyCFunction)Record_layout, METH_NOARGS, "(elem type name, element count) of the decoded data."},
    {"_read_into", (PyCFunction)Record_read_into, METH_VARARGS, "Decode the data into a writable buffer."},
    {"_read_payload", (PyCFunction)Record_read_payload, METH_NOARGS, "Stored payload words (host order) as bytes."},
    {"_ext_meta", (PyCFunction)Record_ext_meta, METH_NOARGS, "Extended metadata JSON text ('' if none)."},
    {"_data_span", (PyCFunction)Record_data_span, METH_O, "Where the values lie in the file, or None."},
    {"_check", (PyCFunction)Record_check, METH_O, "Check the header against a backend's limits."},
    {"_clone", (PyCFunction)Record_clone, METH_NOARGS, "Copy of the header with the same owner."},
    {"_detach", (PyCFunction)Record_detach, METH_NOARGS, "Forget the owning file."},
    {"_init_criteria", (PyCFunction)Record_init_criteria, METH_NOARGS, "Reset every field to its wildcard."},
    {"_type_letters", (PyCFunction)Record_type_letters, METH_NOARGS, "Listing letters of data_type."},
    {NULL, NULL, 0, NULL}};

PyTypeObject Record_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "fst24._core.RecordBase",
    .tp_basicsize = sizeof(RecordObject),
    .tp_dealloc = (destructor)Record_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Header of one FST record (C storage; see fst24.Record).",
    .tp_methods = Record_methods,
    .tp_getset = Record_getset,
    .tp_new = Record_new,
};
