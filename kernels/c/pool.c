/* Pooling kernels: the max, the mean and their adjoints over windows of ID x IH x IW volumes
   (a 1-D or 2-D pooling is a 3-D one of unit leading dims).

   The caller describes each dim's windows with tables (torsh_pool.h), so one kernel serves
   max_pool / adaptive_max_pool, another avg_pool / adaptive_avg_pool. Planes are independent
   and run on several threads for large inputs. Means sum in double in window order and
   divide once, as the reference does (a window row of 16 cells or more in 4 interleaved
   partial sums: a double's last bits may differ); the mean's adjoint divides each window's
   gradient once and gathers, for each input cell, the shares of the windows reading it in
   window order (the reference's scatter order). Max: the first maximum, a NaN wins; the max
   kernels exist for the float and integer types (exact comparisons). */
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
    MAX4_TAKE(b, best, code, 1)                                                                \
    MAX4_TAKE(c, best, code, 2)                                                                \
    MAX4_TAKE(d, best, code, 3)
/* selects, not branches: on real data the winner is unpredictable */
#define MAX4_TAKE(v, best, code, k)                                                            \
    {                                                                                          \
        int take = (v > best) | (v != v);                                                      \
        best = take ? v : best;                                                                \
        code = take ? k : code;                                                                \
    }

#ifdef _OPENMP
#define THREAD omp_get_thread_num()
#else
#define THREAD 0
#endif

/* The max kernels of one type T (suffix S), LOWEST its least value (-inf for floats): a
   window starts at LOWEST and its first tap's index, and a tap takes over when greater (or
   NaN), so a window of LOWEST values answers its first tap, as the reference does. */
#define DEFINE_MAX(T, S, LOWEST)                                                               \
    /* The common 2x2 window, stride 2, every window inside the plane (IH, IW >= 2 OH, 2 OW), \
       a single depth: rows of outputs read two input rows, branch-free selects. */           \
    static void max_2x2_##S(int64_t planes, int64_t ih, int64_t iw, int64_t oh, int64_t ow,   \
                            const T *x, T *values, int64_t *indices) {                         \
        TORSH_FOR(p, planes, planes * ih * iw >= TORSH_PARALLEL_GRAIN,                         \
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
            });                                                                                \
    }                                                                                          \
                                                                                               \
    /* Uniform windows along the row (kernel KW, stride SW, padding PW): a whole output row   \
       at a time, tap by tap in window order, each tap a branch-free pass over the output    \
       columns whose window holds it (values and indices rows hold the running maxima). */   \
    static void max_rows_##S(int64_t planes, const int64_t *sizes, const int64_t *tables,     \
                             const T *x, T *values, int64_t *indices) {                        \
        int64_t id = sizes[0], ih = sizes[1], iw = sizes[2];                                   \
        int64_t od = sizes[3], oh = sizes[4], ow = sizes[5];                                   \
        int64_t dd = sizes[6], dh = sizes[7], dw = sizes[8];                                   \
        int64_t kw = sizes[9], sw = sizes[10], pw = sizes[11];                                 \
        const int64_t *lo_d = tables, *hi_d = lo_d + od, *first_d = hi_d + od;                \
        const int64_t *lo_h = first_d + od, *hi_h = lo_h + oh, *first_h = hi_h + oh;          \
        const int64_t *first_w = first_h + oh + 2 * ow;                                        \
        int64_t volume = id * ih * iw;                                                         \
        TORSH_FOR(p, planes, planes * volume >= TORSH_PARALLEL_GRAIN,                          \
            for (int64_t r = 0; r < od; r++)                                                   \
            for (int64_t o = 0; o < oh; o++) {                                                 \
                T *restrict v = values + ((p * od + r) * oh + o) * ow;                         \
                int64_t *restrict at = indices + ((p * od + r) * oh + o) * ow;                 \
                for (int64_t q = 0; q < ow; q++) {                                             \
                    v[q] = LOWEST;                                                             \
                    at[q] = (first_d[r] * ih + first_h[o]) * iw + first_w[q];                  \
                }                                                                              \
                for (int64_t z = lo_d[r]; z < hi_d[r]; z += dd)                                \
                for (int64_t y = lo_h[o]; y < hi_h[o]; y += dh) {                              \
                    int64_t base = (z * ih + y) * iw;                                          \
                    const T *restrict row = x + p * volume + base;                             \
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
                            at[q] = take ? base + c : at[q];                                   \
                        }                                                                      \
                    }                                                                          \
                }                                                                              \
            });                                                                                \
    }                                                                                          \
                                                                                               \
    /* Any windows the tables describe (adaptive pooling): cell by cell. */                   \
    static void max_cells_##S(int64_t planes, const int64_t *sizes, const int64_t *tables,    \
                              const T *x, T *values, int64_t *indices) {                       \
        int64_t id = sizes[0], ih = sizes[1], iw = sizes[2];                                   \
        int64_t od = sizes[3], oh = sizes[4], ow = sizes[5];                                   \
        int64_t dd = sizes[6], dh = sizes[7], dw = sizes[8];                                   \
        const int64_t *lo_d = tables, *hi_d = lo_d + od, *first_d = hi_d + od;                \
        const int64_t *lo_h = first_d + od, *hi_h = lo_h + oh, *first_h = hi_h + oh;          \
        const int64_t *lo_w = first_h + oh, *hi_w = lo_w + ow, *first_w = hi_w + ow;          \
        int64_t volume = id * ih * iw, cells = od * oh * ow;                                   \
        TORSH_FOR(p, planes, planes * volume >= TORSH_PARALLEL_GRAIN,                          \
            const T *plane = x + p * volume;                                                   \
            for (int64_t cell = 0; cell < cells; cell++) {                                     \
                int64_t r = cell / (oh * ow), o = cell / ow % oh, q = cell % ow;               \
                T best = LOWEST;                                                               \
                int64_t where = (first_d[r] * ih + first_h[o]) * iw + first_w[q];              \
                for (int64_t z = lo_d[r]; z < hi_d[r]; z += dd)                                \
                for (int64_t y = lo_h[o]; y < hi_h[o]; y += dh)                                \
                    for (int64_t c = lo_w[q]; c < hi_w[q]; c += dw) {                          \
                        int64_t at = (z * ih + y) * iw + c;                                    \
                        T value = plane[at];                                                   \
                        int take = value > best || value != value;                             \
                        best = take ? value : best;                                            \
                        where = take ? at : where;                                             \
                    }                                                                          \
                values[p * cells + cell] = best;                                               \
                indices[p * cells + cell] = where;                                             \
            });                                                                                \
    }                                                                                          \
                                                                                               \
    int torsh_pool3_max_##S(int64_t planes, const int64_t *sizes, const int64_t *tables,      \
                            const T *x, T *values, int64_t *indices) {                         \
        int64_t id = sizes[0], ih = sizes[1], iw = sizes[2];                                   \
        int64_t od = sizes[3], oh = sizes[4], ow = sizes[5];                                   \
        const int64_t *lo_h = tables + 3 * od, *hi_h = lo_h + oh;                              \
        const int64_t *lo_w = hi_h + 2 * oh, *hi_w = lo_w + ow;                                \
        if (id == 1 && od == 1 && tables[0] == 0 && tables[1] == 1 && sizes[7] == 1 &&         \
            sizes[8] == 1 && pairs(oh, lo_h, hi_h) && pairs(ow, lo_w, hi_w))                  \
            max_2x2_##S(planes, ih, iw, oh, ow, x, values, indices);                           \
        else if (sizes[9] > 0)                                                                 \
            max_rows_##S(planes, sizes, tables, x, values, indices);                           \
        else                                                                                   \
            max_cells_##S(planes, sizes, tables, x, values, indices);                          \
        return 0;                                                                              \
    }

