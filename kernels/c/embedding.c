/* Embedding kernels: row lookups (any dtype, copied as bytes), their scatter-add gradient,
   and embedding_bag's sum / mean / max over bags of rows with its gradient.

   Lookups run in parallel over output rows for large work; the scatter-adds run on one
   thread (two entries may hit one row). Bag sums accumulate in double in entry order, as
   the reference's Python loop does, and round once. */
#include <string.h>

#include "internal.h"
#include "torsh_embedding.h"

int torsh_embedding_rows(int64_t n, int64_t row_bytes, const uint8_t *weight,
                         const int64_t *idx, uint8_t *out) {
    TORSH_FOR(k, n, n * row_bytes >= 4 * TORSH_PARALLEL_GRAIN,
              memcpy(out + k * row_bytes, weight + idx[k] * row_bytes, (size_t)row_bytes););
    return 0;
}

#define DEFINE_EMBEDDING(T, S)                                                                 \
    static double dot_##S(const T *a, const T *b, int64_t width) {                             \
        double total = 0;                                                                      \
        for (int64_t d = 0; d < width; d++) total += (double)a[d] * (double)b[d];              \
        return total;                                                                          \
    }                                                                                          \
                                                                                               \
    int torsh_embedding_backward_##S(int64_t n, int64_t rows, int64_t width, const T *g,       \
                                     const int64_t *idx, int64_t padding, const T *counts,     \
                                     T *grad_weight) {                                         \
        memset(grad_weight, 0, sizeof(T) * (size_t)(rows * width));                            \
        for (int64_t k = 0; k < n; k++) {                                                      \
            int64_t r = idx[k];                                                                \
            if (r == padding) continue;                                                        \
            T *dst = grad_weight + r * width;                                                  \
            const T *src = g + k * width;                                                      \
            if (counts) {                                                                      \
                T c = counts[r];                                                               \
                for (int64_t d = 0; d < width; d++) dst[d] += src[d] / c;                      \
            } else {                                                                           \
                for (int64_t d = 0; d < width; d++) dst[d] += src[d];                          \
            }                                                                                  \
        }                                                                                      \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    int torsh_embedding_bag_##S(int64_t bags, int64_t width, const T *weight,                  \
                                const int64_t *idx, const int64_t *starts,                     \
                                const int64_t *ends, const T *psw, int64_t padding, int mode,  \
                                T *out, int64_t *winners) {                                    \
        TORSH_FOR(b, bags, bags * width >= TORSH_PARALLEL_GRAIN, {                              \
            T *o = out + b * width;                                                            \
            for (int64_t d = 0; d < width; d++) {                                              \
                double total = 0;                                                              \
                int64_t count = 0, best = -1;                                                  \
                for (int64_t k = starts[b]; k < ends[b]; k++) {                                \
                    int64_t r = idx[k];                                                        \
                    if (r == padding) continue;                                                \
                    T v = weight[r * width + d];                                               \
                    if (mode == 2) {                                                           \
                        if (count == 0 || v > (T)total) { total = v; best = r; }               \
                    } else {                                                                   \
                        total += (psw ? (double)psw[k] : 1.0) * (double)v;                     \
                    }                                                                          \
                    count++;                                                                   \
                }                                                                              \
                if (mode == 1 && count) total /= (double)count;                                \
                o[d] = (T)total;                                                               \
                if (mode == 2) winners[b * width + d] = best;                                  \
            }                                                                                  \
        });                                                                                    \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    int torsh_embedding_bag_backward_##S(                                                      \
        int64_t bags, int64_t n, int64_t rows, int64_t width, const T *g, const T *weight,     \
        const int64_t *idx, const int64_t *starts, const int64_t *ends, const T *psw,          \
        int64_t padding, int mode, const int64_t *winners, const T *counts, T *grad_weight,    \
        T *dpsw) {                                                                             \
        memset(grad_weight, 0, sizeof(T) * (size_t)(rows * width));                            \
        if (dpsw)                                                                              \
            for (int64_t k = 0; k < n; k++) dpsw[k] = 0;                                       \
        for (int64_t b = 0; b < bags; b++) {                                                   \
            const T *gb = g + b * width;                                                       \
            if (mode == 2) {                                                                   \
                for (int64_t d = 0; d < width; d++) {                                          \
                    int64_t r = winners[b * width + d];                                        \
                    if (r >= 0 && r < rows) grad_weight[r * width + d] += gb[d];               \
                }                                                                              \
                continue;                                                                      \
            }                                                                                  \
            int64_t kept = 0;                                                                  \
            for (int64_t k = starts[b]; k < ends[b]; k++) kept += idx[k] != padding;           \
            for (int64_t k = starts[b]; k < ends[b]; k++) {                                    \
                int64_t r = idx[k];                                                            \
                if (dpsw) /* a padding entry: 0 * its dot, as the reference */                 \
                    dpsw[k] = (T)(dot_##S(gb, weight + r * width, width) * (r != padding));    \
                if (r == padding) continue;                                                    \
                T scale = mode == 1 ? (T)1 / (T)kept : (psw ? psw[k] : (T)1);                  \
                T *dst = grad_weight + r * width;                                              \
                for (int64_t d = 0; d < width; d++) {                                          \
                    T share = gb[d] * scale;                                                   \
                    dst[d] += counts ? share / counts[r] : share;                              \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
        /* entries after the last bag: the reference's 0 * (their dot with the last bag's      \
           gradient), NaN when that dot is */                                                  \
        if (dpsw && bags > 0)                                                                  \
            for (int64_t k = ends[bags - 1]; k < n; k++)                                       \
                dpsw[k] = (T)(dot_##S(g + (bags - 1) * width, weight + idx[k] * width,        \
                                      width) * 0.0);                                          \
        return 0;                                                                              \
    }

DEFINE_EMBEDDING(float, f32)
DEFINE_EMBEDDING(double, f64)
