/* softmax and log_softmax along the last dim, forward and backward (torsh_softmax.h).

   The walk: each lane (all dims but the last index a lane) is done by one thread, in two or
   three passes over it: the max m (and whether a NaN is there), then e^(x - m) summed (and
   stored, for softmax), then the scaling. A lane of a row-major tensor is contiguous and its
   later passes read L1, so memory is read once and written once. float32 lanes that are
   contiguous use a vectorised e^x (2^k times a polynomial, < 2.4e-7 relative): AVX2, or
   on the portable build GCC vectors of SSE's width (the AVX2 forward takes m from the
   lane's first values and finds the max in the pass that sums, so the pass that reads
   memory does the work too); other lanes and float64 use libm,
   summing in double. Lanes go to threads only for large work (TORSH_FOR). */
#include "internal.h"
#include "torsh_softmax.h"

#if defined(__AVX2__) && defined(__FMA__)
#include "lanes_avx2.h"
#define SOFTMAX_AVX2 1
#endif

/* Lanes are spread over threads once the whole tensor is this large. */
#define LANES_PARALLEL(rows, n) ((rows) > 1 && (rows) * (n) >= TORSH_PARALLEL_GRAIN)

#ifdef SOFTMAX_AVX2
/* e^x for x <= 0 or NaN, as exp_ps (lanes_avx2.h), but k = round(t) is taken by adding and
   taking away 1.5 * 2^23, which leaves k in the low bits of the sum, ready to be shifted into
   the exponent (two adds rather than a round and a convert); NaN stays NaN. */
TORSH_INLINE __m256 exp_le0(__m256 x) {
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f));
    __m256 under = _mm256_cmp_ps(t, _mm256_set1_ps(-125.0f), _CMP_LT_OQ);
    __m256 shifted = _mm256_add_ps(t, magic);
    __m256 f = _mm256_sub_ps(t, _mm256_sub_ps(shifted, magic));
    __m256 p = exp2_fraction_ps(f);
    __m256i bits = _mm256_add_epi32(_mm256_castps_si256(p),
                                    _mm256_slli_epi32(_mm256_castps_si256(shifted), 23));
    return _mm256_andnot_ps(under, _mm256_castsi256_ps(bits));
}

/* The max of a contiguous lane, in four running maxima; a NaN among the values may be
   missed (the forward finds it in the sum of e^(x - max), which it makes NaN). */
static inline float lane_max_fast(const float *x, int64_t n) {
    __m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0, m2 = m0, m3 = m0;
    int64_t j = 0;
    for (; j + 32 <= n; j += 32) {
        m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + j));
        m1 = _mm256_max_ps(m1, _mm256_loadu_ps(x + j + 8));
        m2 = _mm256_max_ps(m2, _mm256_loadu_ps(x + j + 16));
        m3 = _mm256_max_ps(m3, _mm256_loadu_ps(x + j + 24));
    }
    for (; j + 8 <= n; j += 8) m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + j));
    float best = hmax_ps(_mm256_max_ps(_mm256_max_ps(m0, m1), _mm256_max_ps(m2, m3)));
    for (; j < n; j++) best = x[j] > best ? x[j] : best;
    return best;
}

/* The sum of e^(x - m) over a contiguous float32 lane, stored in e unless NULL, and the
   lane's max (the values' max is NaN-blind: a NaN shows in the sum). */
static double lane_exp_sum_avx2(float *e, const float *x, int64_t n, float m, float *max_out) {
    __m256 vm = _mm256_set1_ps(m), s0 = _mm256_setzero_ps(), s1 = s0;
    __m256 x0 = _mm256_set1_ps(-INFINITY), x1 = x0;
    int64_t j = 0;
    for (; j + 16 <= n; j += 16) {
        __m256 v0 = _mm256_loadu_ps(x + j), v1 = _mm256_loadu_ps(x + j + 8);
        __m256 e0 = exp_le0(_mm256_sub_ps(v0, vm)), e1 = exp_le0(_mm256_sub_ps(v1, vm));
        if (e) { _mm256_storeu_ps(e + j, e0); _mm256_storeu_ps(e + j + 8, e1); }
        s0 = _mm256_add_ps(s0, e0);
        s1 = _mm256_add_ps(s1, e1);
        x0 = _mm256_max_ps(x0, v0);
        x1 = _mm256_max_ps(x1, v1);
    }
    double sum = hsum_ps(_mm256_add_ps(s0, s1));
    float best = hmax_ps(_mm256_max_ps(x0, x1));
    for (; j < n; j++) {
        float v = expf(x[j] - m);
        if (e) e[j] = v;
        sum += v;
        best = x[j] > best ? x[j] : best;
    }
    *max_out = best;
    return sum;
}

/* Values up to this far above the shift m of e^(x - m) are fine: e^64 n fits in float. */
#define SHIFT_SLACK 64.0f

