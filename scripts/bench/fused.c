/* The fused element-wise loop out[i] = relu(a[i] * b[i] + c[i]) over N f32,
 * the baseline for examples/bench/fma_relu_16m.mlir: one pass over memory,
 * the best a compiler can do for that graph. Built by
 * scripts/bench_compare.py with `gcc -O3 -march=native`.
 *
 * Usage: fused [N] [RUNS]   (defaults 16777216 and 10)
 * Prints: `best <us> us, median <us> us, <runs> runs, <GB/s> GB/s, checksum <x>`
 * (GB/s counts 16 bytes moved per element: three loads and a store.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* noinline: each timed run must do the whole loop again. */
__attribute__((noinline)) static void fused(const float *restrict a, const float *restrict b,
                                            const float *restrict c, float *restrict out,
                                            size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = a[i] * b[i] + c[i];
        out[i] = v > 0.0f ? v : 0.0f;
    }
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static float *alloc_floats(size_t n) {
    float *p = aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
    if (!p) {
        fprintf(stderr, "fused: out of memory for %zu floats\n", n);
        exit(1);
    }
    return p;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 16777216u;
    int runs = argc > 2 ? atoi(argv[2]) : 10;
    if (n == 0 || runs < 1) {
        fprintf(stderr, "usage: fused [N > 0] [RUNS > 0]\n");
        return 2;
    }
    float *a = alloc_floats(n), *b = alloc_floats(n), *c = alloc_floats(n), *out = alloc_floats(n);
    /* Deterministic values in [-1, 1): about half the sums are negative. */
    unsigned int s = 12345u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        a[i] = (float)(s >> 8) / 8388608.0f - 1.0f;
        s = s * 1664525u + 1013904223u;
        b[i] = (float)(s >> 8) / 8388608.0f - 1.0f;
        s = s * 1664525u + 1013904223u;
        c[i] = (float)(s >> 8) / 8388608.0f - 1.0f;
    }
    fused(a, b, c, out, n); /* warm-up: pages touched, caches as in later runs */
    double *times = malloc(sizeof(double) * (size_t)runs);
    for (int r = 0; r < runs; r++) {
        double t0 = now_us();
        fused(a, b, c, out, n);
        times[r] = now_us() - t0;
    }
    qsort(times, (size_t)runs, sizeof(double), cmp_double);
    double checksum = 0.0;
    for (size_t i = 0; i < n; i++) checksum += out[i];
    double best = times[0], median = times[runs / 2];
    printf("best %.1f us, median %.1f us, %d runs, %.2f GB/s, checksum %.6g\n", best, median, runs,
           16.0 * (double)n / (best * 1e3), checksum);
    free(times);
    free(a);
    free(b);
    free(c);
    free(out);
    return 0;
}
