/* Reductions over a set of dims (sum, mean, prod, amax/amin, argmax/argmin, all/any, var/std,
   norm, logsumexp) and scans along one dim (cumsum, cumprod). See torsh_reduce.h.

   Every reduction is built from "folds": one pass over an output's group of elements that
   combines them into a double (integers: a wrapping int64) -- a sum, a product, a NaN-sticky
   max ... -- plus "locate", the first position of the group holding a given value (argmax is
   a max fold, then locate of that max; the first NaN when the max is NaN). Floats are folded
   in double (AVX2 float32 sums add at most 4 terms per lane in float32 before widening), so
   float32 sums agree with the reference (which sums in double) to a few ulps.

   The memory walk: a group is walked in row-major order of the reduced dims, a lane (the
   last reduced dim) at a time. Three schedules:
   - rows: each output's lane is contiguous (or strided): one fold per output, AVX2 (SSE
     vectors on the portable build) for the hot folds on contiguous lanes; outputs are
     spread over threads; sum/mean/amax/amin of one contiguous reduced dim skip the folds'
     bookkeeping (lane_*: one vector sum or extreme per output);
   - columns: the last kept dim is contiguous and the reduced one is not (sum over dim 0):
     a block of neighbouring outputs is folded together, one reduced element at a time, so
     the inner loop runs along contiguous memory;
   - split: one output over a large group (sum of everything): the group is cut into one
     range per thread and the partial folds are combined in order.
   Threads only for large work: small calls never enter OpenMP (TORSH_FOR). */
#include "internal.h"
#include "torsh_reduce.h"

#include <string.h>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define REDUCE_AVX2 1
#endif

#define COLUMN_BLOCK 128     /* outputs folded together in the column schedule */
#define MAX_THREADS 64

enum fold_kind {
    F_SUM, F_PROD, F_MAX, F_MIN, F_ALL, F_ANY, F_SQDEV, F_EXP, F_ABS, F_SQ, F_POW, F_NONZERO,
    F_MAXABS, F_MINABS
};

/* The reduced dims of one call: shape/strides (merged, at least one dim) and their count. */
typedef struct {
    int nr;
    const int64_t *shape, *strides;
    int64_t n;
} rspace;

TORSH_INLINE int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* Offset of the reduced element with row-major index `lin`. */
TORSH_INLINE int64_t reduced_offset(const rspace *r, int64_t lin) {
    int64_t n = r->shape[r->nr - 1];
    return torsh_row_offset(lin / n, r->nr, r->shape, r->strides) + (lin % n) *
           r->strides[r->nr - 1];
}

/* Offset of kept output o (row-major over the kept dims). */
TORSH_INLINE int64_t kept_offset(int64_t o, int nk, const int64_t *kshape,
                                 const int64_t *kstrides) {
    return torsh_row_offset(o / kshape[nk - 1], nk, kshape, kstrides) +
           (o % kshape[nk - 1]) * kstrides[nk - 1];
}

static double identity(int kind) {
    switch (kind) {
    case F_PROD: case F_ALL: return 1.0;
    case F_MAX: case F_MAXABS: return -INFINITY;
    case F_MIN: case F_MINABS: return INFINITY;
    default: return 0.0;
    }
}

/* NaN-sticky extremes: once acc is NaN no comparison is true, so it stays NaN. */
#define MAX_STEP(acc, v) ((v) > (acc) || (v) != (v) ? (v) : (acc))
#define MIN_STEP(acc, v) ((v) < (acc) || (v) != (v) ? (v) : (acc))

/* Two partial folds of consecutive ranges, combined. */
static double combine(int kind, double a, double b) {
    switch (kind) {
    case F_PROD: return a * b;
    case F_MAX: case F_MAXABS: return a != a ? a : MAX_STEP(a, b);
    case F_MIN: case F_MINABS: return a != a ? a : MIN_STEP(a, b);
    case F_ALL: return a != 0 && b != 0;
    case F_ANY: return a != 0 || b != 0;
    default: return a + b;
    }
}

/* max (larger = 1) or min of n elements; NaN when any is NaN (an unordered-compare mask is
   or-ed along). Four accumulators of W lanes; the extremes of the lanes at the end. */
