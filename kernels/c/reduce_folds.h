/* reduce.c's contiguous folds: the sum of F(x) and the extremes of n contiguous elements,
   AVX2 in the avx2 build, SSE-width GCC vectors in the portable one, and the SUM_CONTIG /
   EXTREME_CONTIG names reduce.c calls them by. Included once, by reduce.c. */

/* NaN-sticky extremes: once acc is NaN no comparison is true, so it stays NaN. */
#define MAX_STEP(acc, v) ((v) > (acc) || (v) != (v) ? (v) : (acc))
#define MIN_STEP(acc, v) ((v) < (acc) || (v) != (v) ? (v) : (acc))

/* max (larger = 1) or min of n elements; NaN when any is NaN (an unordered-compare mask is
   or-ed along). Four accumulators of W lanes; at the end the extreme of the lanes by a
   shuffle tree (HREDUCE: no NaN is left then, and a tie of -0.0 and 0.0 is settled by the
   caller, which reads the first zero back from x). */
#define DEFINE_EXTREME(NAME, T, W, VEC, LOAD, CMP, OR, MASK, HREDUCE, SET1, MAXV, MINV)        \
    static double NAME(const T *x, int64_t n, int larger) {                                    \
        VEC m0 = SET1(larger ? -INFINITY : INFINITY), m1 = m0, m2 = m0, m3 = m0;               \
        VEC nan = SET1(0);                                                                     \
        int64_t j = 0;                                                                         \
        if (larger) {                                                                          \
            for (; j + 4 * W <= n; j += 4 * W) {                                               \
                VEC v0 = LOAD(x + j), v1 = LOAD(x + j + W), v2 = LOAD(x + j + 2 * W);          \
                VEC v3 = LOAD(x + j + 3 * W);                                                  \
                nan = OR(nan, OR(CMP(v0, v1, _CMP_UNORD_Q), CMP(v2, v3, _CMP_UNORD_Q)));       \
                m0 = MAXV(m0, v0); m1 = MAXV(m1, v1); m2 = MAXV(m2, v2); m3 = MAXV(m3, v3);    \
            }                                                                                  \
        } else {                                                                               \
            for (; j + 4 * W <= n; j += 4 * W) {                                               \
                VEC v0 = LOAD(x + j), v1 = LOAD(x + j + W), v2 = LOAD(x + j + 2 * W);          \
                VEC v3 = LOAD(x + j + 3 * W);                                                  \
                nan = OR(nan, OR(CMP(v0, v1, _CMP_UNORD_Q), CMP(v2, v3, _CMP_UNORD_Q)));       \
                m0 = MINV(m0, v0); m1 = MINV(m1, v1); m2 = MINV(m2, v2); m3 = MINV(m3, v3);    \
            }                                                                                  \
        }                                                                                      \
        if (MASK(nan)) return NAN;                                                                 \
        VEC m = larger ? MAXV(MAXV(m0, m1), MAXV(m2, m3)) : MINV(MINV(m0, m1), MINV(m2, m3));      \
        double acc = HREDUCE(m, larger);                                                           \
        for (; j < n; j++)                                                                     \
            acc = larger ? MAX_STEP(acc, (double)x[j]) : MIN_STEP(acc, (double)x[j]);          \
        return acc;                                                                            \
    }

#if defined(REDUCE_AVX2) || defined(__SSE2__)
#include <emmintrin.h>
/* the max (larger) or min of a vector's lanes: halves folded onto each other (x86-64 always
   has SSE2, so both builds use these) */
TORSH_INLINE float hextreme_ps128(__m128 v, int larger) {
    __m128 h = _mm_movehl_ps(v, v);
    v = larger ? _mm_max_ps(v, h) : _mm_min_ps(v, h);
    h = _mm_shuffle_ps(v, v, 1);
    return _mm_cvtss_f32(larger ? _mm_max_ss(v, h) : _mm_min_ss(v, h));
}
TORSH_INLINE double hextreme_pd128(__m128d v, int larger) {
    __m128d h = _mm_unpackhi_pd(v, v);
    return _mm_cvtsd_f64(larger ? _mm_max_sd(v, h) : _mm_min_sd(v, h));
}
#endif

/* ---------------------------------------------------------------- AVX2 contiguous folds */
#ifdef REDUCE_AVX2
TORSH_INLINE double hsum4(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

/* e^x for float32 lanes, x <= 0 (the sums of logsumexp): 2^k p(r), k = round(x / ln 2),
   r = x - k ln 2 in two parts, p Cephes' degree-6 polynomial (< 2 ulp); 0 below -87.34. */
TORSH_INLINE __m256 exp_ps(__m256 x) {
    const __m256 low = _mm256_set1_ps(-87.33654f);
    __m256 under = _mm256_cmp_ps(x, low, _CMP_LT_OQ);
    x = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(88.37626f)), low);
    __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k),
                                                   _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(under, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
}

