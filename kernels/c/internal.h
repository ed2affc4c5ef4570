/* What the kernel sources share (not part of the ABI): includes, the n-d walk, threading. */
#ifndef TORSH_INTERNAL_H
#define TORSH_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "torsh.h"

#define TORSH_ABI_VERSION 1
#define TORSH_INLINE static inline __attribute__((always_inline))

/* Work is cut into blocks of this many elements of a row; a kernel runs its blocks on
   several threads only when there are at least TORSH_PARALLEL_GRAIN elements in all,
   since starting a parallel region costs more than small work saves. */
#define TORSH_BLOCK 8192
#define TORSH_PARALLEL_GRAIN 65536

/* Outputs of at least this many bytes are written with streaming stores where a kernel can
   (straight to memory, skipping the read of each line a plain store does first): such an
   output, with the inputs it is made from, is larger than the 32 MiB L3 anyway. A kernel
   that streams calls torsh_store_fence() before its threads finish. */
#define TORSH_STREAM_BYTES ((int64_t)8 << 20)
#if defined(__SSE2__)
#include <emmintrin.h>
TORSH_INLINE void torsh_store_fence(void) { _mm_sfence(); }
#else
TORSH_INLINE void torsh_store_fence(void) {}
#endif

/* for (int64_t I = 0; I < N; I++) BODY, across threads when PARALLEL is true; otherwise on the
   calling thread without entering OpenMP at all: a parallel region, even one of one thread
   (`if(0)`), costs about half a microsecond, as much as a whole small op. TORSH_FOR splits
   the range evenly; TORSH_FOR_SCHEDULED(dynamic, ...) hands out one index at a time (for
   iterations whose cost varies, or a machine shared with other processes). */
#define TORSH_PRAGMA(TEXT) _Pragma(#TEXT)
#define TORSH_FOR_SCHEDULED(SCHEDULE, I, N, PARALLEL, ...)                                     \
    do {                                                                                       \
        const int64_t torsh_for_n_ = (N);                                                      \
        if (PARALLEL) {                                                                        \
            TORSH_PRAGMA(omp parallel for schedule(SCHEDULE))                                  \
            for (int64_t I = 0; I < torsh_for_n_; I++) { __VA_ARGS__ }                         \
        } else {                                                                               \
            for (int64_t I = 0; I < torsh_for_n_; I++) { __VA_ARGS__ }                         \
        }                                                                                      \
    } while (0)
#define TORSH_FOR(I, N, PARALLEL, ...) TORSH_FOR_SCHEDULED(static, I, N, PARALLEL, __VA_ARGS__)

/* Offset of the first element of row `row` (all dims but the last) for one operand. */
TORSH_INLINE int64_t torsh_row_offset(int64_t row, int ndim, const int64_t *shape,
                                      const int64_t *strides) {
    int64_t offset = 0;
    for (int d = ndim - 2; d >= 0; d--) {
        int64_t index = row % shape[d];
        row /= shape[d];
        offset += index * strides[d];
    }
    return offset;
}

TORSH_INLINE int64_t torsh_count(int ndim, const int64_t *shape) {
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    return n;
}

#endif
