/* softmax and log_softmax along the last dim, forward and backward (torsh_softmax.h).

   The walk: each lane (all dims but the last index a lane) is done by one thread, in two or
   three passes over it: the max m (and whether a NaN is there), then e^(x - m) summed (and
   stored, for softmax), then the scaling. A lane of a row-major tensor is contiguous and its
   later passes read L1, so memory is read once and written once. float32 lanes that are
   contiguous use AVX2 with a vectorised e^x (2^k times a polynomial, < 2e-7 relative);
   other lanes, the portable build and float64 use libm, summing in double. */
#include "internal.h"
#include "torsh_softmax.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define SOFTMAX_AVX2 1
#endif

/* Lanes are spread over threads once the whole tensor is this large. */
#define LANES_PARALLEL(rows, n) ((rows) > 1 && (rows) * (n) >= TORSH_PARALLEL_GRAIN)

#ifdef SOFTMAX_AVX2
/* e^x for x <= 0 (no NaN) as 2^t, t = x log2(e) = k + f, k = round(t), |f| <= 1/2: 2^f by its
   degree-6 Taylor polynomial (relative error < 2e-7), 2^k added into the exponent bits.
   0 where t < -125 (where float32 leaves the normal range; the garbage computed there,
   -inf included, is masked away). 7 multiply-adds per 8 elements. */
TORSH_INLINE __m256 exp_ps(__m256 x) {
    __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f));
    __m256 under = _mm256_cmp_ps(t, _mm256_set1_ps(-125.0f), _CMP_LT_OQ);
    __m256 k = _mm256_round_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 f = _mm256_sub_ps(t, k);
    __m256 p = _mm256_set1_ps(1.5403530393381606e-4f);
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.3333558146428443e-3f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(9.618129107628477e-3f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(5.550410866482158e-2f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(2.402265069591007e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(6.931471805599453e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_add_epi32(_mm256_castps_si256(p),
                                    _mm256_slli_epi32(_mm256_cvtps_epi32(k), 23));
    return _mm256_andnot_ps(under, _mm256_castsi256_ps(bits));
}

TORSH_INLINE float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

TORSH_INLINE float hmax_ps(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_max_ss(s, _mm_movehdup_ps(s)));
}

/* The max of a contiguous lane, NaN when it holds a NaN. */
static float lane_max_f32(const float *x, int64_t n) {
    __m256 m = _mm256_set1_ps(-INFINITY), nan = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_loadu_ps(x + j);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        m = _mm256_max_ps(m, v);
    }
    float best = hmax_ps(m);
    int has_nan = _mm256_movemask_ps(nan) != 0;
    for (; j < n; j++) {
        has_nan |= x[j] != x[j];
        best = x[j] > best ? x[j] : best;
    }
    return has_nan ? NAN : best;
}

/* softmax / log_softmax of one contiguous float32 lane */
static void lane_forward_avx2(int is_log, float *o, const float *x, int64_t n) {
    float m = lane_max_f32(x, n);
    if (m != m || isinf(m)) {
        for (int64_t j = 0; j < n; j++) o[j] = NAN;
        return;
    }
    __m256 vm = _mm256_set1_ps(m), s0 = _mm256_setzero_ps(), s1 = s0;
    int64_t j = 0;
    for (; j + 16 <= n; j += 16) {
        __m256 e0 = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), vm));
        __m256 e1 = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j + 8), vm));
        if (!is_log) { _mm256_storeu_ps(o + j, e0); _mm256_storeu_ps(o + j + 8, e1); }
        s0 = _mm256_add_ps(s0, e0);
        s1 = _mm256_add_ps(s1, e1);
    }
    double sum = hsum_ps(_mm256_add_ps(s0, s1));
    for (; j < n; j++) {
        float e = expf(x[j] - m);
        if (!is_log) o[j] = e;
        sum += e;
    }
    if (is_log) {
        float ls = (float)log(sum);
        __m256 vls = _mm256_set1_ps(ls);
        for (j = 0; j + 8 <= n; j += 8)
            _mm256_storeu_ps(o + j, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), vm),
                                                  vls));
        for (; j < n; j++) o[j] = (x[j] - m) - ls;
    } else {
        __m256 inv = _mm256_set1_ps((float)(1.0 / sum));
        for (j = 0; j + 8 <= n; j += 8)
            _mm256_storeu_ps(o + j, _mm256_mul_ps(_mm256_loadu_ps(o + j), inv));
        for (; j < n; j++) o[j] *= (float)(1.0 / sum);
    }
}

/* the backward of one contiguous float32 lane (see the header) */
static void lane_backward_avx2(int is_log, float *gx, const float *y, const float *g,
                               int64_t n) {
    __m256 s = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 gv = _mm256_loadu_ps(g + j);
        s = is_log ? _mm256_add_ps(s, gv) : _mm256_fmadd_ps(gv, _mm256_loadu_ps(y + j), s);
    }
    float total = hsum_ps(s);
    for (; j < n; j++) total += is_log ? g[j] : g[j] * y[j];
    __m256 vt = _mm256_set1_ps(total);
    for (j = 0; j + 8 <= n; j += 8) {
        __m256 gv = _mm256_loadu_ps(g + j), yv = _mm256_loadu_ps(y + j);
        __m256 r = is_log ? _mm256_fnmadd_ps(exp_ps(yv), vt, gv)
                          : _mm256_mul_ps(yv, _mm256_sub_ps(gv, vt));
        r = _mm256_blendv_ps(r, yv, _mm256_cmp_ps(yv, yv, _CMP_UNORD_Q));   /* NaN stays */
        _mm256_storeu_ps(gx + j, r);
    }
    for (; j < n; j++) gx[j] = is_log ? g[j] - expf(y[j]) * total : y[j] * (g[j] - total);
}
#endif

