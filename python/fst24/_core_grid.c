/* _core_grid.c - horizontal grid and vertical descriptor objects (Grid, VGrid)
 * over the public C API of include/fst24/grid.h and vgrid.h.
 *
 * Both wrap immutable C objects: once built (which may read positional or
 * "!!" records from a file, with the GIL released and the file shared-locked)
 * they no longer depend on the file and may be used from any thread. Arrays
 * are filled through the buffer protocol (no numpy headers). */
#include <math.h>
#include "_core.h"

/* ------------------------------------------------------------------------ */
/* Grid                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD fst24_grid *g;
    fst24_grid_info info;
} GridObject;

static void Grid_dealloc(GridObject *self) {
    fst24_grid_free(self->g);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject Grid_Type;

static PyObject *grid_wrap(fst24_grid *g) {
    fst24_grid_info info;
    int st = fst24_grid_describe(g, &info);
    if (st < 0) {
        fst24_grid_free(g);
        return raise_status(st);
    }
    GridObject *go = PyObject_New(GridObject, &Grid_Type);
    if (go == NULL) {
        fst24_grid_free(g);
        return NULL;
    }
    go->g = g;
    go->info = info;
    return (PyObject *)go;
}

/* grid_from_record(record) -> Grid (positional records read from the record's file). */
static PyObject *mod_grid_from_record(PyObject *self, PyObject *arg) {
    (void)self;
    if (!Record_Check(arg)) return raise_invalid("grid_from_record() needs a Record");
    RecordObject *ro = (RecordObject *)arg;
    FileObject *fo = record_owner(ro);
    if (fo == NULL) return NULL;
    fst24_record rec = ro->rec;
    fst24_grid *g = NULL;
    int st = 0;
    FILE_CALL(fo, 0, st, fst24_grid_from_record(fo->f, &rec, &g));
    if (st < 0) return NULL;
    return grid_wrap(g);
}

/* grid_new(grtyp, ni, nj, ig1, ig2, ig3, ig4) -> Grid of a self-contained type. */
static PyObject *mod_grid_new(PyObject *self, PyObject *args) {
    (void)self;
    const char *t;
    Py_ssize_t tlen;
    int ni, nj, ig1, ig2, ig3, ig4;
    if (!PyArg_ParseTuple(args, "s#iiiiii:grid_new", &t, &tlen, &ni, &nj, &ig1, &ig2, &ig3, &ig4)) return NULL;
    if (tlen != 1) return raise_invalid("grtyp must be one character, not '%s'", t);
    fst24_grid *g = NULL;
    int st = fst24_grid_new(t[0], ni, nj, ig1, ig2, ig3, ig4, &g);
    if (st < 0) return raise_status(st);
    return grid_wrap(g);
}

