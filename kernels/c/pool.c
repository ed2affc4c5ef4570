/* Pooling kernels: the max, the mean and their adjoints over windows of IH x IW planes.

   The caller describes each dim's windows with tables (torsh_pool.h), so one kernel serves
   max_pool / adaptive_max_pool, another avg_pool / adaptive_avg_pool. Planes are independent
   and run on several threads for large inputs. Means sum in double in window order and
   divide once, as the reference does (a window row of 16 cells or more in 4 interleaved
   partial sums: a double's last bits may differ); the mean's adjoint divides each window's
   gradient once and gathers, for each input cell, the shares of the windows reading it in
   window order (the reference's scatter order). Max: the first maximum, a NaN wins. */
#include "internal.h"
#include "torsh_pool.h"

/* Whether the windows of a dim are exactly [2o, 2o + 2) (a 2-wide kernel, stride 2). */
static int pairs(int64_t count, const int64_t *lo, const int64_t *hi) {
    for (int64_t o = 0; o < count; o++)
        if (lo[o] != 2 * o || hi[o] != 2 * o + 2) return 0;
    return 1;
}

/* Max of one 2x2 window a b / c d by the reference's rule (first maximum, a NaN wins):
   the winner's position 0..3 in row-major order. */
#define MAX4(T, a, b, c, d, best, code)                                                        \
    T best = a;                                                                                \
    int code = 0;                                                                              \
    if (b > best || b != b) { best = b; code = 1; }                                            \
    if (c > best || c != c) { best = c; code = 2; }                                            \
    if (d > best || d != d) { best = d; code = 3; }

#ifdef _OPENMP
#define THREAD omp_get_thread_num()
#else
#define THREAD 0
#endif