TORSH_INLINE __m256d widen_sum(__m256d total, __m256 s) {
    total = _mm256_add_pd(total, _mm256_cvtps_pd(_mm256_castps256_ps128(s)));
    return _mm256_add_pd(total, _mm256_cvtps_pd(_mm256_extractf128_ps(s, 1)));
}

/* sum of F(x[j]) over n floats: F in float32 on 8 lanes, four accumulators that each add
   four vectors in float32 before they are widened into the double total (so a float32 lane
   never sums more than 4 terms, and the widening costs 1/4 of the adds). FS is F on one
   element, in double, for the tail. */
#define DEFINE_SUM_F32(NAME, F, FS)                                                                \
    static double NAME(const float *x, int64_t n, double c) {                                      \
        const __m256 vc = _mm256_set1_ps((float)c);                                                \
        const __m256 sign = _mm256_set1_ps(-0.0f);                                                 \
        (void)vc; (void)sign;                                                                      \
        __m256d total = _mm256_setzero_pd(), t1 = total, t2 = total, t3 = total;                  \
        int64_t j = 0;                                                                             \
        for (; j + 128 <= n; j += 128) {                                                           \
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, v;                         \
            for (int k = 0; k < 128; k += 32) {                                                    \
                v = _mm256_loadu_ps(x + j + k); s0 = _mm256_add_ps(s0, F);                         \
                v = _mm256_loadu_ps(x + j + k + 8); s1 = _mm256_add_ps(s1, F);                     \
                v = _mm256_loadu_ps(x + j + k + 16); s2 = _mm256_add_ps(s2, F);                    \
                v = _mm256_loadu_ps(x + j + k + 24); s3 = _mm256_add_ps(s3, F);                    \
            }                                                                                      \
            /* four independent double sums: no chain of dependent adds */                         \
            total = widen_sum(total, s0); t1 = widen_sum(t1, s1);                                  \
            t2 = widen_sum(t2, s2); t3 = widen_sum(t3, s3);                                        \
        }                                                                                          \
        total = _mm256_add_pd(_mm256_add_pd(total, t1), _mm256_add_pd(t2, t3));                    \
        for (; j + 8 <= n; j += 8) {                                                               \
            __m256 v = _mm256_loadu_ps(x + j);                                                     \
            total = widen_sum(total, F);                                                           \
        }                                                                                          \
        double sum = hsum4(total);                                                                 \
        for (; j < n; j++) { double v = x[j]; sum += FS; }                                         \
        return sum;                                                                                \
    }

DEFINE_SUM_F32(sum_f32_avx2, v, v)
DEFINE_SUM_F32(sum_abs_f32_avx2, _mm256_andnot_ps(sign, v), fabs(v))
DEFINE_SUM_F32(sum_sq_f32_avx2, _mm256_mul_ps(v, v), v * v)
DEFINE_SUM_F32(sum_sqdev_f32_avx2,
               _mm256_mul_ps(_mm256_sub_ps(v, vc), _mm256_sub_ps(v, vc)), (v - c) * (v - c))
DEFINE_SUM_F32(sum_exp_f32_avx2, exp_ps(_mm256_sub_ps(v, vc)), exp(v - c))

/* sum of F(x[j]) over n doubles, four accumulators */
#define DEFINE_SUM_F64(NAME, F, FS)                                                                \
    static double NAME(const double *x, int64_t n, double c) {                                     \
        const __m256d vc = _mm256_set1_pd(c), sign = _mm256_set1_pd(-0.0);                         \
        (void)vc; (void)sign;                                                                      \
        __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0, v;                            \
        int64_t j = 0;                                                                             \
        for (; j + 16 <= n; j += 16) {                                                             \
            v = _mm256_loadu_pd(x + j); a0 = _mm256_add_pd(a0, F);                                 \
            v = _mm256_loadu_pd(x + j + 4); a1 = _mm256_add_pd(a1, F);                             \
            v = _mm256_loadu_pd(x + j + 8); a2 = _mm256_add_pd(a2, F);                             \
            v = _mm256_loadu_pd(x + j + 12); a3 = _mm256_add_pd(a3, F);                            \
        }                                                                                          \
        double sum = hsum4(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));           \
        for (; j < n; j++) { double w = x[j]; sum += FS; }                                         \
        return sum;                                                                                \
    }

