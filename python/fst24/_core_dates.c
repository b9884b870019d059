/* _core_dates.c - module functions of CMC date stamps (vectorised over buffers). */
#include "_core.h"

/* stamps_to_epoch(stamps int32 buf, out int64 buf) -> invalid count.
 * Invalid stamps give INT64_MIN (numpy's NaT). */
static PyObject *mod_stamps_to_epoch(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "OO:stamps_to_epoch", &a, &b)) return NULL;
    Py_buffer in, out;
    if (core_get_buffer(a, &in, 0, 4, "stamps") < 0) return NULL;
    if (core_get_buffer(b, &out, 1, 8, "output") < 0) {
        PyBuffer_Release(&in);
        return NULL;
    }
    Py_ssize_t n = in.len / 4, bad = 0;
    if (out.len / 8 != n) {
        PyBuffer_Release(&in);
        PyBuffer_Release(&out);
        return raise_invalid("buffers of different lengths");
    }
    uint8_t *valid = PyMem_Malloc((size_t)(n > 0 ? n : 1));
    if (valid == NULL) {
        PyBuffer_Release(&in);
        PyBuffer_Release(&out);
        return PyErr_NoMemory();
    }
    int64_t *o = out.buf;
    int st;
    Py_BEGIN_ALLOW_THREADS
        st = fst24_stamps_to_epoch(in.buf, (size_t)n, o, valid);
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!valid[i]) {
                o[i] = INT64_MIN;
                bad++;
            }
        }
    Py_END_ALLOW_THREADS
    PyMem_Free(valid);
    PyBuffer_Release(&in);
    PyBuffer_Release(&out);
    if (st < 0) return raise_status(st);
    fst24_clear_error();
    return PyLong_FromSsize_t(bad);
}

/* epochs_to_stamps(seconds int64 buf, extended, out int32 buf) -> index of the
 * first invalid value or -1. */
static PyObject *mod_epochs_to_stamps(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *a, *b;
    int extended = 0;
    if (!PyArg_ParseTuple(args, "OpO:epochs_to_stamps", &a, &extended, &b)) return NULL;
    Py_buffer in, out;
    if (core_get_buffer(a, &in, 0, 8, "seconds") < 0) return NULL;
    if (core_get_buffer(b, &out, 1, 4, "stamps") < 0) {
        PyBuffer_Release(&in);
        return NULL;
    }
    Py_ssize_t n = in.len / 8, first_bad = -1;
    if (out.len / 4 != n) {
        PyBuffer_Release(&in);
        PyBuffer_Release(&out);
        return raise_invalid("buffers of different lengths");
    }
    uint8_t *valid = PyMem_Malloc((size_t)(n > 0 ? n : 1));
    if (valid == NULL) {
        PyBuffer_Release(&in);
        PyBuffer_Release(&out);
        return PyErr_NoMemory();
    }
    int st;
    Py_BEGIN_ALLOW_THREADS
        st = fst24_epochs_to_stamps(in.buf, (size_t)n, extended, out.buf, valid);
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!valid[i]) {
                first_bad = i;
                break;
            }
        }
    Py_END_ALLOW_THREADS
    PyMem_Free(valid);
    PyBuffer_Release(&in);
    PyBuffer_Release(&out);
    if (st < 0) return raise_status(st);
    fst24_clear_error();
    return PyLong_FromSsize_t(first_bad);
}

static PyObject *mod_stamp_to_printable(PyObject *self, PyObject *arg) {
    (void)self;
    long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) return NULL;
    if (v < INT32_MIN || v > INT32_MAX) return raise_invalid("date stamp %ld out of range", v);
    int32_t ymd = 0, hms = 0;
    int rc = fst24_stamp_to_printable((int32_t)v, &ymd, &hms);
    return Py_BuildValue("iii", rc, (int)ymd, (int)hms);
}

PyMethodDef date_methods[] = {
    {"stamps_to_epoch", mod_stamps_to_epoch, METH_VARARGS, "Date stamps to epoch seconds."},
    {"epochs_to_stamps", mod_epochs_to_stamps, METH_VARARGS, "Epoch seconds to date stamps."},
    {"stamp_to_printable", mod_stamp_to_printable, METH_O, "(rc, yyyymmdd, hhmmsshh) of a stamp."},
    {NULL, NULL, 0, NULL}};