/* One strided lane, any type: the same passes in scalar code, sums in double. */
#define DEFINE_LANES(SUF, T, EXP)                                                                  \
    static void lane_forward_##SUF(int is_log, T *o, int64_t so, const T *x, int64_t sx,           \
                                   int64_t n) {                                                    \
        T m = -INFINITY;                                                                           \
        int nan = 0;                                                                               \
        for (int64_t j = 0; j < n; j++) {                                                          \
            T v = x[j * sx];                                                                       \
            nan |= v != v;                                                                         \
            m = v > m ? v : m;                                                                     \
        }                                                                                          \
        if (nan || isinf(m)) {                                                                     \
            for (int64_t j = 0; j < n; j++) o[j * so] = NAN;                                       \
            return;                                                                                \
        }                                                                                          \
        double sum = 0;                                                                            \
        for (int64_t j = 0; j < n; j++) {                                                          \
            T e = EXP(x[j * sx] - m);                                                              \
            if (!is_log) o[j * so] = e;                                                            \
            sum += e;                                                                              \
        }                                                                                          \
        if (is_log) {                                                                              \
            T ls = (T)log(sum);                                                                    \
            for (int64_t j = 0; j < n; j++) o[j * so] = (x[j * sx] - m) - ls;                      \
        } else {                                                                                   \
            T inv = (T)(1.0 / sum);                                                                \
            for (int64_t j = 0; j < n; j++) o[j * so] *= inv;                                      \
        }                                                                                          \
    }                                                                                              \
    static void lane_backward_##SUF(int is_log, T *gx, int64_t sgx, const T *y, int64_t sy,        \
                                    const T *g, int64_t sg, int64_t n) {                           \
        double total = 0;                                                                          \
        for (int64_t j = 0; j < n; j++) total += is_log ? g[j * sg] : g[j * sg] * y[j * sy];       \
        T t = (T)total;                                                                            \
        for (int64_t j = 0; j < n; j++) {                                                          \
            T gj = g[j * sg], yj = y[j * sy];                                                      \
            gx[j * sgx] = is_log ? gj - EXP(yj) * t : yj * (gj - t);                               \
        }                                                                                          \
    }

DEFINE_LANES(f32, float, expf)
DEFINE_LANES(f64, double, exp)

#ifdef SOFTMAX_AVX2
#define FAST_FORWARD_f32(is_log, o, x, n) { lane_forward_avx2(is_log, o, x, n); continue; }
#define FAST_BACKWARD_f32(is_log, gx, y, g, n) \
    { lane_backward_avx2(is_log, gx, y, g, n); continue; }
#else
#define FAST_FORWARD_f32(is_log, o, x, n) {}
#define FAST_BACKWARD_f32(is_log, gx, y, g, n) {}
#endif
#define FAST_FORWARD_f64(is_log, o, x, n) {}
#define FAST_BACKWARD_f64(is_log, gx, y, g, n) {}

#define DEFINE_SOFTMAX(SUF, T)                                                                     \
    int torsh_softmax_##SUF(int is_log, int ndim, const int64_t *shape, T *out,                    \
                            const int64_t *out_strides, const T *x, const int64_t *x_strides) {    \
        if (ndim < 1) return 1;                                                                    \
        int64_t n = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                          \
        int64_t so = out_strides[ndim - 1], sx = x_strides[ndim - 1];                              \
        _Pragma("omp parallel for schedule(static) if(LANES_PARALLEL(rows, n))")                   \
        for (int64_t r = 0; r < rows; r++) {                                                       \
            T *o = out + torsh_row_offset(r, ndim, shape, out_strides);                            \
            const T *p = x + torsh_row_offset(r, ndim, shape, x_strides);                          \
            if (so == 1 && sx == 1) FAST_FORWARD_##SUF(is_log, o, p, n)                            \
            lane_forward_##SUF(is_log, o, so, p, sx, n);                                           \
        }                                                                                          \
        return 0;                                                                                  \
    }                                                                                              \
    int torsh_softmax_backward_##SUF(int is_log, int ndim, const int64_t *shape, T *gx,            \
                                     const int64_t *gx_strides, const T *y,                        \
                                     const int64_t *y_strides, const T *g,                         \
                                     const int64_t *g_strides) {                                   \
        if (ndim < 1) return 1;                                                                    \
        int64_t n = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                          \
        int64_t sgx = gx_strides[ndim - 1], sy = y_strides[ndim - 1], sg = g_strides[ndim - 1];    \
        _Pragma("omp parallel for schedule(static) if(LANES_PARALLEL(rows, n))")                   \
        for (int64_t r = 0; r < rows; r++) {                                                       \
            T *o = gx + torsh_row_offset(r, ndim, shape, gx_strides);                              \
            const T *py = y + torsh_row_offset(r, ndim, shape, y_strides);                         \
            const T *pg = g + torsh_row_offset(r, ndim, shape, g_strides);                         \
            if (sgx == 1 && sy == 1 && sg == 1) FAST_BACKWARD_##SUF(is_log, o, py, pg, n)          \
            lane_backward_##SUF(is_log, o, sgx, py, sy, pg, sg, n);                                \
        }                                                                                          \
        return 0;                                                                                  \
    }

DEFINE_SOFTMAX(f32, float)
DEFINE_SOFTMAX(f64, double)