DEFINE_SUM_F64(sum_f64_avx2, v, w)
DEFINE_SUM_F64(sum_abs_f64_avx2, _mm256_andnot_pd(sign, v), fabs(w))
DEFINE_SUM_F64(sum_sq_f64_avx2, _mm256_mul_pd(v, v), w * w)
DEFINE_SUM_F64(sum_sqdev_f64_avx2,
               _mm256_mul_pd(_mm256_sub_pd(v, vc), _mm256_sub_pd(v, vc)), (w - c) * (w - c))

/* the same over 256-bit vectors: the two halves folded first */
TORSH_INLINE float hextreme_ps256(__m256 v, int larger) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    return hextreme_ps128(larger ? _mm_max_ps(lo, hi) : _mm_min_ps(lo, hi), larger);
}
TORSH_INLINE double hextreme_pd256(__m256d v, int larger) {
    __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    return hextreme_pd128(larger ? _mm_max_pd(lo, hi) : _mm_min_pd(lo, hi), larger);
}

DEFINE_EXTREME(extreme_f32_avx2, float, 8, __m256, _mm256_loadu_ps, _mm256_cmp_ps, _mm256_or_ps,
               _mm256_movemask_ps, hextreme_ps256, _mm256_set1_ps, _mm256_max_ps,
               _mm256_min_ps)
DEFINE_EXTREME(extreme_f64_avx2, double, 4, __m256d, _mm256_loadu_pd, _mm256_cmp_pd,
               _mm256_or_pd, _mm256_movemask_pd, hextreme_pd256, _mm256_set1_pd,
               _mm256_max_pd, _mm256_min_pd)

/* first j with x[j] == t (x[j] is NaN when t is NaN), or -1 */
static int64_t locate_f32_avx2(const float *x, int64_t n, float t) {
    int64_t j = 0;
    __m256 target = _mm256_set1_ps(t);
    int nan = t != t;
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_loadu_ps(x + j);
        __m256 hit = nan ? _mm256_cmp_ps(v, v, _CMP_UNORD_Q) : _mm256_cmp_ps(v, target,
                                                                              _CMP_EQ_OQ);
        int mask = _mm256_movemask_ps(hit);
        if (mask) return j + __builtin_ctz((unsigned)mask);
    }
    for (; j < n; j++)
        if (nan ? x[j] != x[j] : x[j] == t) return j;
    return -1;
}

static int64_t locate_f64_avx2(const double *x, int64_t n, double t) {
    int64_t j = 0;
    __m256d target = _mm256_set1_pd(t);
    int nan = t != t;
    for (; j + 4 <= n; j += 4) {
        __m256d v = _mm256_loadu_pd(x + j);
        __m256d hit = nan ? _mm256_cmp_pd(v, v, _CMP_UNORD_Q) : _mm256_cmp_pd(v, target,
                                                                               _CMP_EQ_OQ);
        int mask = _mm256_movemask_pd(hit);
        if (mask) return j + __builtin_ctz((unsigned)mask);
    }
    for (; j < n; j++)
        if (nan ? x[j] != x[j] : x[j] == t) return j;
    return -1;
}
#endif

#ifndef REDUCE_AVX2
/* The portable build's contiguous sums and extremes, in GCC vector types of SSE's width: the
   same walk as the AVX2 ones (a float32 lane adds 4 terms before it is widened). */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef double v2d __attribute__((vector_size(16)));
typedef int64_t v2l __attribute__((vector_size(16)));
TORSH_INLINE v4f load_v4f(const float *p) { v4f v; memcpy(&v, p, sizeof v); return v; }
TORSH_INLINE v2d load_v2d(const double *p) { v2d v; memcpy(&v, p, sizeof v); return v; }
#define WIDEN_V4F(acc, v)                                                                          \
    (acc += __builtin_convertvector(__builtin_shufflevector((v), (v), 0, 1), v2d) +                \
            __builtin_convertvector(__builtin_shufflevector((v), (v), 2, 3), v2d))

static double sum_f32_vec(const float *x, int64_t n) {
    v2d a0 = {0, 0}, a1 = a0, a2 = a0, a3 = a0;
    int64_t j = 0;
    for (; j + 64 <= n; j += 64) {
        v4f s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
        for (int k = 0; k < 64; k += 16) {
            s0 += load_v4f(x + j + k); s1 += load_v4f(x + j + k + 4);
            s2 += load_v4f(x + j + k + 8); s3 += load_v4f(x + j + k + 12);
        }
        WIDEN_V4F(a0, s0); WIDEN_V4F(a1, s1); WIDEN_V4F(a2, s2); WIDEN_V4F(a3, s3);
    }
    for (; j + 4 <= n; j += 4) { v4f v = load_v4f(x + j); WIDEN_V4F(a0, v); }
    v2d t = (a0 + a1) + (a2 + a3);
    double sum = t[0] + t[1];
    for (; j < n; j++) sum += x[j];
    return sum;
}