DEFINE_MAX(float, f32, -INFINITY)
DEFINE_MAX(double, f64, -INFINITY)
DEFINE_MAX(int8_t, i8, INT8_MIN)
DEFINE_MAX(int16_t, i16, INT16_MIN)
DEFINE_MAX(int32_t, i32, INT32_MIN)
DEFINE_MAX(int64_t, i64, INT64_MIN)
DEFINE_MAX(uint8_t, u8, 0)

#define DEFINE_MEAN(T, S)                                                                      \
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
    int torsh_pool3_mean_##S(int64_t planes, const int64_t *sizes, const int64_t *tables,     \
                             const double *divisors, double override, const T *x, T *out) {   \
        int64_t id = sizes[0], ih = sizes[1], iw = sizes[2];                                   \
        int64_t od = sizes[3], oh = sizes[4], ow = sizes[5];                                   \
        const int64_t *lo_d = tables, *hi_d = lo_d + od, *lo_h = hi_d + od, *hi_h = lo_h + oh; \
        const int64_t *lo_w = hi_h + oh, *hi_w = lo_w + ow;                                    \
        int64_t volume = id * ih * iw, cells = od * oh * ow;                                   \
        TORSH_FOR(p, planes, planes * volume >= TORSH_PARALLEL_GRAIN,                          \
            const T *plane = x + p * volume;                                                   \
            for (int64_t cell = 0; cell < cells; cell++) {                                     \
                int64_t r = cell / (oh * ow), o = cell / ow % oh, q = cell % ow;               \
                double total = 0;                                                              \
                for (int64_t z = lo_d[r]; z < hi_d[r]; z++)                                    \
                    for (int64_t y = lo_h[o]; y < hi_h[o]; y++)                                \
                        total += row_sum_##S(plane + (z * ih + y) * iw, lo_w[q], hi_w[q]);     \
                double divisor = override != 0 ? override                                      \
                    : divisors[r] * divisors[od + o] * divisors[od + oh + q];                  \
                out[p * cells + cell] = (T)(total / divisor);                                  \
            });                                                                                \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    int torsh_pool3_mean_backward_##S(int64_t planes, const int64_t *sizes,                   \
                                      const int64_t *tables, const double *divisors,           \
                                      double override, const T *g, T *dx, double *scratch) {   \
        int64_t id = sizes[0], ih = sizes[1], iw = sizes[2];                                   \
        int64_t od = sizes[3], oh = sizes[4], ow = sizes[5];                                   \
        const int64_t *r_lo = tables, *r_hi = r_lo + id, *o_lo = r_hi + id, *o_hi = o_lo + ih; \
        const int64_t *p_lo = o_hi + ih, *p_hi = p_lo + iw;                                    \
        int64_t volume = id * ih * iw, cells = od * oh * ow;                                   \
        TORSH_FOR(p, planes, planes * volume >= TORSH_PARALLEL_GRAIN,                          \
            const T *grad = g + p * cells;                                                     \
            T *d = dx + p * volume;                                                            \
            double *share = scratch + THREAD * cells;                                          \
            for (int64_t cell = 0; cell < cells; cell++) { /* each share, divided once */      \
                int64_t r = cell / (oh * ow), o = cell / ow % oh, q = cell % ow;               \
                double divisor = override != 0 ? override                                      \
                    : divisors[r] * divisors[od + o] * divisors[od + oh + q];                  \
                share[cell] = divisor != 0 ? (double)grad[cell] / divisor : 0.0;               \
            }                                                                                  \
            for (int64_t z = 0; z < id; z++)                                                   \
            for (int64_t y = 0; y < ih; y++)                                                   \
                for (int64_t c = 0; c < iw; c++) {                                             \
                    double total = 0;                                                          \
                    for (int64_t r = r_lo[z]; r < r_hi[z]; r++)                                \
                    for (int64_t o = o_lo[y]; o < o_hi[y]; o++)                                \
                        for (int64_t q = p_lo[c]; q < p_hi[c]; q++)                            \
                            total += share[(r * oh + o) * ow + q];                             \
                    d[(z * ih + y) * iw + c] = (T)total;                                       \
                });                                                                            \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    int torsh_pool_take_##S(int64_t planes, int64_t plane, int64_t per_plane, const T *x,     \
                            const int64_t *idx, T *out) {                                      \
        TORSH_FOR(p, planes, planes * per_plane >= TORSH_PARALLEL_GRAIN,                       \
            for (int64_t j = p * per_plane; j < (p + 1) * per_plane; j++) {                   \
                int64_t i = idx[j];                                                            \
                out[j] = i >= 0 && i < plane ? x[p * plane + i] : -INFINITY;                   \
            });                                                                                \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    int torsh_pool_scatter_##S(int64_t planes, int64_t plane, int64_t per_plane, const T *v,  \
                               const int64_t *idx, T *out, int accumulate) {                   \
        TORSH_FOR(p, planes, planes * plane >= TORSH_PARALLEL_GRAIN,                           \
            T *o = out + p * plane;                                                            \
            for (int64_t i = 0; i < plane; i++) o[i] = 0;                                      \
            for (int64_t j = p * per_plane; j < (p + 1) * per_plane; j++) {                   \
                int64_t i = idx[j];                                                            \
                if (i < 0 || i >= plane) continue;                                             \
                o[i] = accumulate ? o[i] + v[j] : v[j];                                        \
            });                                                                                \
        return 0;                                                                              \
    }

