/* The machine's FMA peak for the bench's "fraction of peak" column.

   Each thread runs 12 independent chains of 8-lane float FMAs (acc = acc * m + c): enough
   chains to hide the FMA latency on two pipes, so the loop runs at the core's FMA throughput.
   Returns GFLOP/s (2 flops per lane per FMA), or 0 when AVX2/FMA is not compiled in. */
#include <omp.h>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

#define CHAINS 12

double torsh_bench_fma_gflops(int threads, long iterations)
{
#if defined(__AVX2__) && defined(__FMA__)
    volatile float sink = 0.0f;
    double start = omp_get_wtime();
#pragma omp parallel num_threads(threads)
    {
        __m256 acc[CHAINS];
        const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
        for (int k = 0; k < CHAINS; k++)
            acc[k] = _mm256_set1_ps((float)(k + omp_get_thread_num()));
        for (long i = 0; i < iterations; i++)
#pragma GCC unroll 12
            for (int k = 0; k < CHAINS; k++)
                acc[k] = _mm256_fmadd_ps(acc[k], m, c);
        __m256 total = acc[0];
        for (int k = 1; k < CHAINS; k++)
            total = _mm256_add_ps(total, acc[k]);
        float lanes[8];
        _mm256_storeu_ps(lanes, total);
#pragma omp critical
        sink += lanes[0];
    }
    double seconds = omp_get_wtime() - start;
    (void)sink;
    return 2.0 * 8 * CHAINS * (double)iterations * threads / seconds / 1e9;
#else
    (void)threads;
    (void)iterations;
    return 0.0;
#endif
}