/* grid_new_axes(grtyp 'Z'|'Y', ni, nj, ref_grtyp, (ref ig x4), ax f64 buf, ay f64 buf) -> Grid */
static PyObject *mod_grid_new_axes(PyObject *self, PyObject *args) {
    (void)self;
    const char *t, *r;
    Py_ssize_t tlen, rlen;
    int ni, nj;
    int32_t ig[4];
    PyObject *ax_obj, *ay_obj;
    if (!PyArg_ParseTuple(args, "s#iis#(iiii)OO:grid_new_axes", &t, &tlen, &ni, &nj, &r, &rlen, &ig[0], &ig[1], &ig[2],
                          &ig[3], &ax_obj, &ay_obj))
        return NULL;
    if (tlen != 1 || rlen != 1) return raise_invalid("grid types must be one character");
    Py_buffer ax, ay;
    if (PyObject_GetBuffer(ax_obj, &ax, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (PyObject_GetBuffer(ay_obj, &ay, PyBUF_C_CONTIGUOUS) < 0) {
        PyBuffer_Release(&ax);
        return NULL;
    }
    const int cloud = t[0] == 'Y';
    const Py_ssize_t nx = cloud ? (Py_ssize_t)ni * nj : ni, ny = cloud ? (Py_ssize_t)ni * nj : nj;
    if (ni < 1 || nj < 1 || ax.len != nx * 8 || ay.len != ny * 8) {
        PyBuffer_Release(&ax);
        PyBuffer_Release(&ay);
        return raise_invalid("grid_new_axes: %c %dx%d needs %zd and %zd float64 axis values", t[0], ni, nj, nx, ny);
    }
    fst24_grid *g = NULL;
    int st = fst24_grid_new_axes(t[0], ni, nj, r[0], ig, ax.buf, ay.buf, &g);
    PyBuffer_Release(&ax);
    PyBuffer_Release(&ay);
    if (st < 0) return raise_status(st);
    return grid_wrap(g);
}

static PyObject *Grid_describe(GridObject *self, PyObject *unused) {
    (void)unused;
    const fst24_grid_info *in = &self->info;
    char grtyp[2] = {in->grtyp, 0}, ref[2] = {in->ref_grtyp, 0};
    PyObject *d = Py_BuildValue(
        "{s:s,s:s,s:i,s:i,s:(iiii),s:(dddd),s:(iiii),s:i,s:i,s:i,s:i,s:i,s:O,s:s,s:d,"
        "s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:(LL)}",
        "grtyp", grtyp, "ref_grtyp", ref, "ni", (int)in->ni, "nj", (int)in->nj, "ig", (int)in->ig[0], (int)in->ig[1],
        (int)in->ig[2], (int)in->ig[3], "xg", (double)in->xg[0], (double)in->xg[1], (double)in->xg[2],
        (double)in->xg[3], "ref_ig", (int)in->ref_ig[0], (int)in->ref_ig[1], (int)in->ref_ig[2], (int)in->ref_ig[3],
        "tile_i0", (int)in->tile_i0, "tile_j0", (int)in->tile_j0, "master_ni", (int)in->master_ni, "master_nj",
        (int)in->master_nj, "nsubgrids", in->nsubgrids, "identity_rotation", in->identity_rotation ? Py_True : Py_False,
        "mapping_name", in->mapping_name ? in->mapping_name : "", "earth_radius", in->earth_radius,
        "grid_north_pole_latitude", in->grid_north_pole_latitude, "grid_north_pole_longitude",
        in->grid_north_pole_longitude, "north_pole_grid_longitude", in->north_pole_grid_longitude,
        "latitude_of_projection_origin", in->latitude_of_projection_origin, "straight_vertical_longitude_from_pole",
        in->straight_vertical_longitude_from_pole, "scale_factor_at_projection_origin",
        in->scale_factor_at_projection_origin, "resolution_at_standard_parallel", in->resolution_at_standard_parallel,
        "false_easting", in->false_easting, "false_northing", in->false_northing, "pole_i", in->pole_i, "pole_j",
        in->pole_j, "d60", in->d60, "dgrw", in->dgrw, "positional_keys", (long long)in->positional_key[0],
        (long long)in->positional_key[1]);
    if (d == NULL) return NULL;
    const char *kinds[] = {"none", "latitude_longitude", "rotated_latitude_longitude", "polar_stereographic"};
    int m = (int)in->mapping;
    PyObject *v = PyUnicode_FromString(m >= 0 && m <= 3 ? kinds[m] : "none");
    if (v == NULL || PyDict_SetItemString(d, "mapping", v) < 0) {
        Py_XDECREF(v);
        Py_DECREF(d);
        return NULL;
    }
    Py_DECREF(v);
    return d;
}

/* Fill two float64 buffers of n1 and n2 values with fn(grid, a, b). */
typedef int (*grid_fill)(const fst24_grid *, double *, double *);

static PyObject *grid_fill_two(GridObject *self, PyObject *args, const char *what, Py_ssize_t n1, Py_ssize_t n2,
                               grid_fill fn) {
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "OO", &a, &b)) return NULL;
    Py_buffer va, vb;
    if (PyObject_GetBuffer(a, &va, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (PyObject_GetBuffer(b, &vb, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) {
        PyBuffer_Release(&va);
        return NULL;
    }
    if (va.len != n1 * 8 || vb.len != n2 * 8) {
        PyBuffer_Release(&va);
        PyBuffer_Release(&vb);
        return raise_invalid("%s: buffers must hold %zd and %zd float64 values", what, n1, n2);
    }
    int st;
    Py_BEGIN_ALLOW_THREADS
        st = fn(self->g, va.buf, vb.buf);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&va);
    PyBuffer_Release(&vb);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

/* latlon(lat, lon, threads=1): two C-contiguous buffers of ni*nj float64 or float32 values
 * (both the same type), rows shared out among `threads` threads (0: one per core). */
static PyObject *Grid_latlon(GridObject *self, PyObject *args) {
    const Py_ssize_t n = (Py_ssize_t)self->info.ni * self->info.nj;
    PyObject *a, *b;
    int threads = 1;
    if (!PyArg_ParseTuple(args, "OO|i:latlon", &a, &b, &threads)) return NULL;
    Py_buffer va, vb;
    if (PyObject_GetBuffer(a, &va, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    if (PyObject_GetBuffer(b, &vb, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&va);
        return NULL;
    }
    const char fa = va.format ? va.format[va.format[0] == '<' || va.format[0] == '=' ? 1 : 0] : 'B';
    const char fb = vb.format ? vb.format[vb.format[0] == '<' || vb.format[0] == '=' ? 1 : 0] : 'B';
    const int single = fa == 'f';
    if (fa != fb || (fa != 'd' && fa != 'f') || va.len != n * va.itemsize || vb.len != n * vb.itemsize) {
        PyBuffer_Release(&va);
        PyBuffer_Release(&vb);
        return raise_invalid("latlon: buffers must both hold %zd float64 or %zd float32 values", n, n);
    }
    int st;
    Py_BEGIN_ALLOW_THREADS
        st = single ? fst24_grid_latlon_float(self->g, va.buf, vb.buf, threads)
                    : fst24_grid_latlon_threads(self->g, va.buf, vb.buf, threads);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&va);
    PyBuffer_Release(&vb);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

static PyObject *Grid_axes(GridObject *self, PyObject *args) {
    return grid_fill_two(self, args, "axes", self->info.ni, self->info.nj, fst24_grid_axes);
}

static PyObject *Grid_bounds(GridObject *self, PyObject *args) {
    const Py_ssize_t n = 4 * (Py_ssize_t)self->info.ni * self->info.nj;
    return grid_fill_two(self, args, "bounds", n, n, fst24_grid_bounds);
}

static PyMethodDef Grid_methods[] = {
    {"describe", (PyCFunction)Grid_describe, METH_NOARGS, "Description of the grid as a dict (fst24_grid_info)."},
    {"latlon", (PyCFunction)Grid_latlon, METH_VARARGS,
     "Fill (lat, lon) float64 or float32 buffers of ni*nj values (threads=1)."},
    {"axes", (PyCFunction)Grid_axes, METH_VARARGS, "Fill the 1-D projection axes (x: ni, y: nj values)."},
    {"bounds", (PyCFunction)Grid_bounds, METH_VARARGS, "Fill cell corners (4*ni*nj values each)."},
    {NULL, NULL, 0, NULL}};

static PyTypeObject Grid_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "fst24._core.Grid",
    .tp_basicsize = sizeof(GridObject),
    .tp_dealloc = (destructor)Grid_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A horizontal grid (immutable; built by grid_from_record, grid_new, grid_new_axes).",
    .tp_methods = Grid_methods,
};

/* ------------------------------------------------------------------------ */
/* VGrid                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD fst24_vgrid *vg;
} VGridObject;

static void VGrid_dealloc(VGridObject *self) {
    fst24_vgrid_free(self->vg);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject VGrid_Type;

static PyObject *vgrid_wrap(fst24_vgrid *vg) {
    VGridObject *o = PyObject_New(VGridObject, &VGrid_Type);
    if (o == NULL) {
        fst24_vgrid_free(vg);
        return NULL;
    }
    o->vg = vg;
    return (PyObject *)o;
}

typedef int (*vgrid_from_rec)(fst24_file *, const fst24_record *, fst24_vgrid **);

static PyObject *vgrid_from(PyObject *arg, vgrid_from_rec fn, const char *what) {
    if (!Record_Check(arg)) return raise_invalid("%s() needs a Record", what);
    RecordObject *ro = (RecordObject *)arg;
    FileObject *fo = record_owner(ro);
    if (fo == NULL) return NULL;
    fst24_record rec = ro->rec;
    fst24_vgrid *vg = NULL;
    int st = 0;
    FILE_CALL(fo, 0, st, fn(fo->f, &rec, &vg));
    if (st < 0) return NULL;
    return vgrid_wrap(vg);
}

/* vgrid_find(data record) -> VGrid describing the record's levels (see fst24_vgrid_find). */
static PyObject *mod_vgrid_find(PyObject *self, PyObject *arg) {
    (void)self;
    return vgrid_from(arg, fst24_vgrid_find, "vgrid_find");
}

/* vgrid_from_record("!!" record) -> VGrid */
static PyObject *mod_vgrid_from_record(PyObject *self, PyObject *arg) {
    (void)self;
    return vgrid_from(arg, fst24_vgrid_from_record, "vgrid_from_record");
}

/* vgrid_from_table(vcode, ni, nj, table float64 buf) -> VGrid */
static PyObject *mod_vgrid_from_table(PyObject *self, PyObject *args) {
    (void)self;
    int vcode, ni, nj;
    PyObject *obj;
    if (!PyArg_ParseTuple(args, "iiiO:vgrid_from_table", &vcode, &ni, &nj, &obj)) return NULL;
    Py_buffer t;
    if (PyObject_GetBuffer(obj, &t, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (ni < 1 || nj < 1 || t.len != (Py_ssize_t)ni * nj * 8) {
        PyBuffer_Release(&t);
        return raise_invalid("vgrid_from_table: a %dx%d table needs %d float64 values", ni, nj, ni * nj);
    }
    fst24_vgrid *vg = NULL;
    int st = fst24_vgrid_from_table(vcode, ni, nj, t.buf, &vg);
    PyBuffer_Release(&t);
    if (st < 0) return raise_status(st);
    return vgrid_wrap(vg);
}

static PyObject *nan_or(double v) { return PyFloat_FromDouble(v); }

static PyObject *VGrid_info(VGridObject *self, PyObject *unused) {
    (void)unused;
    fst24_vgrid_info in;
    int st = fst24_vgrid_get_info(self->vg, &in);
    if (st < 0) return raise_status(st);
    PyObject *rc =
        Py_BuildValue("(NNNN)", nan_or(in.rcoef[0]), nan_or(in.rcoef[1]), nan_or(in.rcoef[2]), nan_or(in.rcoef[3]));
    if (rc == NULL) return NULL;
    return Py_BuildValue("{s:i,s:i,s:i,s:s,s:i,s:O,s:O,s:O,s:d,s:d,s:N,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:d,s:d,s:d,"
                         "s:(ii),s:s,s:s,s:s,s:s,s:L}",
                         "vcode", (int)in.vcode, "kind", in.kind, "version", in.version, "description",
                         in.description ? in.description : "", "ip1_kind", in.ip1_kind, "log_pressure",
                         in.log_pressure ? Py_True : Py_False, "height", in.height ? Py_True : Py_False, "legacy",
                         in.legacy ? Py_True : Py_False, "ptop", in.ptop, "pref", in.pref, "rcoef", rc, "ref_name",
                         in.ref_name, "ref_name2", in.ref_name2, "nl_m", (int)in.nl_m, "nl_t", (int)in.nl_t, "nl_w",
                         (int)in.nl_w, "dipm", (int)in.dipm, "dipt", (int)in.dipt, "dipw", (int)in.dipw, "dhm", in.dhm,
                         "dht", in.dht, "dhw", in.dhw, "table_shape", (int)in.table_ni, (int)in.table_nj,
                         "cf_standard_name", in.cf_standard_name ? in.cf_standard_name : "", "cf_formula",
                         in.cf_formula ? in.cf_formula : "", "cf_formula_terms",
                         in.cf_formula_terms ? in.cf_formula_terms : "", "cf_positive",
                         in.cf_positive ? in.cf_positive : "", "record_key", (long long)in.record_key);
}

/* levels(family) -> (ip1 list, a list, b list, c list) of one level family (1, 2, 3). */
static PyObject *VGrid_levels(VGridObject *self, PyObject *arg) {
    long fam = PyLong_AsLong(arg);
    if (fam == -1 && PyErr_Occurred()) return NULL;
    if (fam < FST24_VLEVEL_MOMENTUM || fam > FST24_VLEVEL_VVEL)
        return raise_invalid("level family must be 1, 2 or 3, not %ld", fam);
    int32_t n = 0;
    int st = fst24_vgrid_levels(self->vg, (fst24_vlevel_family)fam, NULL, NULL, NULL, NULL, 0, &n);
    if (st < 0) return raise_status(st);
    size_t m = n > 0 ? (size_t)n : 1;
    int32_t *ip = PyMem_Malloc(m * sizeof *ip);
    double *a = PyMem_Malloc(m * sizeof *a), *b = PyMem_Malloc(m * sizeof *b), *c = PyMem_Malloc(m * sizeof *c);
    PyObject *res = NULL, *lists[4] = {NULL, NULL, NULL, NULL};
    if (!ip || !a || !b || !c) {
        PyErr_NoMemory();
        goto done;
    }
    st = fst24_vgrid_levels(self->vg, (fst24_vlevel_family)fam, ip, a, b, c, n, &n);
    if (st < 0) {
        raise_status(st);
        goto done;
    }
    for (int k = 0; k < 4; k++)
        if ((lists[k] = PyList_New(n)) == NULL) goto done;
    for (int32_t k = 0; k < n; k++) {
        PyObject *v[4] = {PyLong_FromLong(ip[k]), PyFloat_FromDouble(a[k]), PyFloat_FromDouble(b[k]),
                          PyFloat_FromDouble(c[k])};
        for (int q = 0; q < 4; q++) {
            if (v[q] == NULL) {
                for (int r = q + 1; r < 4; r++) Py_XDECREF(v[r]);
                goto done;
            }
            PyList_SET_ITEM(lists[q], k, v[q]);
        }
    }
    res = PyTuple_Pack(4, lists[0], lists[1], lists[2], lists[3]);
done:
    for (int k = 0; k < 4; k++) Py_XDECREF(lists[k]);
    PyMem_Free(ip);
    PyMem_Free(a);
    PyMem_Free(b);
    PyMem_Free(c);
    return res;
}

/* lookup(ip1) -> (family, index, a, b, c, diagnostic) or None if not a level of this descriptor. */
static PyObject *VGrid_lookup(VGridObject *self, PyObject *arg) {
    long ip = PyLong_AsLong(arg);
    if (ip == -1 && PyErr_Occurred()) return NULL;
    if (ip < INT32_MIN || ip > INT32_MAX) return raise_invalid("ip1 %ld out of range", ip);
    fst24_vlevel_family fam;
    int32_t index;
    double a, b, c;
    int diag;
    int st = fst24_vgrid_lookup(self->vg, (int32_t)ip, &fam, &index, &a, &b, &c, &diag);
    if (st == FST24_E_NO_RECORD) {
        fst24_clear_error();
        Py_RETURN_NONE;
    }
    if (st < 0) return raise_status(st);
    return Py_BuildValue("iidddO", (int)fam, (int)index, a, b, c, diag ? Py_True : Py_False);
}

static PyMethodDef VGrid_methods[] = {
    {"info", (PyCFunction)VGrid_info, METH_NOARGS, "Description of the descriptor as a dict (fst24_vgrid_info)."},
    {"levels", (PyCFunction)VGrid_levels, METH_O,
     "(ip1, a, b, c) lists of a level family (1 momentum, 2 thermo, 3 w)."},
    {"lookup", (PyCFunction)VGrid_lookup, METH_O, "(family, index, a, b, c, diagnostic) of an ip1, or None."},
    {NULL, NULL, 0, NULL}};

static PyTypeObject VGrid_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "fst24._core.VGrid",
    .tp_basicsize = sizeof(VGridObject),
    .tp_dealloc = (destructor)VGrid_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A vertical descriptor (immutable; built by vgrid_find, vgrid_from_record, vgrid_from_table).",
    .tp_methods = VGrid_methods,
};

/* grid_latlon(record, lat float64 buf, lon float64 buf): ni*nj values each. */
static PyObject *mod_grid_latlon(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *r, *a, *b;
    if (!PyArg_ParseTuple(args, "O!OO:grid_latlon", &Record_Type, &r, &a, &b)) return NULL;
    RecordObject *ro = (RecordObject *)r;
    FileObject *fo = record_owner(ro);
    if (fo == NULL) return NULL;
    Py_buffer lat, lon;
    if (core_get_buffer(a, &lat, 1, 8, "lat") < 0) return NULL;
    if (core_get_buffer(b, &lon, 1, 8, "lon") < 0) {
        PyBuffer_Release(&lat);
        return NULL;
    }
    Py_ssize_t need = (Py_ssize_t)ro->rec.ni * ro->rec.nj;
    if (lat.len / 8 != need || lon.len / 8 != need) {
        PyBuffer_Release(&lat);
        PyBuffer_Release(&lon);
        return raise_invalid("grid_latlon: buffers must hold ni*nj = %zd values", need);
    }
    fst24_record rec = ro->rec;
    int st = 0, closed = 0;
    Py_BEGIN_ALLOW_THREADS
        lock_shared(fo);
        if (fo->f == NULL)
            closed = 1;
        else {
            fst24_grid *g = NULL;
            st = fst24_grid_from_record(fo->f, &rec, &g);
            if (st >= 0) st = fst24_grid_latlon(g, lat.buf, lon.buf);
            fst24_grid_free(g);
        }
        unlock(fo);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&lat);
    PyBuffer_Release(&lon);
    if (closed) return raise_closed(fo);
    if (st < 0) return raise_status(st);
    Py_RETURN_NONE;
}

/* xg_to_ig(grtyp, xg1, xg2, xg3, xg4) -> (ig1, ig2, ig3, ig4) as librmn's cxgaig. */
static PyObject *mod_xg_to_ig(PyObject *self, PyObject *args) {
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
static PyObject *mod_ig_to_xg(PyObject *self, PyObject *args) {
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

PyMethodDef grid_methods[] = {
    {"xg_to_ig", mod_xg_to_ig, METH_VARARGS, "Real grid descriptors to ig1..ig4."},
    {"ig_to_xg", mod_ig_to_xg, METH_VARARGS, "ig1..ig4 to real grid descriptors."},
    {"grid_latlon", mod_grid_latlon, METH_VARARGS, "Latitudes and longitudes of a record's grid."},
    {"grid_from_record", mod_grid_from_record, METH_O, "Grid of a record read from a file."},
    {"grid_new", mod_grid_new, METH_VARARGS, "Grid of a self-contained type from its header values."},
    {"grid_new_axes", mod_grid_new_axes, METH_VARARGS, "Z or Y grid from axes held in memory."},
    {"vgrid_find", mod_vgrid_find, METH_O, "Vertical descriptor of a data record."},
    {"vgrid_from_record", mod_vgrid_from_record, METH_O, "Vertical descriptor of a '!!' record."},
    {"vgrid_from_table", mod_vgrid_from_table, METH_VARARGS, "Vertical descriptor of a '!!' table."},
    {NULL, NULL, 0, NULL}};

int grid_types_ready(PyObject *module) {
    if (PyType_Ready(&Grid_Type) < 0 || PyType_Ready(&VGrid_Type) < 0) return -1;
    Py_INCREF(&Grid_Type);
    if (PyModule_AddObject(module, "Grid", (PyObject *)&Grid_Type) < 0) {
        Py_DECREF(&Grid_Type);
        return -1;
    }
    Py_INCREF(&VGrid_Type);
    if (PyModule_AddObject(module, "VGrid", (PyObject *)&VGrid_Type) < 0) {
        Py_DECREF(&VGrid_Type);
        return -1;
    }
    return 0;
}
