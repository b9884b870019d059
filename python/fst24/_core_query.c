/* _core_query.c - Query: a search over one file or a chain of linked files. */
#include "_core.h"

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */
/* ------------------------------------------------------------------------ */

static void query_unregister(QueryObject *qo) {
    if (qo->chain == NULL) return;
    FileObject *owner = (FileObject *)PyTuple_GET_ITEM(qo->chain, 0);
    if (qo->prev != NULL)
        qo->prev->next = qo->next;
    else if (owner->queries == qo)
        owner->queries = qo->next;
    if (qo->next != NULL) qo->next->prev = qo->prev;
    qo->prev = qo->next = NULL;
}

static void Query_dealloc(QueryObject *qo) {
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
static PyObject *chain_owner(PyObject *chain, const fst24_file *f) {
    Py_ssize_t n = PyTuple_GET_SIZE(chain);
    for (Py_ssize_t i = 0; i < n; i++) {
        FileObject *fo = (FileObject *)PyTuple_GET_ITEM(chain, i);
        if (fo->f == f) return (PyObject *)fo;
    }
    return PyTuple_GET_ITEM(chain, 0);
}

#define CHAIN_FILES(qo) ((FileObject **)&PyTuple_GET_ITEM((qo)->chain, 0))

/* Runs `body` with the GIL released and every file of the query's chain shared-locked; sets
 * `closed` instead when one of the files or the query itself is closed. */
#define QUERY_LOCKED(qo, closed, body)                                                                                 \
    do {                                                                                                               \
        Py_ssize_t nchain_ = PyTuple_GET_SIZE((qo)->chain);                                                            \
        FileObject **files_ = CHAIN_FILES(qo);                                                                         \
        Py_BEGIN_ALLOW_THREADS                                                                                         \
            if (lock_chain(files_, nchain_))                                                                           \
                (closed) = 1;                                                                                          \
            else {                                                                                                     \
                if ((qo)->q == NULL)                                                                                   \
                    (closed) = 1;                                                                                      \
                else { body }                                                                                          \
                unlock_chain(files_, nchain_);                                                                         \
            }                                                                                                          \
        Py_END_ALLOW_THREADS                                                                                           \
    } while (0)

/* fetch(n) -> list of up to n next records (empty at the end). */
static PyObject *Query_fetch(QueryObject *qo, PyObject *arg) {
    Py_ssize_t want = PyLong_AsSsize_t(arg);
    if (want == -1 && PyErr_Occurred()) return NULL;
    if (want < 1) want = 1;
    if (want > 65536) want = 65536;
    fst24_record *recs = PyMem_Malloc(sizeof(fst24_record) * (size_t)want);
    if (recs == NULL) return PyErr_NoMemory();
    Py_ssize_t got = 0;
    int st = 0, closed = 0;
    QUERY_LOCKED(
        qo, closed, while (got < want) {
            st = fst24_query_next(qo->q, &recs[got]);
            if (st <= 0) break;
            got++;
        });
    if (closed) {
        PyMem_Free(recs);
        return raise_closed(CHAIN_FILES(qo)[0]);
    }
    if (st < 0) {
        PyMem_Free(recs);
        return raise_status(st);
    }
    PyObject *list = PyList_New(got);
    if (list == NULL) {
        PyMem_Free(recs);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < got; i++) {
        PyObject *r = record_wrap(&recs[i], chain_owner(qo->chain, recs[i].file));
        if (r == NULL) {
            Py_DECREF(list);
            PyMem_Free(recs);
            return NULL;
        }
        PyList_SET_ITEM(list, i, r);
    }
    PyMem_Free(recs);
    return list;
}

static PyObject *Query_count(QueryObject *qo, PyObject *unused) {
    (void)unused;
    int64_t n = 0;
    int closed = 0;
    QUERY_LOCKED(qo, closed, n = fst24_query_count(qo->q););
    if (closed) return raise_closed(CHAIN_FILES(qo)[0]);
    if (n < 0) return raise_status((int)n);
    return PyLong_FromLongLong(n);
}

static PyObject *Query_rewind(QueryObject *qo, PyObject *unused) {
    (void)unused;
    int st = 0, closed = 0;
    QUERY_LOCKED(qo, closed, st = fst24_query_rewind(qo->q););
    if (closed) return raise_closed(CHAIN_FILES(qo)[0]);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

static PyMethodDef Query_methods[] = {
    {"fetch", (PyCFunction)Query_fetch, METH_O, "Up to n next matching records (empty list at the end)."},
    {"count", (PyCFunction)Query_count, METH_NOARGS, "Number of matches (rewinds)."},
    {"rewind", (PyCFunction)Query_rewind, METH_NOARGS, "Restart from the first record."},
    {NULL, NULL, 0, NULL}};

PyTypeObject Query_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "fst24._core.Query",
    .tp_basicsize = sizeof(QueryObject),
    .tp_dealloc = (destructor)Query_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A search over one file or a chain of linked files.",
    .tp_methods = Query_methods,
};