/* softmax / log_softmax of one contiguous float32 lane: e^(x - m) summed in one pass over x
   with m the max of its first 64 values (softmax is the same whatever m: e^(x - m) / sum),
   which also finds the max M; only where M > m + SHIFT_SLACK is it done again with m = M. */
static void lane_forward_avx2(int is_log, float *o, const float *x, int64_t n) {
    float m = lane_max_fast(x, n < 64 ? n : 64), top = m;
    if (!isfinite(m)) m = top = lane_max_fast(x, n);
    double sum = NAN;
    if (isfinite(m)) {
        sum = lane_exp_sum_avx2(is_log ? NULL : o, x, n, m, &top);
        if (top > m + SHIFT_SLACK) {                   /* (the sum may be NaN by overflow) */
            m = top;
            sum = lane_exp_sum_avx2(is_log ? NULL : o, x, n, m, &top);
        }
    }
    if (sum != sum || isinf(top)) {              /* NaN or +inf in the lane, or only -inf */
        for (int64_t j = 0; j < n; j++) o[j] = NAN;
        return;
    }
    __m256 vm = _mm256_set1_ps(m);
    int64_t j;
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
        __m256 r = is_log ? _mm256_fnmadd_ps(exp_le0(yv), vt, gv)
                          : _mm256_mul_ps(yv, _mm256_sub_ps(gv, vt));
        r = _mm256_blendv_ps(r, yv, _mm256_cmp_ps(yv, yv, _CMP_UNORD_Q));   /* NaN stays */
        _mm256_storeu_ps(gx + j, r);
    }
    for (; j < n; j++) gx[j] = is_log ? g[j] - expf(y[j]) * total : y[j] * (g[j] - total);
}
#else
/* The portable build: the same lane passes in GCC vectors of SSE's width (4 floats). */
#include <string.h>
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef uint32_t v4u __attribute__((vector_size(16)));
TORSH_INLINE v4f load4(const float *p) { v4f v; memcpy(&v, p, sizeof v); return v; }
#define STORE4(p, v) do { v4f v_ = (v); memcpy((p), &v_, sizeof v_); } while (0)
#define SPLAT4(c) ((v4f){0} + (float)(c))

/* e^x as the AVX2 version's, k = round(t) by adding and taking away 1.5 * 2^23 (SSE2 has no
   rounding instruction; k then sits in the low bits of t + 1.5 * 2^23). */
TORSH_INLINE v4f exp4(v4f x) {
    const float magic = 12582912.0f;
    v4f t = x * 1.44269504088896341f;
    v4i under = t < -125.0f;
    v4f shifted = t + magic;
    v4f f = t - (shifted - magic);
    v4f p = SPLAT4(1.32764654699713e-3f);
    p = p * f + 9.675541892647743e-3f;
    p = p * f + 5.550713464617729e-2f;
    p = p * f + 2.4022120237350464e-1f;
    p = p * f + 6.931469440460205e-1f;
    p = p * f + 1.0000001192092896f;
    v4u k = (v4u)shifted - 0x4B400000u;                 /* k, as wrapping unsigned bits */
    return (v4f)(((v4u)p + (k << 23)) & ~(v4u)under);
}

#ifdef __SSE__
#include <xmmintrin.h>
#define MAX4(a, b) ((v4f)_mm_max_ps((a), (b)))      /* x86-64 always has SSE */
#else
TORSH_INLINE v4f MAX4(v4f a, v4f b) {
    v4i k = b > a;
    return (v4f)(((v4i)b & k) | ((v4i)a & ~k));
}
#endif

static float lane_max_vec(const float *x, int64_t n) {
    v4f m0 = SPLAT4(-INFINITY), m1 = m0;
    v4i nan = {0};
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        v4f v0 = load4(x + j), v1 = load4(x + j + 4);
        nan |= (v0 != v0) | (v1 != v1);
        m0 = MAX4(m0, v0);
        m1 = MAX4(m1, v1);
    }
    int has_nan = (nan[0] | nan[1] | nan[2] | nan[3]) != 0;
    float best = -INFINITY;
    for (int k = 0; k < 4; k++) {
        best = m0[k] > best ? m0[k] : best;
        best = m1[k] > best ? m1[k] : best;
    }
    for (; j < n; j++) {
        has_nan |= x[j] != x[j];
        best = x[j] > best ? x[j] : best;
    }
    return has_nan ? NAN : best;
}

