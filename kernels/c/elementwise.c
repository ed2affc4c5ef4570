/* Elementwise kernels: unary and binary maps over an n-d shape with any strides.

   The walk: the last dim is the inner loop, the other dims are "rows", and each row is cut
   into blocks of TORSH_BLOCK elements; blocks are spread over threads for large shapes.
   When every operand is contiguous along the last dim the inner loop is a plain indexed
   loop that the compiler vectorises (AVX2 in the avx2 build). Math follows C's libm, as the
   reference's Python math does for doubles; float32 rounds libm's float result, except
   contiguous float32 exp / log / tanh / sigmoid in the avx2 build: polynomials, 8 lanes at
   a time, within 1-3 ulp (see below). Other dtypes and ops: kernels/c/cast.c. */
#include "internal.h"

#define RELU(x) ((x) < 0 ? 0 : (x))      /* relu(-0.0) = -0.0 and relu(NaN) = NaN */
/* maximum/minimum propagate NaN from either side, as PyTorch does */
#define MAXIMUM(a, b) ((a) != (a) ? (a) : ((b) != (b) ? (b) : ((a) > (b) ? (a) : (b))))
#define MINIMUM(a, b) ((a) != (a) ? (a) : ((b) != (b) ? (b) : ((a) < (b) ? (a) : (b))))

/* out[j] = EXPR(x) for x = in[j * step], j < n; one loop per op so each vectorises. */
#define UNARY_LOOPS(T, EXP, LOG, SQRT, TANH, SIN, COS, EXPM1, LOG1P)                          \
    switch (op) {                                                                              \
    case TORSH_NEG: LOOP(-x); break;                                                           \
    case TORSH_ABS: LOOP(x < 0 ? -x : (x == 0 ? (T)0 : x)); break;                             \
    case TORSH_EXP: LOOP(EXP(x)); break;                                                       \
    case TORSH_LOG: LOOP(LOG(x)); break;                                                       \
    case TORSH_SQRT: LOOP(SQRT(x)); break;                                                     \
    case TORSH_TANH: LOOP(TANH(x)); break;                                                     \
    case TORSH_SIGMOID: LOOP((T)1 / ((T)1 + EXP(-x))); break;                                  \
    case TORSH_RELU: LOOP(RELU(x)); break;                                                     \
    case TORSH_SIN: LOOP(SIN(x)); break;                                                       \
    case TORSH_COS: LOOP(COS(x)); break;                                                       \
    case TORSH_RECIPROCAL: LOOP((T)1 / x); break;                                              \
    case TORSH_SQUARE: LOOP(x * x); break;                                                     \
    case TORSH_RSQRT: LOOP((T)1 / SQRT(x)); break;                                             \
    case TORSH_EXPM1: LOOP(EXPM1(x)); break;                                                   \
    case TORSH_LOG1P: LOOP(LOG1P(x)); break;                                                   \
    }

#define BINARY_LOOPS                                                                           \
    switch (op) {                                                                              \
    case TORSH_ADD: LOOP2(a + b); break;                                                       \
    case TORSH_SUB: LOOP2(a - b); break;                                                       \
    case TORSH_MUL: LOOP2(a * b); break;                                                       \
    case TORSH_DIV: LOOP2(a / b); break;                                                       \
    case TORSH_MAXIMUM: LOOP2(MAXIMUM(a, b)); break;                                           \
    case TORSH_MINIMUM: LOOP2(MINIMUM(a, b)); break;                                           \
    case TORSH_RELU_BACKWARD: LOOP2(b > 0 ? a * 1 : a * 0); break;                            \
    }

/* The block loop shared by every map: block t of the work covers elements
   [start, start + length) of row r; FN(out, operand pointers, length) does it. */