static double sum_f64_vec(const double *x, int64_t n) {
    v2d a0 = {0, 0}, a1 = a0, a2 = a0, a3 = a0;
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        a0 += load_v2d(x + j); a1 += load_v2d(x + j + 2);
        a2 += load_v2d(x + j + 4); a3 += load_v2d(x + j + 6);
    }
    v2d t = (a0 + a1) + (a2 + a3);
    double sum = t[0] + t[1];
    for (; j < n; j++) sum += x[j];
    return sum;
}

/* max (larger) or min of n elements, NaN when one is NaN: lane-wise selects on masks */
#define SELECT(VT, VI, k, a, b) ((VT)(((VI)(a) & (k)) | ((VI)(b) & ~(k))))
#define EXTREME_STEPS(VT, VI, W, LOAD, CMP)                                                        \
    for (; j + 2 * W <= n; j += 2 * W) {                                                           \
        VT v0 = LOAD(x + j), v1 = LOAD(x + j + W);                                                 \
        nan |= (v0 != v0) | (v1 != v1);                                                            \
        m0 = SELECT(VT, VI, v0 CMP m0, v0, m0);                                                    \
        m1 = SELECT(VT, VI, v1 CMP m1, v1, m1);                                                    \
    }
#define DEFINE_EXTREME_VEC(NAME, T, W, VT, VI, LOAD)                                               \
    static double NAME(const T *x, int64_t n, int larger) {                                        \
        const T start = larger ? -INFINITY : INFINITY;                                             \
        VT m0 = (VT){0} + start, m1 = m0;                                                          \
        VI nan = (VI){0};                                                                          \
        int64_t j = 0;                                                                             \
        if (larger) { EXTREME_STEPS(VT, VI, W, LOAD, >) }                                          \
        else { EXTREME_STEPS(VT, VI, W, LOAD, <) }                                                 \
        int any_nan = 0;                                                                           \
        for (int k = 0; k < W; k++) any_nan |= nan[k] != 0;                                        \
        if (any_nan) return NAN;                                                                   \
        double acc = start;                                                                        \
        for (int k = 0; k < W; k++) {                                                              \
            acc = larger ? MAX_STEP(acc, (double)m0[k]) : MIN_STEP(acc, (double)m0[k]);            \
            acc = larger ? MAX_STEP(acc, (double)m1[k]) : MIN_STEP(acc, (double)m1[k]);            \
        }                                                                                          \
        for (; j < n; j++)                                                                         \
            acc = larger ? MAX_STEP(acc, (double)x[j]) : MIN_STEP(acc, (double)x[j]);              \
        return acc;                                                                                \
    }
#ifdef __SSE2__
/* x86-64 always has SSE2: its max/min instructions beat the selects */
#include <emmintrin.h>
#define UNORD_PS(a, b, predicate) _mm_cmpunord_ps(a, b)
#define UNORD_PD(a, b, predicate) _mm_cmpunord_pd(a, b)
DEFINE_EXTREME(extreme_f32_vec, float, 4, __m128, _mm_loadu_ps, UNORD_PS, _mm_or_ps,
               _mm_movemask_ps, hextreme_ps128, _mm_set1_ps, _mm_max_ps, _mm_min_ps)
DEFINE_EXTREME(extreme_f64_vec, double, 2, __m128d, _mm_loadu_pd, UNORD_PD, _mm_or_pd,
               _mm_movemask_pd, hextreme_pd128, _mm_set1_pd, _mm_max_pd, _mm_min_pd)
#else
DEFINE_EXTREME_VEC(extreme_f32_vec, float, 4, v4f, v4i, load_v4f)
DEFINE_EXTREME_VEC(extreme_f64_vec, double, 2, v2d, v2l, load_v2d)
#endif
#define SUM_CONTIG_f32(x, n) sum_f32_vec(x, n)
#define SUM_CONTIG_f64(x, n) sum_f64_vec(x, n)
#define EXTREME_CONTIG_f32(x, n, larger) extreme_f32_vec(x, n, larger)
#define EXTREME_CONTIG_f64(x, n, larger) extreme_f64_vec(x, n, larger)
#else
#define SUM_CONTIG_f32(x, n) sum_f32_avx2(x, n, 0.0)
#define SUM_CONTIG_f64(x, n) sum_f64_avx2(x, n, 0.0)
#define EXTREME_CONTIG_f32(x, n, larger) extreme_f32_avx2(x, n, larger)
#define EXTREME_CONTIG_f64(x, n, larger) extreme_f64_avx2(x, n, larger)
#endif
