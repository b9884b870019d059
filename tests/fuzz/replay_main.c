/* Runs the fuzz target over files (no libFuzzer needed): used by ctest, and to replay a
 * crash input.
 *
 *   fst24_fuzz_replay FILE|DIR... [--corpus]
 *
 * A directory stands for every file in it except the dumps and notes (.jsonl .md .tsv .txt
 * .py). --corpus adds ref/ and real/ of the shared corpus ($FST24_CORPUS, else the one CMake
 * found, $FST24_CORPUS_DEFAULT) when it is there, and says so when it is not. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    size_t got = b ? fread(b, 1, (size_t)n, fp) : 0;
    fclose(fp);
    if (!b) return -1;
    LLVMFuzzerTestOneInput(b, got);
    free(b);
    return 1;
}

static int is_data_file(const char *name) {
    static const char *skip[] = {".jsonl", ".md", ".tsv", ".txt", ".py"};
    size_t l = strlen(name);
    if (name[0] == '.') return 0;
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++) {
        size_t s = strlen(skip[i]);
        if (l >= s && strcmp(name + l - s, skip[i]) == 0) return 0;
    }
    return 1;
}

/* Every regular data file of `dir` (not recursive); -1 on error. */
static int replay_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "cannot list %s\n", dir);
        return -1;
    }
    int ran = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!is_data_file(e->d_name) || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        int r = replay_file(path);
        if (r < 0) {
            closedir(d);
            return -1;
        }
        ran += r;
    }
    closedir(d);
    return ran;
}

static int replay(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return replay_dir(path);
    return replay_file(path);
}

int main(int argc, char **argv) {
    int ran = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if (strcmp(argv[i], "--corpus") == 0) {
            const char *c = getenv("FST24_CORPUS");
            if (!c || !*c) c = getenv("FST24_CORPUS_DEFAULT");
            char ref[4096], real[4096];
            snprintf(ref, sizeof ref, "%s/ref", c ? c : "");
            snprintf(real, sizeof real, "%s/real", c ? c : "");
            struct stat st;
            if (!c || !*c || stat(ref, &st) != 0) {
                printf("shared corpus not found at %s: replayed the other inputs only\n", c ? c : "(unset)");
                continue;
            }
            int a = replay_dir(ref), b = replay_dir(real);
            r = a < 0 || b < 0 ? -1 : a + b;
        } else {
            r = replay(argv[i]);
        }
        if (r < 0) return 1;
        ran += r;
    }
    printf("%d passed, 0 failed\n", ran);
    return 0;
}
