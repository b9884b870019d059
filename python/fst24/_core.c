/*
 * _core.c - the CPython binding of libfst24 (private module fst24._core):
 * errors, module state, registration, small module functions and the module's
 * initialisation. Records, files, queries, the index and grids live in
 * _core_record.c, _core_file.c, _core_query.c, _core_index.c and _core_grid.c;
 * module functions by topic in _core_io.c, _core_levels.c and _core_dates.c.
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
#include "_core.h"

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/* Module state: what fst24/__init__.py registers through _register() (the exception classes
 * and the Record class are Python objects of one interpreter). Found from anywhere through the
 * interpreter's own fst24._core module, so that no C global holds a Python object. */
typedef struct {
    PyObject *error_map;    /* dict: status (int) -> exception class */
    PyObject *error_base;   /* fst24.Error */
    PyObject *record_class; /* fst24.Record (subclass of RecordBase) */
} core_state;

static struct PyModuleDef core_module;

/* The state of this interpreter's fst24._core (NULL, no exception, before the import ends). */
static core_state *core_current_state(void) {
    PyObject *name = PyUnicode_FromString("fst24._core");
    if (name == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *m = PyImport_GetModule(name); /* new reference or NULL */
    Py_DECREF(name);
    if (m == NULL) {
        PyErr_Clear();
        return NULL;
    }
    core_state *st = PyModule_GetDef(m) == &core_module ? PyModule_GetState(m) : NULL;
    Py_DECREF(m); /* sys.modules keeps it */
    return st;
}

PyObject *core_record_class(void) {
    core_state *st = core_current_state();
    return st != NULL ? st->record_class : NULL;
}

/* Raise the exception registered for `status` with `message` (or the
 * library's thread-local message when message is NULL). Returns NULL. */
PyObject *raise_status_msg(int status, const char *message) {
    const char *msg = message;
    if (msg == NULL || msg[0] == '\0') msg = fst24_last_error();
    if (msg == NULL || msg[0] == '\0') msg = fst24_status_name(status);
    PyObject *cls = NULL;
    core_state *state = core_current_state();
    if (state != NULL && state->error_map != NULL) {
        PyObject *key = PyLong_FromLong(status);
        if (key == NULL) return NULL;
        cls = PyDict_GetItemWithError(state->error_map, key); /* borrowed */
        Py_DECREF(key);
        if (cls == NULL && PyErr_Occurred()) return NULL;
    }
    if (cls == NULL) cls = state != NULL && state->error_base != NULL ? state->error_base : PyExc_RuntimeError;
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

PyObject *raise_status(int status) { return raise_status_msg(status, NULL); }

PyObject *raise_invalid(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    PyOS_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return raise_status_msg(FST24_E_INVALID, buf);
}

const char CLOSED_MSG[] = "I/O operation on a closed FST file";

PyObject *raise_closed(FileObject *fo) {
    char buf[1200];
    PyOS_snprintf(buf, sizeof buf, "%s: %s", CLOSED_MSG,
                  fo != NULL && fo->path != NULL ? PyUnicode_AsUTF8(fo->path) : "?");
    return raise_status_msg(FST24_E_CLOSED, buf);
}

static PyObject *mod_register(PyObject *self, PyObject *args) {
    core_state *state = PyModule_GetState(self);
    PyObject *map, *base, *reccls;
    if (!PyArg_ParseTuple(args, "O!OO:_register", &PyDict_Type, &map, &base, &reccls)) return NULL;
    if (!PyType_Check(reccls) || !PyType_IsSubtype((PyTypeObject *)reccls, &Record_Type)) {
        PyErr_SetString(PyExc_TypeError, "record class must derive from RecordBase");
        return NULL;
    }
    Py_INCREF(map);
    Py_XSETREF(state->error_map, map);
    Py_INCREF(base);
    Py_XSETREF(state->error_base, base);
    Py_INCREF(reccls);
    Py_XSETREF(state->record_class, reccls);
    Py_RETURN_NONE;
}

/* Buffers of fixed-width items for the vectorised helpers. */
int core_get_buffer(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(obj, view, (writable ? PyBUF_WRITABLE : 0) | PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (view->len % itemsize != 0) {
        PyBuffer_Release(view);
        raise_invalid("%s buffer is not made of %zd-byte items", what, itemsize);
        return -1;
    }
    return 0;
}

static PyObject *mod_missing_values(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    return Py_BuildValue("{s:d,s:d,s:l,s:k,s:i,s:i,s:i,s:i}", "f32", (double)mv.f32, "f64", mv.f64, "i32", (long)mv.i32,
                         "u32", (unsigned long)mv.u32, "i16", (int)mv.i16, "u16", (int)mv.u16, "i8", (int)mv.i8, "u8",
                         (int)mv.u8);
}

static PyObject *mod_version(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyUnicode_FromString(fst24_version());
}

static PyObject *mod_status_name(PyObject *self, PyObject *arg) {
    (void)self;
    long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) return NULL;
    return PyUnicode_FromString(fst24_status_name((int)v));
}

static PyObject *mod_elem_size(PyObject *self, PyObject *arg) {
    (void)self;
    long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) return NULL;
    return PyLong_FromSize_t(fst24_elem_size((fst24_elem_type)v));
}

static PyMethodDef core_methods[] = {
    {"_register", mod_register, METH_VARARGS, "Register the error map, base error and record class."},
    {"missing_values", mod_missing_values, METH_NOARGS, "Missing-value sentinels."},
    {"version", mod_version, METH_NOARGS, "libfst24 version."},
    {"status_name", mod_status_name, METH_O, "Name of a status code."},
    {"elem_size", mod_elem_size, METH_O, "Size of an element type."},
    {NULL, NULL, 0, NULL}};

static int core_traverse(PyObject *m, visitproc visit, void *arg) {
    core_state *st = PyModule_GetState(m);
    Py_VISIT(st->error_map);
    Py_VISIT(st->error_base);
    Py_VISIT(st->record_class);
    return 0;
}

static int core_clear(PyObject *m) {
    core_state *st = PyModule_GetState(m);
    Py_CLEAR(st->error_map);
    Py_CLEAR(st->error_base);
    Py_CLEAR(st->record_class);
    return 0;
}

static void core_free(void *m) { (void)core_clear((PyObject *)m); }

/* Multi-phase initialisation (PEP 489): the interpreter creates the module object with its
 * state; core_exec fills it. */
static int core_exec(PyObject *m) {
    record_build_getset();
    if (PyType_Ready(&Record_Type) < 0 || PyType_Ready(&File_Type) < 0 || PyType_Ready(&Query_Type) < 0 ||
        PyType_Ready(&Index_Type) < 0)
        return -1;
    /* PyModule_AddObject steals a reference on success only (3.9 API). */
    Py_INCREF(&Record_Type);
    Py_INCREF(&File_Type);
    Py_INCREF(&Query_Type);
    Py_INCREF(&Index_Type);
    if (PyModule_AddObject(m, "RecordBase", (PyObject *)&Record_Type) < 0 ||
        PyModule_AddObject(m, "FileBase", (PyObject *)&File_Type) < 0 ||
        PyModule_AddObject(m, "Query", (PyObject *)&Query_Type) < 0 ||
        PyModule_AddObject(m, "Index", (PyObject *)&Index_Type) < 0 || PyModule_AddFunctions(m, index_methods) < 0 ||
        PyModule_AddFunctions(m, io_methods) < 0 || PyModule_AddFunctions(m, level_methods) < 0 ||
        PyModule_AddFunctions(m, date_methods) < 0)
        return -1;
    if (grid_types_ready(m) < 0 || PyModule_AddFunctions(m, grid_methods) < 0) return -1;
    static const struct {
        const char *name;
        long value;
    } consts[] = {
        {"IP_NEW", FST24_IP_NEW},
        {"IP_OLD", FST24_IP_OLD},
        {"TYPE_BINARY", FST24_TYPE_BINARY},
        {"TYPE_REAL_OLD_QUANT", FST24_TYPE_REAL_OLD_QUANT},
        {"TYPE_UNSIGNED", FST24_TYPE_UNSIGNED},
        {"TYPE_CHAR", FST24_TYPE_CHAR},
        {"TYPE_SIGNED", FST24_TYPE_SIGNED},
        {"TYPE_REAL_IEEE", FST24_TYPE_REAL_IEEE},
        {"TYPE_REAL", FST24_TYPE_REAL},
        {"TYPE_STRING", FST24_TYPE_STRING},
        {"TYPE_COMPLEX", FST24_TYPE_COMPLEX},
        {"TYPE_MISSING_FLAG", FST24_TYPE_MISSING_FLAG},
        {"TYPE_COMPRESSED", FST24_TYPE_COMPRESSED},
        {"TYPE_BASE_MASK", FST24_TYPE_BASE_MASK},
        {"ELEM_F32", FST24_ELEM_F32},
        {"ELEM_F64", FST24_ELEM_F64},
        {"ELEM_U8", FST24_ELEM_U8},
        {"ELEM_U16", FST24_ELEM_U16},
        {"ELEM_U32", FST24_ELEM_U32},
        {"ELEM_U64", FST24_ELEM_U64},
        {"ELEM_I8", FST24_ELEM_I8},
        {"ELEM_I16", FST24_ELEM_I16},
        {"ELEM_I32", FST24_ELEM_I32},
        {"ELEM_I64", FST24_ELEM_I64},
        {"MODE_READ", FST24_MODE_READ},
        {"MODE_UPDATE", FST24_MODE_UPDATE},
        {"MODE_CREATE", FST24_MODE_CREATE},
        {"BACKEND_DEFAULT", FST24_BACKEND_DEFAULT},
        {"BACKEND_XDF", FST24_BACKEND_XDF},
        {"BACKEND_RSF", FST24_BACKEND_RSF},
        {"REWRITE_NO", FST24_REWRITE_NO},
        {"REWRITE_YES", FST24_REWRITE_YES},
        {"REWRITE_SKIP", FST24_REWRITE_SKIP},
        {"REWRITE_META", FST24_REWRITE_META},
        {"E_IO", FST24_E_IO},
        {"E_NOT_FOUND", FST24_E_NOT_FOUND},
        {"E_PERMISSION", FST24_E_PERMISSION},
        {"E_NOT_FST", FST24_E_NOT_FST},
        {"E_CORRUPT", FST24_E_CORRUPT},
        {"E_UNSUPPORTED", FST24_E_UNSUPPORTED},
        {"E_INVALID", FST24_E_INVALID},
        {"E_NO_RECORD", FST24_E_NO_RECORD},
        {"E_DECODE", FST24_E_DECODE},
        {"E_NOMEM", FST24_E_NOMEM},
        {"E_READONLY", FST24_E_READONLY},
        {"E_CLOSED", FST24_E_CLOSED},
        {"E_MEMORY_LIMIT", FST24_E_MEMORY_LIMIT},
        {"E_LOCKED", FST24_E_LOCKED},
        {"E_LIMIT", FST24_E_LIMIT},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        if (PyModule_AddIntConstant(m, consts[i].name, consts[i].value) < 0) return -1;
    }
    return 0;
}

static PyModuleDef_Slot core_slots[] = {
    {Py_mod_exec, (void *)core_exec},
#if PY_VERSION_HEX >= 0x030C0000
    /* The types are static (shared by every interpreter): one interpreter at a time. */
    {Py_mod_multiple_interpreters, Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED},
#endif
    {0, NULL}};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_core",
    .m_doc = "C binding of libfst24 (private; use the fst24 package).",
    .m_size = sizeof(core_state),
    .m_methods = core_methods,
    .m_slots = core_slots,
    .m_traverse = core_traverse,
    .m_clear = core_clear,
    .m_free = core_free,
};

PyMODINIT_FUNC PyInit__core(void) { return PyModuleDef_Init(&core_module); }