#define DEFINE_EXTREME(NAME, T, W, VEC, LOAD, CMP, OR, MASK, STORE, SET1, MAXV, MINV)          \
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
        T lanes[W];                                                                                \
        STORE(lanes, m);                                                                           \
        double acc = lanes[0];                                                                     \
        for (int k = 1; k < W; k++)                                                                \
            acc = larger ? MAX_STEP(acc, (double)lanes[k]) : MIN_STEP(acc, (double)lanes[k]);      \
        for (; j < n; j++)                                                                     \
            acc = larger ? MAX_STEP(acc, (double)x[j]) : MIN_STEP(acc, (double)x[j]);          \
        return acc;                                                                            \
    }

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

DEFINE_EXTREME(extreme_f32_avx2, float, 8, __m256, _mm256_loadu_ps, _mm256_cmp_ps, _mm256_or_ps,
               _mm256_movemask_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_max_ps,
               _mm256_min_ps)
DEFINE_EXTREME(extreme_f64_avx2, double, 4, __m256d, _mm256_loadu_pd, _mm256_cmp_pd,
               _mm256_or_pd, _mm256_movemask_pd, _mm256_storeu_pd, _mm256_set1_pd,
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
               _mm_movemask_ps, _mm_storeu_ps, _mm_set1_ps, _mm_max_ps, _mm_min_ps)
DEFINE_EXTREME(extreme_f64_vec, double, 2, __m128d, _mm_loadu_pd, UNORD_PD, _mm_or_pd,
               _mm_movemask_pd, _mm_storeu_pd, _mm_set1_pd, _mm_max_pd, _mm_min_pd)
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

#ifdef _OPENMP
#define THREAD_ID() omp_get_thread_num()
#define THREAD_COUNT() omp_get_num_threads()
#define THREADS_WANTED()                                                                           \
    (omp_get_max_threads() < MAX_THREADS ? omp_get_max_threads() : MAX_THREADS)
#else
#define THREAD_ID() 0
#define THREAD_COUNT() 1
#define THREADS_WANTED() 1
#endif

/* ---------------------------------------------------------------- float folds, per type */

/* acc combined with the n elements x[0], x[s], ...; `c` is the centre (SQDEV, EXP) or p. */
#define FOLD_LANE_BODY(kind, x, n, s, c, acc)                                                      \
    switch (kind) {                                                                                \
    case F_SUM: for (int64_t j = 0; j < n; j++) { acc += x[j * s]; } break;                        \
    case F_PROD: for (int64_t j = 0; j < n; j++) { acc *= x[j * s]; } break;                       \
    case F_MAX: for (int64_t j = 0; j < n; j++) { acc = MAX_STEP(acc, (double)x[j * s]); } break;  \
    case F_MIN: for (int64_t j = 0; j < n; j++) { acc = MIN_STEP(acc, (double)x[j * s]); } break;  \
    case F_ALL: for (int64_t j = 0; j < n; j++) { acc = acc != 0 && x[j * s] != 0; } break;        \
    case F_ANY: for (int64_t j = 0; j < n; j++) { acc = acc != 0 || x[j * s] != 0; } break;        \
    case F_SQDEV:                                                                                  \
        for (int64_t j = 0; j < n; j++) { double d = x[j * s] - c; acc += d * d; } break;          \
    case F_EXP: for (int64_t j = 0; j < n; j++) { acc += exp(x[j * s] - c); } break;               \
    case F_ABS: for (int64_t j = 0; j < n; j++) { acc += fabs((double)x[j * s]); } break;          \
    case F_SQ: for (int64_t j = 0; j < n; j++) { double v = x[j * s]; acc += v * v; } break;       \
    case F_POW: for (int64_t j = 0; j < n; j++) { acc += pow(fabs((double)x[j * s]), c); } break;  \
    case F_NONZERO: for (int64_t j = 0; j < n; j++) { acc += x[j * s] != 0; } break;               \
    case F_MAXABS:                                                                                 \
        for (int64_t j = 0; j < n; j++) { acc = MAX_STEP(acc, fabs((double)x[j * s])); } break;    \
    case F_MINABS:                                                                                 \
        for (int64_t j = 0; j < n; j++) { acc = MIN_STEP(acc, fabs((double)x[j * s])); } break;    \
    }

