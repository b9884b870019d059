/* _core_levels.c - module functions of IP level codes (vectorised over buffers). */
#include "_core.h"

/* ip_decode(codes int32 buf, values float32 buf, kinds int32 buf) -> invalid count.
 * Invalid codes give value -999999 and kind -1. */
static PyObject *mod_ip_decode(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *a, *b, *c;
    if (!PyArg_ParseTuple(args, "OOO:ip_decode", &a, &b, &c)) return NULL;
    Py_buffer in, vals, kinds;
    if (core_get_buffer(a, &in, 0, 4, "codes") < 0) return NULL;
    if (core_get_buffer(b, &vals, 1, 4, "values") < 0) {
        PyBuffer_Release(&in);
        return NULL;
    }
    if (core_get_buffer(c, &kinds, 1, 4, "kinds") < 0) {
        PyBuffer_Release(&in);
        PyBuffer_Release(&vals);
        return NULL;
    }
    Py_ssize_t n = in.len / 4, bad = 0;
    if (vals.len / 4 != n || kinds.len / 4 != n) {
        PyBuffer_Release(&in);
        PyBuffer_Release(&vals);
        PyBuffer_Release(&kinds);
        return raise_invalid("ip_decode: buffers of different lengths");
    }
    const int32_t *ip = in.buf;
    const float *v = vals.buf;
    const int *k = kinds.buf;
    int st;
    Py_BEGIN_ALLOW_THREADS
        st = fst24_ip_decode_many(ip, (size_t)n, vals.buf, kinds.buf);
        for (Py_ssize_t i = 0; i < n; i++) bad += k[i] == -1;
    Py_END_ALLOW_THREADS(void)
    v;
    if (st < 0) {
        PyBuffer_Release(&in);
        PyBuffer_Release(&vals);
        PyBuffer_Release(&kinds);
        return raise_status(st);
    }
    PyBuffer_Release(&in);
    PyBuffer_Release(&vals);
    PyBuffer_Release(&kinds);
    fst24_clear_error();
    return PyLong_FromSsize_t(bad);
}

/* ip_encode(values float32 buf, kinds int32 buf, style, out int32 buf) -> failures */
static PyObject *mod_ip_encode(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *a, *b, *c;
    int style;
    if (!PyArg_ParseTuple(args, "OOiO:ip_encode", &a, &b, &style, &c)) return NULL;
    if (style != FST24_IP_NEW && style != FST24_IP_OLD) return raise_invalid("unknown IP style %d", style);
    Py_buffer vals, kinds, out;
    if (core_get_buffer(a, &vals, 0, 4, "values") < 0) return NULL;
    if (core_get_buffer(b, &kinds, 0, 4, "kinds") < 0) {
        PyBuffer_Release(&vals);
        return NULL;
    }
    if (core_get_buffer(c, &out, 1, 4, "codes") < 0) {
        PyBuffer_Release(&vals);
        PyBuffer_Release(&kinds);
        return NULL;
    }
    Py_ssize_t n = vals.len / 4, bad = 0;
    int st = 0;
    if (kinds.len / 4 != n || out.len / 4 != n) {
        PyBuffer_Release(&vals);
        PyBuffer_Release(&kinds);
        PyBuffer_Release(&out);
        return raise_invalid("ip_encode: buffers of different lengths");
    }
    const int32_t *o = out.buf;
    Py_BEGIN_ALLOW_THREADS
        st = fst24_ip_encode_many(vals.buf, kinds.buf, (size_t)n, (fst24_ip_style)style, out.buf);
        for (Py_ssize_t i = 0; i < n; i++) bad += o[i] < 0;
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&vals);
    PyBuffer_Release(&kinds);
    PyBuffer_Release(&out);
    if (st < 0) return raise_status(st);
    fst24_clear_error();
    return PyLong_FromSsize_t(bad);
}

static PyObject *mod_ip_kind_info(PyObject *self, PyObject *arg) {
    (void)self;
    long k = PyLong_AsLong(arg);
    if (k == -1 && PyErr_Occurred()) return NULL;
    if (k < INT32_MIN || k > INT32_MAX) k = -1;
    return Py_BuildValue("sssO", fst24_ip_kind_tag((int)k), fst24_ip_kind_unit((int)k), fst24_ip_kind_name((int)k),
                         fst24_ip_kind_is_level((int)k) ? Py_True : Py_False);
}

static PyObject *mod_ip_format(PyObject *self, PyObject *arg) {
    (void)self;
    long ip = PyLong_AsLong(arg);
    if (ip == -1 && PyErr_Occurred()) return NULL;
    if (ip < INT32_MIN || ip > INT32_MAX) return raise_invalid("ip %ld out of range", ip);
    char buf[64];
    int st = fst24_ip_format((int32_t)ip, buf, sizeof buf);
    if (st < 0) return raise_status(st);
    return PyUnicode_FromString(buf);
}

/* ip123_decode(ip1, ip2, ip3) -> (status, (v1, v2, kind) x 3) as librmn's DecodeIp. */
static PyObject *mod_ip123_decode(PyObject *self, PyObject *args) {
    (void)self;
    int ip1, ip2, ip3;
    if (!PyArg_ParseTuple(args, "iii:ip123_decode", &ip1, &ip2, &ip3)) return NULL;
    fst24_ip_range r[3];
    memset(r, 0, sizeof r);
    int st = fst24_ip123_decode(ip1, ip2, ip3, &r[0], &r[1], &r[2]);
    if (st < 0) return raise_status(st);
    fst24_clear_error();
    return Py_BuildValue("i(ddi)(ddi)(ddi)", st, (double)r[0].v1, (double)r[0].v2, r[0].kind, (double)r[1].v1,
                         (double)r[1].v2, r[1].kind, (double)r[2].v1, (double)r[2].v2, r[2].kind);
}

static PyObject *mod_ip_decode_one(PyObject *self, PyObject *arg) {
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

PyMethodDef level_methods[] = {
    {"ip_decode", mod_ip_decode, METH_VARARGS, "Decode IP codes into values and kinds."},
    {"ip_decode_one", mod_ip_decode_one, METH_O, "Decode one IP code to (value, kind)."},
    {"ip_encode", mod_ip_encode, METH_VARARGS, "Encode (value, kind) pairs into IP codes."},
    {"ip_kind_info", mod_ip_kind_info, METH_O, "(tag, unit, name, is_level) of a kind."},
    {"ip123_decode", mod_ip123_decode, METH_VARARGS, "Decode an ip1/ip2/ip3 triplet (DecodeIp)."},
    {"ip_format", mod_ip_format, METH_O, "librmn's text for an IP code."},
    {NULL, NULL, 0, NULL}};
