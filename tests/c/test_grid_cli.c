/* The `fst24 grid` command: output for the reference files, --where
 * selection, --vertical, and error exits. */
#include <sys/wait.h>
#include "test_grid_util.h"

/* Run the CLI with `args`; returns its exit status and the stdout text. */
static int run(const char *args, char *out, size_t n)
{
    const char *cli = getenv("FST24_CLI");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", cli ? cli : "./fst24", args);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t got = fread(out, 1, n - 1, p);
    out[got] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
    static char out[1 << 16];
    char args[1400];
    int rc;
    if (tu_corpus_part("`fst24 grid` on the corpus files")) {
        snprintf(args, sizeof args, "grid %s/ref/model.xdf.fst --vertical", tu_corpus());
        rc = run(args, out, sizeof out);
        CHECK(rc == 0 && strstr(out, "grid 1: Z 160 x 120  ig 37000 48000 0 0") && strstr(out, "reference: E  ig 1470 560 54400 46560") &&
              strstr(out, "rotated_latitude_longitude") && strstr(out, "vertical: vcode 5005") && !strstr(out, "grid 2:"),
              "model grid output (rc %d):\n%s", rc, out);
        /* corner (1,1) of librmn's gdll for this grid: 35.3634, 231.946 */
        CHECK(strstr(out, "(1,1) (35.3634") && strstr(out, "231.94"), "model corner (1,1)");
        snprintf(args, sizeof args, "grid --where nomvar=P0 %s/ref/grids.xdf.fst", tu_corpus());
        rc = run(args, out, sizeof out);
        CHECK(rc == 0 && strstr(out, ": N 101 x 101") && strstr(out, ": S 51 x 51") && strstr(out, "polar_stereographic") && !strstr(out, ": Z "),
              "--where nomvar=P0 selects the N and S grids (rc %d):\n%s", rc, out);
        snprintf(args, sizeof args, "grid %s/ref/latlon/synth_irregular.fst", tu_corpus());
        rc = run(args, out, sizeof out);
        CHECK(rc == 0 && strstr(out, ": U 94 x 64") && strstr(out, "super-grid: 2 sub-grids") && strstr(out, ": # 10 x 8") &&
              strstr(out, "tile: first point at (5, 9)"), "irregular grids (rc %d):\n%s", rc, out);
        /* Y on an E reference: librmn refuses it too; reported, not fatal */
        CHECK(strstr(out, "lat/lon: unavailable"), "Y on E reported as unavailable");
        /* descriptors only: implied Z grids, !! tables with --vertical */
        snprintf(args, sizeof args, "grid %s/real/ECCC-ASTD-MRD_fst-tools__utils_zcrop_sous-grille.fst", tu_corpus());
        rc = run(args, out, sizeof out);
        CHECK(rc == 0 && strstr(out, "Z 30 x 11  ig 1001 1002 1004 0") && strstr(out, "implied by >> and ^^"), "implied grids (rc %d):\n%s", rc, out);
        snprintf(args, sizeof args, "grid --vertical %s/real/ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_all_sorts_of_toc", tu_corpus());
        rc = run(args, out, sizeof out);
        CHECK(rc == 0 && strstr(out, "vcode 5003") && strstr(out, "vcode 2001 (pressure), 50 momentum"), "!! listing (rc %d):\n%s", rc, out);
        /* X grid with linked 2-D positionals stored as raw 32-bit words (SPI) */
        snprintf(args, sizeof args, "grid %s/real/ECCC-ASTD-MRD_SPI__SPI_data_ModelDomain_canso100.fst", tu_corpus());
        rc = run(args, out, sizeof out);
        CHECK(rc == 0 && strstr(out, "X 714 x 479") && strstr(out, "lat: min 45.300076"), "X grid with positionals (rc %d):\n%s", rc, out);
    }
    rc = run("grid /nonexistent/file.fst", out, sizeof out);
    CHECK(rc == 1, "missing file exits 1 (got %d)", rc);
    rc = run("grid --bogus x", out, sizeof out);
    CHECK(rc == 2, "unknown option exits 2 (got %d)", rc);
    snprintf(args, sizeof args, "grid --where nomvar=ZZZZ %s/model.xdf.fst", tu_testdata());
    rc = run(args, out, sizeof out);
    CHECK(rc == 1, "no matching record exits 1 (got %d)", rc);
    return finish();
}
