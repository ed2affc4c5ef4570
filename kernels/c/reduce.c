/* Reductions over a set of dims (sum, mean, prod, amax/amin, argmax/argmin, all/any, var/std,
   norm, logsumexp) over floats; the integer reductions and the scans (cumsum, cumprod) are in
   reduce_int.c. See torsh_reduce.h.

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

#include "reduce_walk.h"

static double identity(int kind) {
    switch (kind) {
    case F_PROD: case F_ALL: return 1.0;
    case F_MAX: case F_MAXABS: return -INFINITY;
    case F_MIN: case F_MINABS: return INFINITY;
    default: return 0.0;
    }
}


#include "reduce_folds.h"

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