/* The column schedule: acc[j] (j < w) combined with p[j], for one reduced element p. */
#define FOLD_COLUMN_BODY(kind, p, w, c, acc)                                                       \
    switch (kind) {                                                                                \
    case F_SUM: for (int j = 0; j < w; j++) { acc[j] += p[j]; } break;                             \
    case F_PROD: for (int j = 0; j < w; j++) { acc[j] *= p[j]; } break;                            \
    case F_MAX: for (int j = 0; j < w; j++) { acc[j] = MAX_STEP(acc[j], (double)p[j]); } break;    \
    case F_MIN: for (int j = 0; j < w; j++) { acc[j] = MIN_STEP(acc[j], (double)p[j]); } break;    \
    case F_ALL: for (int j = 0; j < w; j++) { acc[j] = acc[j] != 0 && p[j] != 0; } break;          \
    case F_ANY: for (int j = 0; j < w; j++) { acc[j] = acc[j] != 0 || p[j] != 0; } break;          \
    case F_SQDEV:                                                                                  \
        for (int j = 0; j < w; j++) { double d = p[j] - c[j]; acc[j] += d * d; } break;            \
    case F_EXP: for (int j = 0; j < w; j++) { acc[j] += exp(p[j] - c[j]); } break;                 \
    case F_ABS: for (int j = 0; j < w; j++) { acc[j] += fabs((double)p[j]); } break;               \
    case F_SQ: for (int j = 0; j < w; j++) { double v = p[j]; acc[j] += v * v; } break;            \
    case F_POW: for (int j = 0; j < w; j++) { acc[j] += pow(fabs((double)p[j]), c[j]); } break;    \
    case F_NONZERO: for (int j = 0; j < w; j++) { acc[j] += p[j] != 0; } break;                    \
    case F_MAXABS:                                                                                 \
        for (int j = 0; j < w; j++) { acc[j] = MAX_STEP(acc[j], fabs((double)p[j])); } break;      \
    case F_MINABS:                                                                                 \
        for (int j = 0; j < w; j++) { acc[j] = MIN_STEP(acc[j], fabs((double)p[j])); } break;      \
    }

#ifdef REDUCE_AVX2
#define FAST_SUMS(SUF, kind, x, n, c, acc)                                                         \
    switch (kind) {                                                                                \
    case F_SUM: return acc + sum_##SUF##_avx2(x, n, c);                                            \
    case F_ABS: return acc + sum_abs_##SUF##_avx2(x, n, c);                                        \
    case F_SQ: return acc + sum_sq_##SUF##_avx2(x, n, c);                                          \
    case F_SQDEV: return acc + sum_sqdev_##SUF##_avx2(x, n, c);                                    \
    case F_MAX: case F_MIN: {                                                                      \
        double m = extreme_##SUF##_avx2(x, n, kind == F_MAX);                                      \
        return combine(kind, acc, m);                                                              \
    }                                                                                              \
    }
#define FAST_LANE_f32(kind, x, n, c, acc)                                                          \
    if (kind == F_EXP) return acc + sum_exp_f32_avx2(x, n, c);                                     \
    FAST_SUMS(f32, kind, x, n, c, acc)