#define FOR_EACH_BLOCK(ndim, shape, BODY)                                                      \
    int64_t inner = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                     \
    int64_t per_row = (inner + TORSH_BLOCK - 1) / TORSH_BLOCK, tasks = rows * per_row;        \
    TORSH_FOR(t, tasks, rows * inner >= TORSH_PARALLEL_GRAIN, {                               \
        int64_t r = t / per_row, start = (t % per_row) * TORSH_BLOCK;                         \
        int64_t length = inner - start < TORSH_BLOCK ? inner - start : TORSH_BLOCK;           \
        BODY                                                                                   \
    });

#define DEFINE_UNARY(NAME, T, ...)                                                             \
    TORSH_INLINE void NAME##_run(int op, int64_t n, T *restrict out, const T *restrict in,    \
                                 int64_t step) {                                               \
        UNARY_LOOPS(T, __VA_ARGS__)                                                            \
    }                                                                                          \
    int NAME(int op, int ndim, const int64_t *shape, T *out, const T *x,                      \
             const int64_t *x_strides) {                                                       \
        if (op < 0 || op > TORSH_LOG1P) return 1;                                              \
        if (ndim == 0) { out[0] = 0; NAME##_run(op, 1, out, x, 0); return 0; }                \
        int64_t step = x_strides[ndim - 1];                                                    \
        FOR_EACH_BLOCK(ndim, shape, {                                                          \
            T *o = out + r * inner + start;                                                    \
            const T *i = x + torsh_row_offset(r, ndim, shape, x_strides) + start * step;       \
            if (step == 1 && NAME##_vector(op, length, o, i)) continue;                        \
            if (step == 1) NAME##_run(op, length, o, i, 1);                                    \
            else NAME##_run(op, length, o, i, step);                                           \
        })                                                                                     \
        return 0;                                                                              \
    }

/* ---- float32 exp, log, sigmoid and tanh, 8 lanes at a time (AVX2 + FMA builds).
   exp: e^x = 2^n e^r with n = round(x log2 e), r = x - n ln 2 (ln 2 split in two parts so r
   is exact), e^r by a degree-7 polynomial on |r| <= ln 2 / 2 (Cephes' coefficients): about
   1 ulp. Lanes outside [-87, 88] (overflow, subnormal results) and NaN are recomputed by
   libm. sigmoid = 1 / (1 + e^-x) (|x| > 87 by libm, in double); tanh = x + x^3
   Q(x^2) below 0.625 (a fitted degree-4 Q, < 1 ulp), else 1 - 2 / (e^(2|x|) + 1), with the
   sign of x put back (tanh(-0.0) = -0.0). */
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

TORSH_INLINE __m256 exp8(__m256 x) {
    /* t = x log2 e + (1.5 * 2^23 + 127): its low mantissa bits hold round(x log2 e) + 127,
       so t - that constant is n, and t's bits shifted left by 23 are 2^n */
    const __m256 magic = _mm256_set1_ps(12582912.0f + 127.0f);
    __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), magic);
    __m256 n = _mm256_sub_ps(t, magic);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    return _mm256_mul_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(t), 23)));
}

/* ln x for normal positive x: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln x = e ln 2 +
   ln(1 + f), f = m - 1, by Cephes' degree-9 polynomial: about 1 ulp */