DEFINE_MEAN(float, f32)
DEFINE_MEAN(double, f64)

/* int64 means: each window's exact sum (in 128 bits) over its divisor, the quotient truncated
   toward zero as C++ divides, then wrapped to 64 bits. */
int torsh_pool3_mean_i64(int64_t planes, const int64_t *sizes, const int64_t *tables,
                         const double *divisors, double override, const int64_t *x,
                         int64_t *out) {
    int64_t id = sizes[0], ih = sizes[1], iw = sizes[2];
    int64_t od = sizes[3], oh = sizes[4], ow = sizes[5];
    const int64_t *lo_d = tables, *hi_d = lo_d + od, *lo_h = hi_d + od, *hi_h = lo_h + oh;
    const int64_t *lo_w = hi_h + oh, *hi_w = lo_w + ow;
    int64_t volume = id * ih * iw, cells = od * oh * ow;
    TORSH_FOR(p, planes, planes * volume >= TORSH_PARALLEL_GRAIN,
        const int64_t *plane = x + p * volume;
        for (int64_t cell = 0; cell < cells; cell++) {
            int64_t r = cell / (oh * ow), o = cell / ow % oh, q = cell % ow;
            __int128 total = 0;
            for (int64_t z = lo_d[r]; z < hi_d[r]; z++)
                for (int64_t y = lo_h[o]; y < hi_h[o]; y++)
                    for (int64_t c = lo_w[q]; c < hi_w[q]; c++)
                        total += plane[(z * ih + y) * iw + c];
            __int128 divisor = override != 0 ? (__int128)override : (__int128)divisors[r]
                    * (__int128)divisors[od + o] * (__int128)divisors[od + oh + q];
            out[p * cells + cell] = (int64_t)(uint64_t)(total / divisor);
        });
    return 0;
}