#define FAST_LANE_f64(kind, x, n, c, acc) FAST_SUMS(f64, kind, x, n, c, acc)
#define FAST_LOCATE_f32(x, n, t) return locate_f32_avx2(x, n, (float)t);
#define FAST_LOCATE_f64(x, n, t) return locate_f64_avx2(x, n, t);
#else
#define FAST_VEC(SUF, kind, x, n, acc)                                                             \
    switch (kind) {                                                                                \
    case F_SUM: return acc + sum_##SUF##_vec(x, n);                                                \
    case F_MAX: case F_MIN: return combine(kind, acc, extreme_##SUF##_vec(x, n, kind == F_MAX));   \
    }
#define FAST_LANE_f32(kind, x, n, c, acc) FAST_VEC(f32, kind, x, n, acc)
#define FAST_LANE_f64(kind, x, n, c, acc) FAST_VEC(f64, kind, x, n, acc)
#define FAST_LOCATE_f32(x, n, t)
#define FAST_LOCATE_f64(x, n, t)
#endif

#define DEFINE_FLOAT_FOLDS(SUF, T)                                                                 \
    static double fold_lane_##SUF(int kind, const T *x, int64_t n, int64_t s, double c,            \
                                  double acc) {                                                    \
        if (s == 1) {                                                                              \
            FAST_LANE_##SUF(kind, x, n, c, acc)                                                    \
            FOLD_LANE_BODY(kind, x, n, 1, c, acc)                                                  \
            return acc;                                                                            \
        }                                                                                          \
        FOLD_LANE_BODY(kind, x, n, s, c, acc)                                                      \
        return acc;                                                                                \
    }                                                                                              \
    static int64_t locate_lane_##SUF(const T *x, int64_t n, int64_t s, double t) {                 \
        if (s == 1) { FAST_LOCATE_##SUF(x, n, t) }                                                 \
        int nan = t != t;                                                                          \
        for (int64_t j = 0; j < n; j++) {                                                          \
            double v = x[j * s];                                                                   \
            if (nan ? v != v : v == t) return j;                                                   \
        }                                                                                          \
        return -1;                                                                                 \
    }                                                                                              \
    /* fold of the group's elements [a, b) (row-major order), starting from acc */                 \
    static double fold_range_##SUF(int kind, const T *x, const rspace *r, int64_t a,               \
                                   int64_t b, double c, double acc) {                              \
        int64_t n = r->shape[r->nr - 1], s = r->strides[r->nr - 1];                                \
        while (a < b) {                                                                            \
            int64_t j = a % n, len = min64(n - j, b - a);                                          \
            acc = fold_lane_##SUF(kind, x + reduced_offset(r, a), len, s, c, acc);                 \
            a += len;                                                                              \
        }                                                                                          \
        return acc;                                                                                \
    }                                                                                              \
    static int64_t locate_range_##SUF(const T *x, const rspace *r, int64_t a, int64_t b,           \
                                      double t) {                                                  \
        int64_t n = r->shape[r->nr - 1], s = r->strides[r->nr - 1];                                \
        while (a < b) {                                                                            \
            int64_t j = a % n, len = min64(n - j, b - a);                                          \
            int64_t hit = locate_lane_##SUF(x + reduced_offset(r, a), len, s, t);                  \
            if (hit >= 0) return a + hit;                                                          \
            a += len;                                                                              \
        }                                                                                          \
        return -1;                                                                                 \
    }                                                                                              \
    /* acc[j] = the fold of output j's group, j < w; w > 1: the column schedule (output j's        \
       elements lie at j past output 0's); split: one output's group cut over threads */           \
    static void fold_##SUF(int kind, const T *x, const rspace *r, int w, const double *c,          \
                           double *acc, int split) {                                               \
        for (int j = 0; j < w; j++) acc[j] = identity(kind);                                       \
        if (w == 1 && split) {                                                                     \
            double part[MAX_THREADS];                                                              \
            int used = 1, want = THREADS_WANTED(); (void)want;                                     \
            _Pragma("omp parallel num_threads(want)")                                              \
            {                                                                                      \
                int t = THREAD_ID(), nt = THREAD_COUNT();                                          \
                int64_t a = r->n * t / nt, b = r->n * (t + 1) / nt;                                \
                part[t] = fold_range_##SUF(kind, x, r, a, b, c[0], identity(kind));                \
                if (t == 0) used = nt;                                                             \
            }                                                                                      \
            for (int t = 0; t < used; t++) acc[0] = combine(kind, acc[0], part[t]);                \
            return;                                                                                \
        }                                                                                          \
        if (w == 1) { acc[0] = fold_range_##SUF(kind, x, r, 0, r->n, c[0], acc[0]); return; }      \
        int64_t n = r->shape[r->nr - 1], s = r->strides[r->nr - 1];                                \
        for (int64_t row = 0; n > 0 && row < r->n / n; row++) {                                    \
            const T *lane = x + torsh_row_offset(row, r->nr, r->shape, r->strides);                \
            int64_t k = 0;                                                                         \
            if (kind == F_SUM)      /* 4 reduced elements added in T, then into double */          \
                for (; k + 4 <= n; k += 4) {                                                       \
                    const T *p0 = lane + k * s, *p1 = p0 + s, *p2 = p1 + s, *p3 = p2 + s;          \
                    for (int j = 0; j < w; j++)                                                    \
                        acc[j] += (double)((p0[j] + p1[j]) + (p2[j] + p3[j]));                     \
                }                                                                                  \
            for (; k < n; k++) {                                                                   \
                const T *p = lane + k * s;                                                         \
                FOLD_COLUMN_BODY(kind, p, w, c, acc)                                               \
            }                                                                                      \
        }                                                                                          \
    }                                                                                              \
    /* idx[j] = the first position in output j's group holding t[j] */                             \
    static void locate_##SUF(const T *x, const rspace *r, int w, const double *t,                  \
                             int64_t *idx, int split) {                                            \
        if (w == 1 && split) {                                                                     \
            int64_t part[MAX_THREADS];                                                             \
            int used = 1, want = THREADS_WANTED(); (void)want;                                     \
            _Pragma("omp parallel num_threads(want)")                                              \
            {                                                                                      \
                int th = THREAD_ID(), nt = THREAD_COUNT();                                         \
                int64_t a = r->n * th / nt, b = r->n * (th + 1) / nt;                              \
                part[th] = locate_range_##SUF(x, r, a, b, t[0]);                                   \
                if (th == 0) used = nt;                                                            \
            }                                                                                      \
            idx[0] = -1;                                                                           \
            for (int th = 0; th < used && idx[0] < 0; th++) idx[0] = part[th];                     \
            return;                                                                                \
        }                                                                                          \
        if (w == 1) { idx[0] = locate_range_##SUF(x, r, 0, r->n, t[0]); return; }                  \
        for (int j = 0; j < w; j++) idx[j] = -1;                                                   \
        int64_t n = r->shape[r->nr - 1], s = r->strides[r->nr - 1];                                \
        for (int64_t lin = 0; n > 0 && lin < r->n; lin++) {                                        \
            const T *p = x + torsh_row_offset(lin / n, r->nr, r->shape, r->strides) +              \
                         (lin % n) * s;                                                            \
            for (int j = 0; j < w; j++) {                                                          \
                double v = p[j];                                                                   \
                int hit = t[j] != t[j] ? v != v : v == t[j];                                       \
                idx[j] = idx[j] < 0 && hit ? lin : idx[j];                                         \
            }                                                                                      \
        }                                                                                          \
    }

DEFINE_FLOAT_FOLDS(f32, float)
DEFINE_FLOAT_FOLDS(f64, double)

/* argmax/argmin of w neighbouring outputs in one pass (the column schedule): a later element
   replaces the best only when strictly better, or when it is the first NaN */
#define DEFINE_ARG_COLUMNS(SUF, T)                                                                 \
    static void arg_columns_##SUF(const T *x, const rspace *r, int w, int larger,                  \
                                  int64_t *idx) {                                                  \
        T best[COLUMN_BLOCK];                                                                      \
        for (int j = 0; j < w; j++) { best[j] = larger ? -INFINITY : INFINITY; idx[j] = 0; }       \
        int64_t n = r->shape[r->nr - 1], s = r->strides[r->nr - 1];                                \
        for (int64_t row = 0; n > 0 && row < r->n / n; row++) {                                    \
            const T *lane = x + torsh_row_offset(row, r->nr, r->shape, r->strides);                \
            for (int64_t k = 0; k < n; k++) {                                                      \
                const T *p = lane + k * s;                                                         \
                int64_t lin = row * n + k;                                                         \
                for (int j = 0; j < w; j++) {                                                      \
                    T v = p[j], b = best[j];                                                       \
                    int take = (larger ? v > b : v < b) | ((v != v) & (b == b));                   \
                    best[j] = take ? v : b;                                                        \
                    idx[j] = take ? lin : idx[j];                                                  \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

DEFINE_ARG_COLUMNS(f32, float)
DEFINE_ARG_COLUMNS(f64, double)

/* ---------------------------------------------------------------- float reductions */

/* Outputs o .. o + w - 1 of `op`: output j's group starts at x + j (w > 1 only in the
   column schedule). Each op is a sequence of folds over the groups, then a formula. */
#define DEFINE_FLOAT_REDUCE(SUF, T)                                                                \
    static void block_##SUF(int op, const T *x, const rspace *r, int w, double param,              \
                            void *out, int64_t o, int split) {                                     \
        double acc[COLUMN_BLOCK], c[COLUMN_BLOCK], top[COLUMN_BLOCK], n = (double)r->n;            \
        int64_t idx[COLUMN_BLOCK];                                                                 \
        T *values = (T *)out + o;                                                                  \
        for (int j = 0; j < COLUMN_BLOCK; j++) c[j] = param;  /* all: -O1 cannot see w <= it */  \
        switch (op) {                                                                              \
        case TORSH_R_SUM: case TORSH_R_MEAN: case TORSH_R_PROD:                                    \
            fold_##SUF(op == TORSH_R_PROD ? F_PROD : F_SUM, x, r, w, c, acc, split);               \
            for (int j = 0; j < w; j++)                                                            \
                values[j] = (T)(op == TORSH_R_MEAN ? acc[j] / n : acc[j]);                         \
            break;                                                                                 \
        case TORSH_R_AMAX: case TORSH_R_AMIN: case TORSH_R_ARGMAX: case TORSH_R_ARGMIN: {          \
            if ((op == TORSH_R_ARGMAX || op == TORSH_R_ARGMIN) && w > 1) {                         \
                arg_columns_##SUF(x, r, w, op == TORSH_R_ARGMAX, (int64_t *)out + o);              \
                break;                                                                             \
            }                                                                                      \
            /* else a max (min) fold, then the first position holding it */                        \
            int larger = op == TORSH_R_AMAX || op == TORSH_R_ARGMAX, zero = 0;                     \
            fold_##SUF(larger ? F_MAX : F_MIN, x, r, w, c, acc, split);                            \
            for (int j = 0; j < w; j++) zero |= acc[j] == 0;                                       \
            if (op == TORSH_R_ARGMAX || op == TORSH_R_ARGMIN) {                                    \
                locate_##SUF(x, r, w, acc, (int64_t *)out + o, split);                             \
                break;                                                                             \
            }                                                                                      \
            /* a zero extreme keeps the sign of the first zero, as the reference's max() */        \
            if (zero) locate_##SUF(x, r, w, acc, idx, split);                                      \
            for (int j = 0; j < w; j++)                                                            \
                values[j] = acc[j] == 0 ? x[j + reduced_offset(r, idx[j])] : (T)acc[j];            \
            break;                                                                                 \
        }                                                                                          \
        case TORSH_R_ALL: case TORSH_R_ANY:                                                        \
            fold_##SUF(op == TORSH_R_ALL ? F_ALL : F_ANY, x, r, w, c, acc, split);                 \
            for (int j = 0; j < w; j++) ((uint8_t *)out)[o + j] = acc[j] != 0;                     \
            break;                                                                                 \
        case TORSH_R_VAR: case TORSH_R_STD: {                                                      \
            /* sum((x - mean)^2) / max(0, N - correction), two passes */                           \
            fold_##SUF(F_SUM, x, r, w, c, acc, split);                                             \
            for (int j = 0; j < w; j++) c[j] = acc[j] / n;                                         \
            fold_##SUF(F_SQDEV, x, r, w, c, acc, split);                                           \
            double divisor = n - param > 0 ? n - param : 0.0;                                      \
            for (int j = 0; j < w; j++) {                                                          \
                double v = acc[j] / divisor;                                                       \
                values[j] = (T)(op == TORSH_R_STD ? sqrt(v) : v);                                  \
            }                                                                                      \
            break;                                                                                 \
        }                                                                                          \
        case TORSH_R_NORM: {                                                                       \
            /* (sum |x|^p)^(1/p); inf: max |x|, -inf: min |x|, 0: count of nonzeros */             \
            double p = param;                                                                      \
            int kind = isinf(p) ? (p > 0 ? F_MAXABS : F_MINABS) : p == 0 ? F_NONZERO :             \
                       p == 1 ? F_ABS : p == 2 ? F_SQ : F_POW;                                     \
            fold_##SUF(kind, x, r, w, c, acc, split);                                              \
            for (int j = 0; j < w; j++)                                                            \
                values[j] = (T)(kind == F_SQ ? sqrt(acc[j]) :                                      \
                                kind == F_POW ? pow(acc[j], 1.0 / p) : acc[j]);                    \
            break;                                                                                 \
        }                                                                                          \
        case TORSH_R_LOGSUMEXP:                                                                    \
            /* m + log(sum exp(x - m)), m = max (0 when infinite); NaN in gives NaN */             \
            fold_##SUF(F_MAX, x, r, w, c, top, split);                                             \
            for (int j = 0; j < w; j++) c[j] = isinf(top[j]) ? 0.0 : top[j];                       \
            fold_##SUF(F_EXP, x, r, w, c, acc, split);                                             \
            for (int j = 0; j < w; j++)                                                            \
                values[j] = (T)(top[j] != top[j] || top[j] == INFINITY ? top[j] :                  \
                                log(acc[j]) + c[j]);                                               \
            break;                                                                                 \
        }                                                                                          \
    }                                                                                              \
    /* sum, mean, amax or amin of the n contiguous elements at x into output o */                  \
    static void lane_##SUF(int op, const T *x, int64_t n, void *out, int64_t o) {                  \
        T *values = (T *)out;                                                                      \
        if (op == TORSH_R_SUM || op == TORSH_R_MEAN) {                                             \
            double sum = SUM_CONTIG_##SUF(x, n);                                                   \
            values[o] = (T)(op == TORSH_R_MEAN ? sum / (double)n : sum);                           \
            return;                                                                                \
        }                                                                                          \
        double best = EXTREME_CONTIG_##SUF(x, n, op == TORSH_R_AMAX);                              \
        int64_t j = 0;                                                                             \
        if (best == 0)              /* the sign of the first zero, as in the fold schedule */      \
            while (x[j] != 0) j++;                                                                 \
        values[o] = best == 0 ? x[j] : (T)best;                                                    \
    }                                                                                              \
    /* outputs of task t: w neighbours in the column schedule, else one */                         \
    static void task_##SUF(int op, const T *x, const rspace *r, int nk, const int64_t *kshape,     \
                           const int64_t *kstrides, int64_t t, int64_t per_row, int64_t width,     \
                           double param, void *out) {                                              \
        int64_t inner = kshape[nk - 1], row = t / per_row, start = (t % per_row) * width;          \
        int w = (int)min64(width, inner - start);                                                  \
        const T *base = x + torsh_row_offset(row, nk, kshape, kstrides) + start *                  \
                        kstrides[nk - 1];                                                          \
        block_##SUF(op, base, r, w, param, out, row * inner + start, 0);                           \
    }                                                                                              \
    int torsh_reduce_##SUF(int op, int nk, const int64_t *kshape, const int64_t *kstrides,         \
                           int nr, const int64_t *rshape, const int64_t *rstrides,                 \
                           const T *x, void *out, double param) {                                  \
        if (op < 0 || op > TORSH_R_LOGSUMEXP || nk < 1 || nr < 1) return 1;                        \
        rspace r = {nr, rshape, rstrides, torsh_count(nr, rshape)};                                \
        int64_t m = torsh_count(nk, kshape), inner = kshape[nk - 1];                               \
        if (m == 0) return 0;                                                                      \
        int column = kstrides[nk - 1] == 1 && rstrides[nr - 1] != 1 && inner >= 8 && r.n > 1;      \
        int64_t width = column ? COLUMN_BLOCK : 1, per_row = (inner + width - 1) / width;          \
        int64_t tasks = m / inner * per_row;                                                       \
        int big = m * r.n >= TORSH_PARALLEL_GRAIN;                                                 \
        if (tasks == 1) {                                                                          \
            block_##SUF(op, x, &r, (int)inner, param, out, 0, big && inner == 1);                  \
            return 0;                                                                              \
        }                                                                                          \
        if (nr == 1 && rstrides[0] == 1 && op <= TORSH_R_AMIN && op != TORSH_R_PROD) {             \
            /* one contiguous lane per output (sum along the last dim) */                          \
            if (nk == 1)                                                                           \
                TORSH_FOR(o, m, big, lane_##SUF(op, x + o * kstrides[0], r.n, out, o););           \
            else                                                                                   \
                TORSH_FOR(o, m, big, lane_##SUF(op, x + kept_offset(o, nk, kshape, kstrides),      \
                                                r.n, out, o););                                    \
            return 0;                                                                              \
        }                                                                                          \
        TORSH_FOR(t, tasks, big, task_##SUF(op, x, &r, nk, kshape, kstrides, t, per_row, width,    \
                                            param, out););                                         \
        return 0;                                                                                  \
    }

