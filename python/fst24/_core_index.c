/*
 * _core_index.c - the metadata index (include/fst24/index.h) for Python:
 * the Index type, built with the GIL released and handed to Arrow consumers
 * through the PyCapsule interface (__arrow_c_stream__), and the look-up of
 * many records by key (fst24.read).
 */
#include "_core.h"
#include "fst24/index.h"

#include <string.h>
#include <sys/stat.h>

typedef struct {
    PyObject_HEAD fst24_index *ix;
} IndexObject;

static void Index_dealloc(IndexObject *self) {
    fst24_index_free(self->ix); /* exported streams keep their own reference */
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Index(threads=0, columns=0, skip_errors=False) */
static int Index_init(IndexObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"threads", "columns", "skip_errors", NULL};
    int threads = 0, skip = 0;
    unsigned long long columns = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|iKp:Index", kwlist, &threads, &columns, &skip)) return -1;
    if (self->ix != NULL) {
        raise_invalid("Index object is already initialised");
        return -1;
    }
    fst24_index_options o = {.threads = threads, .columns = (uint64_t)columns, .skip_errors = skip};
    int st = fst24_index_new(&o, &self->ix);
    if (st < 0) {
        raise_status(st);
        return -1;
    }
    return 0;
}

static int ready(IndexObject *self) {
    if (self->ix == NULL) {
        raise_invalid("Index object is not initialised");
        return 0;
    }
    return 1;
}

/* The file-system bytes of the n paths of `seq` (a PySequence_Fast) into bytes[] (new
 * references, released by the caller); a NUL in a path, which no file name can hold, is
 * InvalidArgumentError naming its position. 0 on failure, with the exception set. */
static int fs_paths(PyObject *seq, Py_ssize_t n, PyObject **bytes) {
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(seq, i), &bytes[i])) continue;
        if (PyErr_ExceptionMatches(PyExc_ValueError)) {
            PyErr_Clear();
            raise_invalid("index: path %zd of the source contains a NUL character", i);
        }
        return 0;
    }
    return 1;
}