TORSH_INLINE __m256 log8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256i bits = _mm256_castps_si256(x);
    __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23),
                                                   _mm256_set1_epi32(126)));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(
        _mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f000000)));
    __m256 low = _mm256_cmp_ps(m, _mm256_set1_ps(0.707106781186547524f), _CMP_LT_OQ);
    e = _mm256_sub_ps(e, _mm256_and_ps(low, one));
    __m256 f = _mm256_sub_ps(_mm256_add_ps(m, _mm256_and_ps(low, m)), one);
    __m256 z = _mm256_mul_ps(f, f), y = _mm256_set1_ps(7.0376836292e-2f);
    y = _mm256_fmadd_ps(y, f, _mm256_set1_ps(-1.1514610310e-1f));
    y = _mm256_fmadd_ps(y, f, _mm256_set1_ps(1.1676998740e-1f));
    y = _mm256_fmadd_ps(y, f, _mm256_set1_ps(-1.2420140846e-1f));
    y = _mm256_fmadd_ps(y, f, _mm256_set1_ps(1.4249322787e-1f));
    y = _mm256_fmadd_ps(y, f, _mm256_set1_ps(-1.6668057665e-1f));
    y = _mm256_fmadd_ps(y, f, _mm256_set1_ps(2.0000714765e-1f));
    y = _mm256_fmadd_ps(y, f, _mm256_set1_ps(-2.4999993993e-1f));
    y = _mm256_fmadd_ps(y, f, _mm256_set1_ps(3.3333331174e-1f));
    y = _mm256_mul_ps(_mm256_mul_ps(y, f), z);
    y = _mm256_fmadd_ps(e, _mm256_set1_ps(-2.12194440e-4f), y);
    y = _mm256_fnmadd_ps(_mm256_set1_ps(0.5f), z, y);
    return _mm256_fmadd_ps(e, _mm256_set1_ps(0.693359375f), _mm256_add_ps(f, y));
}

/* 1 / d to about 1 ulp: the 12-bit estimate refined by one Newton step (d in [1, inf)) */
TORSH_INLINE __m256 reciprocal8(__m256 d) {
    __m256 r = _mm256_rcp_ps(d);
    return _mm256_fmadd_ps(r, _mm256_fnmadd_ps(d, r, _mm256_set1_ps(1.0f)), r);
}

/* lanes of v outside [low, high], NaN included, as a bit mask */
TORSH_INLINE int outside(__m256 v, float low, float high) {
    __m256 inside = _mm256_and_ps(_mm256_cmp_ps(v, _mm256_set1_ps(low), _CMP_GE_OQ),
                                  _mm256_cmp_ps(v, _mm256_set1_ps(high), _CMP_LE_OQ));
    return ~_mm256_movemask_ps(inside) & 0xff;
}

static float sigmoid_scalar(float x) {
    double v = x;
    if (v >= 0) return (float)(1.0 / (1.0 + exp(-v)));
    double e = exp(v);
    return (float)(e / (1.0 + e));
}

static float scalar_f32(int op, float v) {
    switch (op) {
    case TORSH_EXP: return expf(v);
    case TORSH_LOG: return logf(v);
    case TORSH_TANH: return tanhf(v);
    default: return sigmoid_scalar(v);
    }
}

static int torsh_unary_f32_vector(int op, int64_t n, float *restrict out,
                                  const float *restrict in) {
    if (op != TORSH_EXP && op != TORSH_SIGMOID && op != TORSH_TANH && op != TORSH_LOG) return 0;
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 x = _mm256_loadu_ps(in + j), a = _mm256_andnot_ps(sign, x), y;
        int redo;
        if (op == TORSH_EXP) {
            y = exp8(x);
            redo = outside(x, -87.0f, 88.0f);
        } else if (op == TORSH_LOG) {
            /* x < 0: NaN, ±0: -inf, here; subnormal, +inf and NaN lanes: by libm */
            __m256 zero = _mm256_setzero_ps();
            y = _mm256_blendv_ps(log8(x), _mm256_set1_ps(NAN),
                                 _mm256_cmp_ps(x, zero, _CMP_LT_OQ));
            y = _mm256_blendv_ps(y, _mm256_set1_ps(-INFINITY),
                                 _mm256_cmp_ps(x, zero, _CMP_EQ_OQ));
            redo = outside(x, 1.17549435e-38f, 3.40282347e38f) &
                   ~_mm256_movemask_ps(_mm256_cmp_ps(x, zero, _CMP_LE_OQ));
        } else if (op == TORSH_SIGMOID) {
            y = reciprocal8(_mm256_add_ps(one, exp8(_mm256_xor_ps(x, sign))));
            redo = outside(x, -87.0f, 87.0f);
        } else {
            __m256 u = _mm256_mul_ps(a, a), q = _mm256_set1_ps(-0.0059034922160208225f);
            q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(0.020828265696763992f));
            q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(-0.05380186438560486f));
            q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(0.13332246243953705f));
            q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(-0.3333331346511841f));
            __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(a, u), q, a);
            __m256 e = exp8(_mm256_add_ps(_mm256_min_ps(a, _mm256_set1_ps(10.0f)),
                                          _mm256_min_ps(a, _mm256_set1_ps(10.0f))));
            __m256 large = _mm256_fnmadd_ps(_mm256_set1_ps(2.0f),
                                            reciprocal8(_mm256_add_ps(e, one)), one);
            y = _mm256_blendv_ps(large, small,
                                 _mm256_cmp_ps(a, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
            y = _mm256_or_ps(y, _mm256_and_ps(x, sign));
            redo = outside(a, 0.0f, INFINITY);
        }
        _mm256_storeu_ps(out + j, y);
        for (int k = 0; redo && k < 8; k++, redo >>= 1) {
            if (!(redo & 1)) continue;
            float v = in[j + k];
            out[j + k] = scalar_f32(op, v);
        }
    }
    for (; j < n; j++) {
        float v = in[j];
        out[j] = scalar_f32(op, v);
    }
    return 1;
}
#else
static int torsh_unary_f32_vector(int op, int64_t n, float *out, const float *in) {
    (void)op; (void)n; (void)out; (void)in;
    return 0;
}
#endif

