/* Sparse weighted sums along one dim (torsh_taps.h): each output row j of a dim is a short
   list of (source row, weight) taps, the same for every (outer, inner) position. This is
   interpolate's whole arithmetic (nearest: one tap of weight 1; linear: two; cubic: four;
   area: a window of equal weights), one spatial dim at a time, and, with the taps of the
   transposed matrix, its gradient.

   The walk: threads split the (outer, j) rows; a row sums its taps over a block of inner
   positions at a time in a double accumulator (contiguous inner runs vectorise), then
   rounds the block into the output. */
#include "internal.h"
#include "torsh_taps.h"

#define INNER_BLOCK 256

/* 0 when start is non-decreasing from 0 and every source lies in [0, size_in). */
static int check_taps(int64_t size_in, int64_t size_out, const int64_t *start,
                      const int64_t *source) {
    if (start[0] != 0) return 1;
    for (int64_t j = 0; j < size_out; j++)
        if (start[j + 1] < start[j]) return 1;
    for (int64_t k = 0; k < start[size_out]; k++)
        if (source[k] < 0 || source[k] >= size_in) return 1;
    return 0;
}

#define DEFINE_TAPS(SUF, TIN, TOUT)                                                                \
    int torsh_taps_##SUF(int64_t outer, int64_t size_in, int64_t inner, const TIN *x,              \
                         const int64_t *xs, int64_t size_out, const int64_t *start,                \
                         const int64_t *source, const double *weight, int from_zero,               \
                         TOUT *out) {                                                              \
        if (outer < 0 || size_in < 0 || inner < 0 || size_out < 0 ||                               \
            check_taps(size_in, size_out, start, source))                                          \
            return 1;                                                                              \
        int64_t rows = outer * size_out;                                                           \
        int big = rows * inner * (start[size_out] / (size_out ? size_out : 1) + 1)                 \
                  >= TORSH_PARALLEL_GRAIN;                                                         \
        TORSH_FOR(r, rows, big, {                                                                  \
            int64_t o = r / size_out, j = r % size_out;                                            \
            const TIN *plane = x + o * xs[0];                                                      \
            TOUT *row = out + r * inner;                                                           \
            double acc[INNER_BLOCK];                                                               \
            for (int64_t i0 = 0; i0 < inner; i0 += INNER_BLOCK) {                                  \
                int64_t width = inner - i0 < INNER_BLOCK ? inner - i0 : INNER_BLOCK;               \
                int64_t k = start[j];                                                              \
                if (from_zero || k == start[j + 1]) {                                              \
                    for (int64_t i = 0; i < width; i++) acc[i] = 0.0;                              \
                } else {                                                                           \
                    const TIN *p = plane + source[k] * xs[1] + i0 * xs[2];                         \
                    double w = weight[k++];                                                        \
                    for (int64_t i = 0; i < width; i++) acc[i] = w * (double)p[i * xs[2]];         \
                }                                                                                  \
                for (; k < start[j + 1]; k++) {                                                    \
                    const TIN *p = plane + source[k] * xs[1] + i0 * xs[2];                         \
                    double w = weight[k];                                                          \
                    if (xs[2] == 1)                                                                \
                        for (int64_t i = 0; i < width; i++) acc[i] += w * (double)p[i];            \
                    else                                                                           \
                        for (int64_t i = 0; i < width; i++) acc[i] += w * (double)p[i * xs[2]];    \
                }                                                                                  \
                for (int64_t i = 0; i < width; i++) row[i0 + i] = (TOUT)acc[i];                   \
            }                                                                                      \
        });                                                                                        \
        return 0;                                                                                  \
    }

DEFINE_TAPS(f32_f32, float, float)
DEFINE_TAPS(f32_f64, float, double)
DEFINE_TAPS(f64_f32, double, float)
DEFINE_TAPS(f64_f64, double, double)
