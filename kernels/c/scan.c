/* Scans along one dim (torsh_scan.h): cumsum, cumprod, logcumsumexp, and the running
   extremes with their positions (cummax, cummin).

   The walk: every lane (all dims but the last index a lane) is scanned in order by one
   thread, its running value kept in ACC (double for floats, wrapping uint64 for int64);
   lanes are spread over threads for large work. */
#include "internal.h"
#include "torsh_scan.h"

/* log(e^a + e^b) = max + log1p(e^-|a - b|); equal infinities give that infinity. */
static double log_add_exp(double a, double b) {
    if (a != a || b != b) return NAN;
    if (a == b && isinf(a)) return a;
    return (a > b ? a : b) + log1p(exp(-fabs(a - b)));
}

#define DEFINE_SCAN(SUF, T, ACC, LOGS)                                                             \
    static void scan_row_##SUF(int op, int reverse, int64_t n, T *o, int64_t so, const T *p,       \
                               int64_t s) {                                                        \
        ACC acc = op == TORSH_S_CUMPROD ? 1 : 0;                                                   \
        for (int64_t k = 0; k < n; k++) {                                                          \
            int64_t j = reverse ? n - 1 - k : k;                                                   \
            if (op == TORSH_S_CUMPROD) acc *= (ACC)p[j * s];                                       \
            else if (op == TORSH_S_CUMSUM) acc += (ACC)p[j * s];                                   \
            else acc = k == 0 ? (ACC)p[j * s] : (ACC)log_add_exp((double)acc, (double)p[j * s]);  \
            o[j * so] = (T)acc;                                                                    \
        }                                                                                          \
    }                                                                                              \
    int torsh_scan_##SUF(int op, int reverse, int ndim, const int64_t *shape, T *out,              \
                         const int64_t *out_strides, const T *x, const int64_t *x_strides) {       \
        int last = LOGS ? TORSH_S_LOGCUMSUMEXP : TORSH_S_CUMPROD;                                  \
        if (op < 0 || op > last || ndim < 1) return 1;                                             \
        int64_t n = shape[ndim - 1], s = x_strides[ndim - 1], so = out_strides[ndim - 1];          \
        int64_t rows = torsh_count(ndim - 1, shape);                                               \
        TORSH_FOR(row, rows, rows * n >= TORSH_PARALLEL_GRAIN,                                    \
                  scan_row_##SUF(op, reverse, n, out + torsh_row_offset(row, ndim, shape,          \
                                                                        out_strides), so,          \
                                 x + torsh_row_offset(row, ndim, shape, x_strides), s););          \
        return 0;                                                                                  \
    }

DEFINE_SCAN(f32, float, double, 1)
DEFINE_SCAN(f64, double, double, 1)
DEFINE_SCAN(i64, int64_t, uint64_t, 0)

#define DEFINE_SCAN_EXTREME(SUF, T)                                                                \
    static void extreme_row_##SUF(int larger, int64_t n, T *o, int64_t so, int64_t *ix,            \
                                  int64_t si, const T *p, int64_t s) {                             \
        T best = p[0];                                                                             \
        int64_t at = 0;                                                                            \
        for (int64_t j = 0; j < n; j++) {                                                          \
            T x = p[j * s];                                                                        \
            if (x != x || (best == best && (larger ? x >= best : x <= best))) {                    \
                best = x;                                                                          \
                at = j;                                                                            \
            }                                                                                      \
            o[j * so] = best;                                                                      \
            ix[j * si] = at;                                                                       \
        }                                                                                          \
    }                                                                                              \
    int torsh_scan_extreme_##SUF(int larger, int ndim, const int64_t *shape, T *values,            \
                                 const int64_t *value_strides, int64_t *indices,                   \
                                 const int64_t *index_strides, const T *x,                         \
                                 const int64_t *x_strides) {                                       \
        if (ndim < 1) return 1;                                                                    \
        int64_t n = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                          \
        if (n == 0) return 0;                                                                      \
        TORSH_FOR(row, rows, rows * n >= TORSH_PARALLEL_GRAIN,                                    \
                  extreme_row_##SUF(larger, n,                                                     \
                                    values + torsh_row_offset(row, ndim, shape, value_strides),    \
                                    value_strides[ndim - 1],                                       \
                                    indices + torsh_row_offset(row, ndim, shape, index_strides),   \
                                    index_strides[ndim - 1],                                       \
                                    x + torsh_row_offset(row, ndim, shape, x_strides),             \
                                    x_strides[ndim - 1]););                                        \
        return 0;                                                                                  \
    }

DEFINE_SCAN_EXTREME(f32, float)
DEFINE_SCAN_EXTREME(f64, double)
DEFINE_SCAN_EXTREME(i64, int64_t)
