/* Runs the fuzz target over the files named on the command line (no libFuzzer
 * needed): used by ctest on the corpus, and to replay a crash input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
    int ran = 0;
    for (int i = 1; i < argc; i++) {
        FILE *fp = fopen(argv[i], "rb");
        if (!fp) { fprintf(stderr, "cannot read %s\n", argv[i]); return 1; }
        fseek(fp, 0, SEEK_END);
        long n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
        size_t got = fread(b, 1, (size_t)n, fp);
        fclose(fp);
        LLVMFuzzerTestOneInput(b, got);
        free(b);
        ran++;
    }
    printf("%d passed, 0 failed\n", ran);
    return 0;
}
