/* When a matrix product runs on several threads (gemm.c, gemm_int.c). */
#ifndef TORSH_GEMM_THREADS_H
#define TORSH_GEMM_THREADS_H

#include "internal.h"

/* Products with fewer multiply-adds than this run on one thread: below it, waking the pool
   and packing B once per thread cost more than a second thread saves. With idle threads
   spinning briefly before they sleep (GOMP_SPINCOUNT, see _library.py) two threads pay off
   from about 100^3 (128^3: 49 us on one thread, 30 us on two; 2 shared cores; at 64^3 a
   second thread sometimes helps, sometimes costs). */
#define GEMM_PARALLEL_MACS (1 << 20)

/* threads = the pool's size for large work outside a parallel region, else 1 */
#ifdef _OPENMP
#define GEMM_THREADS(threads, macs)                                                          \
    if ((macs) >= GEMM_PARALLEL_MACS && !omp_in_parallel()) threads = omp_get_max_threads();
#else
#define GEMM_THREADS(threads, macs) (void)(macs);
#endif

#endif