DEFINE_FLOAT_REDUCE(f32, float)
DEFINE_FLOAT_REDUCE(f64, double)

/* ---------------------------------------------------------------- integer reductions */

/* One output's group, walked in order: wrapping int64 sum/product, extremes with the first
   position, all/any. */
#define DEFINE_INT_REDUCE(SUF, T)                                                                  \
    static void int_output_##SUF(int op, const T *x, const rspace *r, void *out, int64_t o) {      \
        int64_t n = r->shape[r->nr - 1], s = r->strides[r->nr - 1], lin = 0, where = -1;           \
        uint64_t acc = op == TORSH_R_PROD ? 1 : 0;                                                 \
        T best = 0;                                                                                \
        int flag = op == TORSH_R_ALL;                                                              \
        int larger = op == TORSH_R_AMAX || op == TORSH_R_ARGMAX;                                   \
        for (int64_t row = 0; n > 0 && row < r->n / n; row++) {                                    \
            const T *p = x + torsh_row_offset(row, r->nr, r->shape, r->strides);                   \
            switch (op) {                                                                          \
            case TORSH_R_SUM:                                                                      \
                for (int64_t k = 0; k < n; k++) { acc += (uint64_t)p[k * s]; } break;              \
            case TORSH_R_PROD:                                                                     \
                for (int64_t k = 0; k < n; k++) { acc *= (uint64_t)(int64_t)p[k * s]; } break;     \
            case TORSH_R_ALL: for (int64_t k = 0; k < n; k++) { flag = flag && p[k * s]; } break;  \
            case TORSH_R_ANY: for (int64_t k = 0; k < n; k++) { flag = flag || p[k * s]; } break;  \
            default:                                                                               \
                for (int64_t k = 0; k < n; k++, lin++) {                                           \
                    T v = p[k * s];                                                                \
                    if (where < 0 || (larger ? v > best : v < best)) { best = v; where = lin; }    \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        switch (op) {                                                                              \
        case TORSH_R_SUM: case TORSH_R_PROD: ((int64_t *)out)[o] = (int64_t)acc; break;            \
        case TORSH_R_ALL: case TORSH_R_ANY: ((uint8_t *)out)[o] = (uint8_t)flag; break;            \
        case TORSH_R_AMAX: case TORSH_R_AMIN: ((T *)out)[o] = best; break;                         \
        default: ((int64_t *)out)[o] = where < 0 ? 0 : where;                                      \
        }                                                                                          \
    }                                                                                              \
    int torsh_reduce_##SUF(int op, int nk, const int64_t *kshape, const int64_t *kstrides,         \
                           int nr, const int64_t *rshape, const int64_t *rstrides,                 \
                           const T *x, void *out, double param) {                                  \
        (void)param;                                                                               \
        if (op < 0 || op > TORSH_R_ANY || op == TORSH_R_MEAN || nk < 1 || nr < 1) return 1;        \
        rspace r = {nr, rshape, rstrides, torsh_count(nr, rshape)};                                \
        int64_t m = torsh_count(nk, kshape);                                                       \
        TORSH_FOR(o, m, m * r.n >= TORSH_PARALLEL_GRAIN,                                          \
                  int_output_##SUF(op, x + kept_offset(o, nk, kshape, kstrides), &r, out, o););    \
        return 0;                                                                                  \
    }

DEFINE_INT_REDUCE(i64, int64_t)
DEFINE_INT_REDUCE(i32, int32_t)
DEFINE_INT_REDUCE(i16, int16_t)
DEFINE_INT_REDUCE(i8, int8_t)
DEFINE_INT_REDUCE(u8, uint8_t)

/* ---------------------------------------------------------------- scans */

/* out[j] = x[0] op ... op x[j] along each row's last dim (from the end when reverse), the
   running value kept in ACC (double for floats, wrapping uint64 for int64). Rows are
   spread over threads; out is strided as x may be. */
#define DEFINE_SCAN(SUF, T, ACC)                                                                   \
    static void scan_row_##SUF(int op, int reverse, int64_t n, T *o, int64_t so, const T *p,       \
                               int64_t s) {                                                        \
        ACC acc = op == TORSH_S_CUMPROD ? 1 : 0;                                                   \
        for (int64_t k = 0; k < n; k++) {                                                          \
            int64_t j = reverse ? n - 1 - k : k;                                                   \
            if (op == TORSH_S_CUMPROD) acc *= (ACC)p[j * s];                                       \
            else acc += (ACC)p[j * s];                                                             \
            o[j * so] = (T)acc;                                                                    \
        }                                                                                          \
    }                                                                                              \
    int torsh_scan_##SUF(int op, int reverse, int ndim, const int64_t *shape, T *out,              \
                         const int64_t *out_strides, const T *x, const int64_t *x_strides) {       \
        if (op < 0 || op > TORSH_S_CUMPROD || ndim < 1) return 1;                                  \
        int64_t n = shape[ndim - 1], s = x_strides[ndim - 1], so = out_strides[ndim - 1];          \
        int64_t rows = torsh_count(ndim - 1, shape);                                               \
        TORSH_FOR(row, rows, rows * n >= TORSH_PARALLEL_GRAIN,                                    \
                  scan_row_##SUF(op, reverse, n, out + torsh_row_offset(row, ndim, shape,          \
                                                                        out_strides), so,          \
                                 x + torsh_row_offset(row, ndim, shape, x_strides), s););          \
        return 0;                                                                                  \
    }

DEFINE_SCAN(f32, float, double)
DEFINE_SCAN(f64, double, double)
DEFINE_SCAN(i64, int64_t, uint64_t)
