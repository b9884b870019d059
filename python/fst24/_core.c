/*
 * _core.c - the CPython binding of libfst24 (private module fst24._core):
 * errors, registration and module initialisation. Records, files, queries
 * and module functions live in _core_record.c, _core_file.c, _core_query.c
 * and _core_funcs.c.
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

/* Set once by fst24/__init__.py through _register(); read-only afterwards.
 * Exception classes are Python objects, hence module-level references. */
PyObject *g_error_map = NULL;   /* dict: status (int) -> exception class */
PyObject *g_error_base = NULL;  /* fst24.Error */
PyObject *g_record_class = NULL;/* fst24.Record (subclass of RecordBase) */

/* Raise the exception registered for `status` with `message` (or the
 * library's thread-local message when message is NULL). Returns NULL. */
PyObject *raise_status_msg(int status, const char *message)
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

PyObject *raise_status(int status) { return raise_status_msg(status, NULL); }

PyObject *raise_invalid(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    PyOS_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return raise_status_msg(FST24_E_INVALID, buf);
}

const char CLOSED_MSG[] = "I/O operation on a closed FST file";

PyObject *raise_closed(FileObject *fo)
{
    char buf[1200];
    PyOS_snprintf(buf, sizeof buf, "%s: %s", CLOSED_MSG,
                  fo != NULL && fo->path != NULL ? PyUnicode_AsUTF8(fo->path) : "?");
    return raise_status_msg(FST24_E_CLOSED, buf);
}

PyObject *mod_register(PyObject *self, PyObject *args)
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

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "_core", "C binding of libfst24 (private; use the fst24 package).", -1,
    core_methods, NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit__core(void)
{
    record_build_getset();
    if (PyType_Ready(&Record_Type) < 0 || PyType_Ready(&File_Type) < 0 || PyType_Ready(&Query_Type) < 0 ||
        PyType_Ready(&Index_Type) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&core_module);
    if (m == NULL) return NULL;
    /* PyModule_AddObject steals a reference on success only (3.9 API). */
    Py_INCREF(&Record_Type);
    Py_INCREF(&File_Type);
    Py_INCREF(&Query_Type);
    Py_INCREF(&Index_Type);
    if (PyModule_AddObject(m, "RecordBase", (PyObject *)&Record_Type) < 0 ||
        PyModule_AddObject(m, "FileBase", (PyObject *)&File_Type) < 0 ||
        PyModule_AddObject(m, "Query", (PyObject *)&Query_Type) < 0 ||
        PyModule_AddObject(m, "Index", (PyObject *)&Index_Type) < 0 ||
        PyModule_AddFunctions(m, index_methods) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    if (grid_types_ready(m) < 0 || PyModule_AddFunctions(m, grid_methods) < 0) {
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