static void lane_forward_vec(int is_log, float *o, const float *x, int64_t n) {
    float m = lane_max_vec(x, n);
    if (m != m || isinf(m)) {
        for (int64_t j = 0; j < n; j++) o[j] = NAN;
        return;
    }
    v4f s0 = {0}, s1 = {0};
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        v4f e0 = exp4(load4(x + j) - m), e1 = exp4(load4(x + j + 4) - m);
        if (!is_log) { STORE4(o + j, e0); STORE4(o + j + 4, e1); }
        s0 += e0;
        s1 += e1;
    }
    v4f s = s0 + s1;
    double sum = (double)((s[0] + s[1]) + (s[2] + s[3]));
    for (; j < n; j++) {
        float e = expf(x[j] - m);
        if (!is_log) o[j] = e;
        sum += e;
    }
    if (is_log) {
        float ls = (float)log(sum);
        for (j = 0; j + 4 <= n; j += 4) STORE4(o + j, (load4(x + j) - m) - ls);
        for (; j < n; j++) o[j] = (x[j] - m) - ls;
    } else {
        float inv = (float)(1.0 / sum);
        for (j = 0; j + 4 <= n; j += 4) STORE4(o + j, load4(o + j) * inv);
        for (; j < n; j++) o[j] *= inv;
    }
}

static void lane_backward_vec(int is_log, float *gx, const float *y, const float *g,
                              int64_t n) {
    v4f s = {0};
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) s += is_log ? load4(g + j) : load4(g + j) * load4(y + j);
    float total = (s[0] + s[1]) + (s[2] + s[3]);
    for (; j < n; j++) total += is_log ? g[j] : g[j] * y[j];
    for (j = 0; j + 4 <= n; j += 4) {
        v4f gv = load4(g + j), yv = load4(y + j);
        v4f r = is_log ? gv - exp4(yv) * total : yv * (gv - total);
        v4i nan = yv != yv;                                            /* NaN stays */
        STORE4(gx + j, (v4f)(((v4i)yv & nan) | ((v4i)r & ~nan)));
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
#define FAST_FORWARD_f32(is_log, o, x, n) { lane_forward_vec(is_log, o, x, n); continue; }
#define FAST_BACKWARD_f32(is_log, gx, y, g, n) \
    { lane_backward_vec(is_log, gx, y, g, n); continue; }
#endif
#define FAST_FORWARD_f64(is_log, o, x, n) {}
#define FAST_BACKWARD_f64(is_log, gx, y, g, n) {}

#define DEFINE_SOFTMAX(SUF, T)                                                                     \
    static void forward_row_##SUF(int is_log, int64_t n, T *o, int64_t so, const T *p,             \
                                  int64_t sx) {                                                    \
        do {                                                                                       \
            if (so == 1 && sx == 1) FAST_FORWARD_##SUF(is_log, o, p, n)                            \
            lane_forward_##SUF(is_log, o, so, p, sx, n);                                           \
        } while (0);                                                                               \
    }                                                                                              \
    static void backward_row_##SUF(int is_log, int64_t n, T *o, int64_t sgx, const T *py,          \
                                   int64_t sy, const T *pg, int64_t sg) {                          \
        do {                                                                                       \
            if (sgx == 1 && sy == 1 && sg == 1) FAST_BACKWARD_##SUF(is_log, o, py, pg, n)          \
            lane_backward_##SUF(is_log, o, sgx, py, sy, pg, sg, n);                                \
        } while (0);                                                                               \
    }                                                                                              \
    int torsh_softmax_##SUF(int is_log, int ndim, const int64_t *shape, T *out,                    \
                            const int64_t *out_strides, const T *x, const int64_t *x_strides) {    \
        if (ndim < 1) return 1;                                                                    \
        int64_t n = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                          \
        int64_t so = out_strides[ndim - 1], sx = x_strides[ndim - 1];                              \
        TORSH_FOR(r, rows, LANES_PARALLEL(rows, n),                                                \
                  forward_row_##SUF(is_log, n, out + torsh_row_offset(r, ndim, shape, out_strides),\
                                    so, x + torsh_row_offset(r, ndim, shape, x_strides), sx););    \
        return 0;                                                                                  \
    }                                                                                              \
    int torsh_softmax_backward_##SUF(int is_log, int ndim, const int64_t *shape, T *gx,            \
                                     const int64_t *gx_strides, const T *y,                        \
                                     const int64_t *y_strides, const T *g,                         \
                                     const int64_t *g_strides) {                                   \
        if (ndim < 1) return 1;                                                                    \
        int64_t n = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                          \
        int64_t sgx = gx_strides[ndim - 1], sy = y_strides[ndim - 1], sg = g_strides[ndim - 1];    \
        TORSH_FOR(r, rows, LANES_PARALLEL(rows, n),                                                \
                  backward_row_##SUF(is_log, n, gx + torsh_row_offset(r, ndim, shape, gx_strides), \
                                     sgx, y + torsh_row_offset(r, ndim, shape, y_strides), sy,     \
                                     g + torsh_row_offset(r, ndim, shape, g_strides), sg););       \
        return 0;                                                                                  \
    }

DEFINE_SOFTMAX(f32, float)
DEFINE_SOFTMAX(f64, double)