static int torsh_unary_f64_vector(int op, int64_t n, double *out, const double *in) {
    (void)op; (void)n; (void)out; (void)in;
    return 0;
}

#define LOOP(EXPR) \
    for (int64_t j = 0; j < n; j++) { const __typeof__(*out) x = in[j * step]; out[j] = (EXPR); }
DEFINE_UNARY(torsh_unary_f32, float, expf, logf, sqrtf, tanhf, sinf, cosf, expm1f, log1pf)
DEFINE_UNARY(torsh_unary_f64, double, exp, log, sqrt, tanh, sin, cos, expm1, log1p)
#undef LOOP

#define DEFINE_BINARY(NAME, T)                                                                 \
    TORSH_INLINE void NAME##_run(int op, int64_t n, T *restrict out, const T *restrict pa,    \
                                 int64_t sa, const T *restrict pb, int64_t sb) {               \
        BINARY_LOOPS                                                                           \
    }                                                                                          \
    int NAME(int op, int ndim, const int64_t *shape, T *out, const T *a,                      \
             const int64_t *a_strides, const T *b, const int64_t *b_strides) {                 \
        if (op < 0 || op > TORSH_RELU_BACKWARD) return 1;                                      \
        if (ndim == 0) { NAME##_run(op, 1, out, a, 0, b, 0); return 0; }                      \
        int64_t sa = a_strides[ndim - 1], sb = b_strides[ndim - 1];                            \
        FOR_EACH_BLOCK(ndim, shape, {                                                          \
            T *o = out + r * inner + start;                                                    \
            const T *pa = a + torsh_row_offset(r, ndim, shape, a_strides) + start * sa;        \
            const T *pb = b + torsh_row_offset(r, ndim, shape, b_strides) + start * sb;        \
            if (sa == 1 && sb == 1) NAME##_run(op, length, o, pa, 1, pb, 1);                   \
            else if (sa == 1 && sb == 0) NAME##_run(op, length, o, pa, 1, pb, 0);              \
            else if (sa == 0 && sb == 1) NAME##_run(op, length, o, pa, 0, pb, 1);              \
            else NAME##_run(op, length, o, pa, sa, pb, sb);                                    \
        })                                                                                     \
        return 0;                                                                              \
    }

#define LOOP2(EXPR) for (int64_t j = 0; j < n; j++) {                                       \
        const __typeof__(*out) a = pa[j * sa], b = pb[j * sb];                                \
        out[j] = (EXPR);                                                                      \
    }
DEFINE_BINARY(torsh_binary_f32, float)
DEFINE_BINARY(torsh_binary_f64, double)
#undef LOOP2