#define DEFINE_POOL(T, S)                                                                      \
    /* sum of row[lo:hi] in double; long rows in 4 interleaved partial sums (the latency of   \
       one chain of adds would bound global average pooling) */                              \
    static double row_sum_##S(const T *row, int64_t lo, int64_t hi) {                         \
        if (hi - lo < 16) {                                                                    \
            double total = 0;                                                                  \
            for (int64_t c = lo; c < hi; c++) total += row[c];                                 \
            return total;                                                                      \
        }                                                                                      \
        double a = 0, b = 0, c = 0, d = 0;                                                     \
        int64_t i = lo;                                                                        \
        for (; i + 4 <= hi; i += 4) {                                                          \
            a += row[i];                                                                       \
            b += row[i + 1];                                                                   \
            c += row[i + 2];                                                                   \
            d += row[i + 3];                                                                   \
        }                                                                                      \
        for (; i < hi; i++) a += row[i];                                                       \
        return (a + b) + (c + d);                                                              \
    }                                                                                          \
                                                                                               \
    /* The common 2x2 window, stride 2, every window inside the plane (IH, IW >= 2 OH, 2 OW):  \
       rows of outputs read two input rows, branch-free selects. */                           \
    static void max_2x2_##S(int64_t planes, int64_t ih, int64_t iw, int64_t oh, int64_t ow,   \
                            const T *x, T *values, int64_t *indices) {                         \
        _Pragma("omp parallel for schedule(static) if(planes * ih * iw >= TORSH_PARALLEL_GRAIN)") \
        for (int64_t p = 0; p < planes; p++)                                                   \
            for (int64_t o = 0; o < oh; o++) {                                                 \
                const T *r0 = x + p * ih * iw + 2 * o * iw, *r1 = r0 + iw;                     \
                T *v = values + (p * oh + o) * ow;                                             \
                int64_t *at = indices + (p * oh + o) * ow, base = 2 * o * iw;                  \
                for (int64_t q = 0; q < ow; q++) {                                             \
                    T a = r0[2 * q], b = r0[2 * q + 1], c = r1[2 * q], d = r1[2 * q + 1];      \
                    MAX4(T, a, b, c, d, best, code)                                            \
                    v[q] = best;                                                               \
                    at[q] = base + 2 * q + (code & 1) + (code >> 1) * iw;                      \
                }                                                                              \
            }                                                                                  \
    }                                                                                          \
                                                                                               \
    /* Uniform windows along the row (kernel KW, stride SW, padding PW): a whole output row   \
       at a time, tap by tap in window order, each tap a branch-free pass over the output    \
       columns whose window holds it (values and indices rows hold the running maxima). */   \
    static void max_rows_##S(int64_t planes, const int64_t *sizes, const int64_t *tables,     \
                             const T *x, T *values, int64_t *indices) {                        \
        int64_t ih = sizes[0], iw = sizes[1], oh = sizes[2], ow = sizes[3];                    \
        int64_t dh = sizes[4], dw = sizes[5], kw = sizes[6], sw = sizes[7], pw = sizes[8];     \
        const int64_t *lo_h = tables, *hi_h = lo_h + oh, *first_h = hi_h + oh;                \
        const int64_t *first_w = first_h + oh + 2 * ow;                                        \
        _Pragma("omp parallel for schedule(static) if(planes * ih * iw >= TORSH_PARALLEL_GRAIN)") \
        for (int64_t p = 0; p < planes; p++)                                                   \
            for (int64_t o = 0; o < oh; o++) {                                                 \
                T *restrict v = values + (p * oh + o) * ow;                                    \
                int64_t *restrict at = indices + (p * oh + o) * ow;                            \
                for (int64_t q = 0; q < ow; q++) {                                             \
                    v[q] = -INFINITY;                                                          \
                    at[q] = first_h[o] * iw + first_w[q];                                      \
                }                                                                              \
                for (int64_t y = lo_h[o]; y < hi_h[o]; y += dh) {                              \
                    const T *restrict row = x + (p * ih + y) * iw;                             \
                    for (int64_t u = 0; u < kw; u++) {                                         \
                        int64_t shift = u * dw - pw;                                           \
                        int64_t lo = shift < 0 ? (-shift + sw - 1) / sw : 0;                   \
                        int64_t hi = iw - shift <= 0 ? 0 : (iw - shift - 1) / sw + 1;          \
                        if (hi > ow) hi = ow;                                                  \
                        for (int64_t q = lo; q < hi; q++) {                                    \
                            int64_t c = q * sw + shift;                                        \
                            T value = row[c];                                                  \
                            int take = value > v[q] || value != value;                         \
                            v[q] = take ? value : v[q];                                        \
                            at[q] = take ? y * iw + c : at[q];                                 \
                        }                                                                      \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
    }                                                                                          \
                                                                                               \
    int torsh_pool_max_##S(int64_t planes, const int64_t *sizes, const int64_t *tables,       \
                           const T *x, T *values, int64_t *indices) {                         \
        int64_t ih = sizes[0], iw = sizes[1], oh = sizes[2], ow = sizes[3];                    \
        int64_t dh = sizes[4], dw = sizes[5];                                                  \
        const int64_t *lo_h = tables, *hi_h = lo_h + oh, *first_h = hi_h + oh;                \
        const int64_t *lo_w = first_h + oh, *hi_w = lo_w + ow, *first_w = hi_w + ow;          \
        if (dh == 1 && dw == 1 && pairs(oh, lo_h, hi_h) && pairs(ow, lo_w, hi_w)) {           \
            max_2x2_##S(planes, ih, iw, oh, ow, x, values, indices);                           \
            return 0;                                                                          \
        }                                                                                      \
        if (sizes[6] > 0) {                                                                    \
            max_rows_##S(planes, sizes, tables, x, values, indices);                           \
            return 0;                                                                          \
        }                                                                                      \
        _Pragma("omp parallel for schedule(static) if(planes * ih * iw >= TORSH_PARALLEL_GRAIN)") \
        for (int64_t p = 0; p < planes; p++) {                                                 \
            const T *plane = x + p * ih * iw;                                                  \
            T *v = values + p * oh * ow;                                                       \
            int64_t *at = indices + p * oh * ow;                                               \
            for (int64_t o = 0; o < oh; o++)                                                   \
                for (int64_t q = 0; q < ow; q++) {                                             \
                    T best = -INFINITY;                                                        \
                    int64_t where = first_h[o] * iw + first_w[q];                              \
                    for (int64_t y = lo_h[o]; y < hi_h[o]; y += dh)                            \
                        for (int64_t c = lo_w[q]; c < hi_w[q]; c += dw) {                      \
                            T value = plane[y * iw + c];                                       \
                            int take = value > best || value != value;                         \
                            best = take ? value : best;                                        \
                            where = take ? y * iw + c : where;                                 \
                        }                                                                      \
                    v[o * ow + q] = best;                                                      \
                    at[o * ow + q] = where;                                                    \
                }                                                                              \
        }                                                                                      \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    int torsh_pool_mean_##S(int64_t planes, const int64_t *sizes, const int64_t *tables,      \
                            const double *divisors, double override, const T *x, T *out) {    \
        int64_t ih = sizes[0], iw = sizes[1], oh = sizes[2], ow = sizes[3];                    \
        const int64_t *lo_h = tables, *hi_h = lo_h + oh, *lo_w = hi_h + oh, *hi_w = lo_w + ow; \
        _Pragma("omp parallel for schedule(static) if(planes * ih * iw >= TORSH_PARALLEL_GRAIN)") \
        for (int64_t p = 0; p < planes; p++) {                                                 \
            const T *plane = x + p * ih * iw;                                                  \
            T *o_plane = out + p * oh * ow;                                                    \
            for (int64_t o = 0; o < oh; o++)                                                   \
                for (int64_t q = 0; q < ow; q++) {                                             \
                    double total = 0;                                                          \
                    for (int64_t y = lo_h[o]; y < hi_h[o]; y++)                                \
                        total += row_sum_##S(plane + y * iw, lo_w[q], hi_w[q]);                \
                    double divisor = override != 0 ? override : divisors[o] * divisors[oh + q]; \
                    o_plane[o * ow + q] = (T)(total / divisor);                                \
                }                                                                              \
        }                                                                                      \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    int torsh_pool_mean_backward_##S(int64_t planes, const int64_t *sizes,                    \
                                     const int64_t *tables, const double *divisors,            \
                                     double override, const T *g, T *dx, double *scratch) {    \
        int64_t ih = sizes[0], iw = sizes[1], oh = sizes[2], ow = sizes[3];                    \
        const int64_t *o_lo = tables, *o_hi = o_lo + ih, *p_lo = o_hi + ih, *p_hi = p_lo + iw; \
        _Pragma("omp parallel for schedule(static) if(planes * ih * iw >= TORSH_PARALLEL_GRAIN)") \
        for (int64_t p = 0; p < planes; p++) {                                                 \
            const T *grad = g + p * oh * ow;                                                   \
            T *d = dx + p * ih * iw;                                                           \
            double *share = scratch + THREAD * oh * ow;                                        \
            for (int64_t o = 0; o < oh; o++)   /* each window's share, divided once */         \
                for (int64_t q = 0; q < ow; q++) {                                             \
                    double divisor = override != 0 ? override                                  \
                                                   : divisors[o] * divisors[oh + q];           \
                    share[o * ow + q] = divisor != 0 ? (double)grad[o * ow + q] / divisor : 0.0; \
                }                                                                              \
            for (int64_t y = 0; y < ih; y++)                                                   \
                for (int64_t c = 0; c < iw; c++) {                                             \
                    double total = 0;                                                          \
                    for (int64_t o = o_lo[y]; o < o_hi[y]; o++)                                \
                        for (int64_t q = p_lo[c]; q < p_hi[c]; q++) total += share[o * ow + q]; \
                    d[y * iw + c] = (T)total;                                                  \
                }                                                                              \
        }                                                                                      \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    int torsh_pool_take_##S(int64_t planes, int64_t plane, int64_t per_plane, const T *x,     \
                            const int64_t *idx, T *out) {                                      \
        int64_t work = planes * per_plane;                                                     \
        _Pragma("omp parallel for schedule(static) if(work >= TORSH_PARALLEL_GRAIN)")         \
        for (int64_t p = 0; p < planes; p++)                                                   \
            for (int64_t j = p * per_plane; j < (p + 1) * per_plane; j++) {                   \
                int64_t i = idx[j];                                                            \
                out[j] = i >= 0 && i < plane ? x[p * plane + i] : -INFINITY;                   \
            }                                                                                  \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    int torsh_pool_scatter_##S(int64_t planes, int64_t plane, int64_t per_plane, const T *v,  \
                               const int64_t *idx, T *out, int accumulate) {                   \
        _Pragma("omp parallel for schedule(static) if(planes * plane >= TORSH_PARALLEL_GRAIN)") \
        for (int64_t p = 0; p < planes; p++) {                                                 \
            T *o = out + p * plane;                                                            \
            for (int64_t i = 0; i < plane; i++) o[i] = 0;                                      \
            for (int64_t j = p * per_plane; j < (p + 1) * per_plane; j++) {                   \
                int64_t i = idx[j];                                                            \
                if (i < 0 || i >= plane) continue;                                             \
                o[i] = accumulate ? o[i] + v[j] : v[j];                                        \
            }                                                                                  \
        }                                                                                      \
        return 0;                                                                              \
    }

DEFINE_POOL(float, f32)
DEFINE_POOL(double, f64)