/* add_paths(paths: sequence of str/PathLike, skip_not_fst: bool) */
static PyObject *Index_add_paths(IndexObject *self, PyObject *args) {
    PyObject *seq_obj;
    int skip_not_fst = 0;
    if (!ready(self) || !PyArg_ParseTuple(args, "Op:add_paths", &seq_obj, &skip_not_fst)) return NULL;
    PyObject *seq = PySequence_Fast(seq_obj, "paths must be a sequence");
    if (seq == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **bytes = PyMem_Calloc((size_t)(n ? n : 1), sizeof *bytes);
    const char **paths = PyMem_Calloc((size_t)(n ? n : 1), sizeof *paths);
    PyObject *result = NULL;
    if (bytes == NULL || paths == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (!fs_paths(seq, n, bytes)) goto done;
    for (Py_ssize_t i = 0; i < n; i++) paths[i] = PyBytes_AS_STRING(bytes[i]);
    int st;
    fst24_index *ix = self->ix;
    Py_BEGIN_ALLOW_THREADS
        st = fst24_index_add_paths(ix, paths, (int64_t)n, skip_not_fst ? FST24_INDEX_SKIP_NOT_FST : 0);
    Py_END_ALLOW_THREADS
    if (st < 0) {
        raise_status(st);
        goto done;
    }
    result = Py_None;
    Py_INCREF(result);
done:
    if (bytes != NULL)
        for (Py_ssize_t i = 0; i < n; i++) Py_XDECREF(bytes[i]);
    PyMem_Free(bytes);
    PyMem_Free(paths);
    Py_DECREF(seq);
    return result;
}

/* add_file(file: FileBase): the rows of one open file (not of its links). */
static PyObject *Index_add_file(IndexObject *self, PyObject *arg) {
    if (!ready(self)) return NULL;
    if (!File_Check(arg)) return raise_invalid("add_file() needs an open fst24.File");
    FileObject *fo = (FileObject *)arg;
    int st = 0;
    fst24_index *ix = self->ix;
    FILE_CALL(fo, 0, st, fst24_index_add_file(ix, fo->f));
    if (st < 0) return NULL;
    Py_RETURN_NONE;
}

static void capsule_release_stream(PyObject *capsule) {
    struct ArrowArrayStream *s = PyCapsule_GetPointer(capsule, "arrow_array_stream");
    if (s == NULL) {
        PyErr_Clear();
        return;
    }
    if (s->release != NULL) s->release(s);
    PyMem_RawFree(s);
}

/* A new PyCapsule "arrow_array_stream" of the index (FST24_ARROW_* flags). */
static PyObject *stream_capsule(IndexObject *self, int flags) {
    struct ArrowArrayStream *s = PyMem_RawMalloc(sizeof *s);
    if (s == NULL) return PyErr_NoMemory();
    int st;
    fst24_index *ix = self->ix;
    Py_BEGIN_ALLOW_THREADS
        st = fst24_index_export_stream(ix, flags, s); /* the first export merges the files' columns */
    Py_END_ALLOW_THREADS
    if (st < 0) {
        PyMem_RawFree(s);
        return raise_status(st);
    }
    PyObject *cap = PyCapsule_New(s, "arrow_array_stream", capsule_release_stream);
    if (cap == NULL) {
        s->release(s);
        PyMem_RawFree(s);
    }
    return cap;
}

/* __arrow_c_stream__(requested_schema=None): text as utf8. The requested
 * schema is ignored (allowed by the protocol): the index has one. */
static PyObject *Index_arrow_c_stream(IndexObject *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"requested_schema", NULL};
    PyObject *requested = Py_None;
    if (!ready(self) || !PyArg_ParseTupleAndKeywords(args, kwds, "|O:__arrow_c_stream__", kwlist, &requested))
        return NULL;
    return stream_capsule(self, 0);
}

/* stream(string_view: bool) -> capsule; string views are what Polars stores. */
static PyObject *Index_stream(IndexObject *self, PyObject *args) {
    int views = 0;
    if (!ready(self) || !PyArg_ParseTuple(args, "p:stream", &views)) return NULL;
    return stream_capsule(self, views ? FST24_ARROW_STRING_VIEW : 0);
}

static PyObject *Index_skipped(IndexObject *self, PyObject *unused) {
    (void)unused;
    if (!ready(self)) return NULL;
    int64_t n = fst24_index_num_skipped(self->ix);
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    for (int64_t i = 0; i < n; i++) {
        const char *path, *msg;
        int status;
        if (fst24_index_skipped(self->ix, i, &path, &status, &msg) < 0) {
            Py_DECREF(list);
            return raise_status(FST24_E_INVALID);
        }
        PyObject *item = Py_BuildValue("(O&is)", PyUnicode_DecodeFSDefault, path, status, msg);
        if (item == NULL || PyList_Append(list, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(item);
    }
    return list;
}

static PyObject *Index_files(IndexObject *self, PyObject *unused) {
    (void)unused;
    if (!ready(self)) return NULL;
    int64_t n = fst24_index_num_files(self->ix);
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (list == NULL) return NULL;
    for (int64_t i = 0; i < n; i++) {
        PyObject *s = Py_BuildValue("(O&L)", PyUnicode_DecodeFSDefault, fst24_index_file_path(self->ix, i),
                                    (long long)fst24_index_file_rows(self->ix, i));
        if (s == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, s);
    }
    return list;
}

static PyObject *Index_get_num_rows(IndexObject *self, void *c) {
    (void)c;
    if (!ready(self)) return NULL;
    return PyLong_FromLongLong(fst24_index_num_rows(self->ix));
}

static PyObject *Index_get_num_files(IndexObject *self, void *c) {
    (void)c;
    if (!ready(self)) return NULL;
    return PyLong_FromLongLong(fst24_index_num_files(self->ix));
}

static PyObject *Index_get_nbytes(IndexObject *self, void *c) {
    (void)c;
    if (!ready(self)) return NULL;
    return PyLong_FromLongLong(fst24_index_memory(self->ix));
}

/* Python str of n bytes of UTF-8 text (NULL and an exception on failure). */
static PyObject *utf8_str(const char *chars, int32_t begin, int32_t end) {
    return PyUnicode_DecodeUTF8(chars + begin, (Py_ssize_t)end - begin, "replace");
}

/* column(name) -> (type, values, nulls): a copy of one column for numpy, without Arrow.
 * type: the fst24_column_type code; values: bytes of the fixed-width values (BOOL: one
 * byte 0/1 per row) or, for text columns, a list of str (None where null); nulls: bytes
 * of one 0/1 byte per row (1: null), or None when the column has no null. Freezes the
 * index (later additions fail). */
static PyObject *Index_column(IndexObject *self, PyObject *args) {
    const char *name;
    if (!ready(self) || !PyArg_ParseTuple(args, "s:column", &name)) return NULL;
    int id = fst24_index_column_id_of(name);
    if (id < 0) return raise_invalid("unknown index column %s", name);
    fst24_index_column col;
    int st = fst24_index_get_column(self->ix, (fst24_index_column_id)id, &col);
    if (st < 0) return raise_status(st);
    const Py_ssize_t n = (Py_ssize_t)col.length;
    PyObject *nulls = Py_None, *values = NULL;
    Py_INCREF(Py_None);
    if (col.validity != NULL && col.null_count > 0) {
        Py_DECREF(Py_None);
        nulls = PyBytes_FromStringAndSize(NULL, n);
        if (nulls == NULL) return NULL;
        char *b = PyBytes_AS_STRING(nulls);
        for (Py_ssize_t r = 0; r < n; r++) b[r] = (char)!fst24_index_bit(col.validity, r);
    }
    size_t width = 0;
    switch (col.type) {
    case FST24_CT_INT8:
    case FST24_CT_UINT8: width = 1; break;
    case FST24_CT_INT32: width = 4; break;
    case FST24_CT_INT64:
    case FST24_CT_FLOAT64:
    case FST24_CT_TIMESTAMP_US:
    case FST24_CT_DURATION_US: width = 8; break;
    default: break;
    }
    if (width) {
        values = PyBytes_FromStringAndSize((const char *)col.values, n * (Py_ssize_t)width);
    } else if (col.type == FST24_CT_BOOL) {
        values = PyBytes_FromStringAndSize(NULL, n);
        if (values != NULL) {
            char *b = PyBytes_AS_STRING(values);
            for (Py_ssize_t r = 0; r < n; r++) b[r] = (char)fst24_index_bit(col.values, r);
        }
    } else if (col.type == FST24_CT_FIXED_TEXT) {
        /* NUL-padded bytes read as Latin-1 (grtyp is a raw byte); equal values share one str */
        values = PyList_New(n);
        const char *base = col.values;
        const size_t w = (size_t)col.width;
        PyObject *last = NULL;
        const char *last_bytes = NULL;
        for (Py_ssize_t r = 0; values != NULL && r < n; r++) {
            const char *s = base + (size_t)r * w;
            PyObject *v;
            if (last != NULL && !memcmp(s, last_bytes, w)) {
                v = last;
                Py_INCREF(v);
            } else {
                v = PyUnicode_DecodeLatin1(s, (Py_ssize_t)strnlen(s, w), NULL);
                if (v == NULL) {
                    Py_CLEAR(values);
                    break;
                }
                last = v;
                last_bytes = s;
            }
            PyList_SET_ITEM(values, r, v);
        }
    } else if (col.type == FST24_CT_UTF8 || col.type == FST24_CT_DICT_UTF8) {
        values = PyList_New(n);
        PyObject **dict = NULL;
        if (values != NULL && col.type == FST24_CT_DICT_UTF8) {
            /* one str per dictionary entry, shared by its rows */
            dict = PyMem_Calloc((size_t)(col.dict_length ? col.dict_length : 1), sizeof *dict);
            if (dict == NULL) {
                PyErr_NoMemory();
                Py_CLEAR(values);
            }
            for (int64_t k = 0; values != NULL && k < col.dict_length; k++) {
                dict[k] = utf8_str(col.dict_chars, col.dict_offsets[k], col.dict_offsets[k + 1]);
                if (dict[k] == NULL) Py_CLEAR(values);
            }
        }
        for (Py_ssize_t r = 0; values != NULL && r < n; r++) {
            PyObject *v;
            if (col.validity != NULL && !fst24_index_bit(col.validity, r)) {
                v = Py_None;
                Py_INCREF(v);
            } else if (dict != NULL) {
                const int32_t code = ((const int32_t *)col.values)[r];
                if (code < 0 || code >= col.dict_length) {
                    raise_invalid("index column %s: code %d out of its dictionary", name, (int)code);
                    Py_CLEAR(values);
                    break;
                }
                v = dict[code];
                Py_INCREF(v);
            } else {
                v = utf8_str((const char *)col.values, col.offsets[r], col.offsets[r + 1]);
                if (v == NULL) {
                    Py_CLEAR(values);
                    break;
                }
            }
            PyList_SET_ITEM(values, r, v);
        }
        if (dict != NULL) {
            for (int64_t k = 0; k < col.dict_length; k++) Py_XDECREF(dict[k]);
            PyMem_Free(dict);
        }
    } else {
        raise_invalid("index column %s: type %d has no numpy form", name, (int)col.type);
    }
    if (values == NULL) {
        Py_DECREF(nulls);
        return NULL;
    }
    return Py_BuildValue("(iNN)", (int)col.type, values, nulls);
}

static PyGetSetDef Index_getset[] = {
    {"num_rows", (getter)Index_get_num_rows, NULL, "Rows (records) in the index.", NULL},
    {"num_files", (getter)Index_get_num_files, NULL, "Files that contributed rows (skipped ones excluded).", NULL},
    {"nbytes", (getter)Index_get_nbytes, NULL, "Bytes held by the index's columns.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef Index_methods[] = {
    {"add_paths", (PyCFunction)Index_add_paths, METH_VARARGS,
     "add_paths(paths, skip_not_fst): scan files in parallel (GIL released)."},
    {"add_file", (PyCFunction)Index_add_file, METH_O, "add_file(file): the rows of an open File."},
    {"skipped", (PyCFunction)Index_skipped, METH_NOARGS, "[(path, status, message)] of skipped files."},
    {"files", (PyCFunction)Index_files, METH_NOARGS, "[(path, rows)] of the files that contributed rows, in order."},
    {"__arrow_c_stream__", (PyCFunction)(void (*)(void))Index_arrow_c_stream, METH_VARARGS | METH_KEYWORDS,
     "Arrow PyCapsule stream interface: one record batch of every row."},
    {"column", (PyCFunction)Index_column, METH_VARARGS,
     "column(name) -> (type, values, nulls): a copy of one column (bytes or list of str) for numpy."},
    {"stream", (PyCFunction)Index_stream, METH_VARARGS,
     "stream(string_view): an arrow_array_stream capsule, short text as string views or utf8."},
    {NULL, NULL, 0, NULL}};

PyTypeObject Index_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "fst24._core.Index",
    .tp_basicsize = sizeof(IndexObject),
    .tp_dealloc = (destructor)Index_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Columnar metadata index of FST files (C storage; see fst24.index_arrow).",
    .tp_methods = Index_methods,
    .tp_getset = Index_getset,
    .tp_init = (initproc)Index_init,
    .tp_new = PyType_GenericNew,
};

/* index_columns() -> list of every column name, in column-id order. */
static PyObject *mod_index_columns(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    PyObject *list = PyList_New(FST24_COL_COUNT);
    if (list == NULL) return NULL;
    for (int i = 0; i < FST24_COL_COUNT; i++) {
        PyObject *s = PyUnicode_FromString(fst24_index_column_name(i));
        if (s == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, s);
    }
    return list;
}

/* records_by_key(file, keys: int64 buffer) -> list of Record, one per key. */
static PyObject *mod_records_by_key(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *fobj, *kobj;
    if (!PyArg_ParseTuple(args, "OO:records_by_key", &fobj, &kobj)) return NULL;
    if (!File_Check(fobj)) return raise_invalid("records_by_key() needs an open fst24.File");
    FileObject *fo = (FileObject *)fobj;
    Py_buffer view;
    if (PyObject_GetBuffer(kobj, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    if (view.itemsize != 8 || view.format == NULL || (strcmp(view.format, "q") && strcmp(view.format, "l"))) {
        PyBuffer_Release(&view);
        return raise_invalid("keys must be an int64 array");
    }
    Py_ssize_t n = view.len / 8;
    fst24_record *recs = PyMem_RawMalloc(sizeof *recs * (size_t)(n ? n : 1));
    if (recs == NULL) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    int st = 0;
    const int64_t *keys = view.buf;
    FILE_CALL(fo, 0, st, fst24_get_records_by_key(fo->f, keys, (int64_t)n, recs));
    PyBuffer_Release(&view);
    PyObject *list = NULL;
    if (st >= 0 && (list = PyList_New(n)) != NULL) {
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *r = record_wrap(&recs[i], fobj);
            if (r == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SET_ITEM(list, i, r);
        }
    }
    PyMem_RawFree(recs);
    return list;
}

/* path_kinds(paths: list of str/PathLike) -> bytes, one per path: 2 a glob pattern (has
 * '*', '?' or '[' and names nothing), 1 a directory, 0 anything else (a file, or a path
 * the index will report). The index of thousands of files needs one stat each: done
 * here with the GIL released rather than by os.path.isdir, which costs five times more. */
static PyObject *mod_path_kinds(PyObject *self, PyObject *arg) {
    (void)self;
    PyObject *seq = PySequence_Fast(arg, "paths must be a sequence");
    if (seq == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **bytes = PyMem_Calloc((size_t)(n ? n : 1), sizeof *bytes);
    PyObject *out = PyBytes_FromStringAndSize(NULL, n);
    if (bytes == NULL || out == NULL) {
        if (bytes == NULL) PyErr_NoMemory();
        Py_XDECREF(out);
        out = NULL;
        goto done;
    }
    if (!fs_paths(seq, n, bytes)) {
        Py_CLEAR(out);
        goto done;
    }
    char *kinds = PyBytes_AS_STRING(out);
    Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < n; i++) {
            const char *p = PyBytes_AS_STRING(bytes[i]);
            struct stat sb;
            int exists = stat(p, &sb) == 0;
            kinds[i] = (char)(exists ? (S_ISDIR(sb.st_mode) ? 1 : 0) : strpbrk(p, "*?[") ? 2 : 0);
        }
    Py_END_ALLOW_THREADS
done:
    if (bytes != NULL)
        for (Py_ssize_t i = 0; i < n; i++) Py_XDECREF(bytes[i]);
    PyMem_Free(bytes);
    Py_DECREF(seq);
    return out;
}

PyMethodDef index_methods[] = {
    {"index_columns", mod_index_columns, METH_NOARGS, "Every index column name, in column-id order."},
    {"path_kinds", mod_path_kinds, METH_O, "path_kinds(paths) -> bytes: 2 glob pattern, 1 directory, 0 other."},
    {"records_by_key", mod_records_by_key, METH_VARARGS, "Records of an open file by key."},
    {NULL, NULL, 0, NULL}};
