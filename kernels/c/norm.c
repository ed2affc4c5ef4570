/* Normalization kernels: layer / rms / group norm over rows, batch norm over channels, and
   their backward passes, for float32 and float64.

   Statistics (mean, variance, the sums of the backward) are accumulated in double, and each
   output is computed in double and rounded once, as the reference does; float32 rows (inner
   1) are the exception, vectorised in GCC vector types on both builds: their sums take float
   lanes added into double every few vectors, and their outputs are computed in float with
   the mean split in two floats (see row_affine_f32, row_backward_f32_vec). Means and
   variances take two passes over the values (mean, then the mean of squared deviations),
   except in the float32 row backward, which takes them in one pass shifted by the row's
   first value when that loses few bits (row_moments_shifted).
   Rows are spread over threads only when the work is large (TORSH_FOR); each thread of the
   backward sums dw and db for its rows into its own scratch buffer. */
#include "internal.h"
#include "torsh_norm.h"

#include <string.h>

/* 1 / sqrt(v): inf at 0 (also -0.0), NaN below 0 and at NaN, as the reference's rsqrt. */
static inline double norm_rsqrt(double v) {
    return v > 0 ? 1.0 / sqrt(v) : (v == 0 ? INFINITY : NAN);
}

/* (mean, rstd) of n values; without centring mean = 0 and var = the mean of squares. */
#define DEFINE_ROW_STATS(NAME, T)                                                              \
    static inline void NAME(int64_t n, const T *restrict x, double eps, int centre,           \
                            double *mean_out, double *rstd_out) {                             \
        double mean = 0.0, sq = 0.0;                                                           \
        if (centre) {                                                                          \
            double s = 0.0;                                                                    \
            _Pragma("omp simd reduction(+:s)")                                                 \
            for (int64_t j = 0; j < n; j++) s += (double)x[j];                                 \
            mean = s / (double)n;                                                              \
        }                                                                                      \
        _Pragma("omp simd reduction(+:sq)")                                                    \
        for (int64_t j = 0; j < n; j++) {                                                      \
            double d = (double)x[j] - mean;                                                    \
            sq += d * d;                                                                       \
        }                                                                                      \
        *mean_out = mean;                                                                      \
        *rstd_out = norm_rsqrt(sq / (double)n + eps);                                          \
    }
DEFINE_ROW_STATS(row_stats_f64, double)

/* ---- float32 rows in GCC vector types: AVX on the avx2 build, SSE on the portable one ---- */
#if defined(__AVX__)
#define VF 8              /* floats in a vector */
typedef float vf __attribute__((vector_size(32)));
typedef double vd __attribute__((vector_size(32)));
#define LOW_HALF 0, 1, 2, 3
#define HIGH_HALF 4, 5, 6, 7
#else
#define VF 4
typedef float vf __attribute__((vector_size(16)));
typedef double vd __attribute__((vector_size(16)));
#define LOW_HALF 0, 1
#define HIGH_HALF 2, 3
#endif
#pragma GCC diagnostic ignored "-Wpsabi"   /* these vectors never cross a non-inlined call */
TORSH_INLINE vf load_vf(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
#define STORE_VF(p, v) do { vf v_ = (v); memcpy((p), &v_, sizeof v_); } while (0)
/* STORE_VF, streamed when `stream` and p is on a vector boundary (see TORSH_STREAM_BYTES) */
#if defined(__AVX__)
#include <immintrin.h>
#define STREAM_VF(p, v, stream)                                                                \
    do {                                                                                       \
        if ((stream) && ((uintptr_t)(p) & 31) == 0) _mm256_stream_ps((p), (__m256)(v));       \
        else STORE_VF(p, v);                                                                   \
    } while (0)
#else
#define STREAM_VF(p, v, stream)                                                                \
    do {                                                                                       \
        if ((stream) && ((uintptr_t)(p) & 15) == 0) _mm_stream_ps((p), (__m128)(v));          \
        else STORE_VF(p, v);                                                                   \
    } while (0)
#endif
/* acc += the floats of v, in double */
#define WIDEN(acc, v)                                                                          \
    (acc += __builtin_convertvector(__builtin_shufflevector((v), (v), LOW_HALF), vd) +         \
            __builtin_convertvector(__builtin_shufflevector((v), (v), HIGH_HALF), vd))
TORSH_INLINE double hsum_vd(const vd *v) {
    double s = 0.0;
    for (int k = 0; k < VF / 2; k++) s += (*v)[k];
    return s;
}

#define FOLD_BLOCK 4      /* steps of 4 vectors a float lane sums before it goes into double */

/* The mean of a row, shifted by its first value x0 (mean = x0 + mean(x - x0)): float lanes
   sum at most FOLD_BLOCK steps of 4 vectors, then double. */
static double row_mean_f32(int64_t n, const float *restrict x) {
    const int64_t step = 4 * VF;
    const float x0 = x[0];
    vd acc = {0};
    int64_t j = 0;
    while (j + step <= n) {
        vf s = {0};
        for (int64_t end = j + FOLD_BLOCK * step; j + step <= n && j < end; j += step)
            s += ((load_vf(x + j) - x0) + (load_vf(x + j + VF) - x0)) +
                 ((load_vf(x + j + 2 * VF) - x0) + (load_vf(x + j + 3 * VF) - x0));
        WIDEN(acc, s);
    }
    double sum = hsum_vd(&acc);
    for (; j < n; j++) sum += (double)x[j] - (double)x0;
    if (!isfinite(sum)) {                 /* overflow in float (or a NaN, inf): in double */
        sum = 0.0;
        for (j = 0; j < n; j++) sum += (double)x[j];
        return sum / (double)n;
    }
    return (double)x0 + sum / (double)n;
}

/* float32 row statistics: the mean as above, then the squared deviations from it taken with
   the mean split in two floats (hi + lo), so a large common offset costs no accuracy. */
static inline void row_stats_f32(int64_t n, const float *restrict x, double eps, int centre,
                                 double *mean_out, double *rstd_out) {
    const int64_t step = 4 * VF;
    double mean = centre ? row_mean_f32(n, x) : 0.0;
    const float hi = (float)mean, lo = (float)(mean - (double)hi);
    vd acc = {0};
    int64_t j = 0;
    while (j + step <= n) {
        vf s = {0};
        for (int64_t end = j + FOLD_BLOCK * step; j + step <= n && j < end; j += step) {
            vf d0 = (load_vf(x + j) - hi) - lo, d1 = (load_vf(x + j + VF) - hi) - lo;
            vf d2 = (load_vf(x + j + 2 * VF) - hi) - lo, d3 = (load_vf(x + j + 3 * VF) - hi) - lo;
            s += (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3);
        }
        WIDEN(acc, s);
    }
    double sq = hsum_vd(&acc);
    for (; j < n; j++) sq += ((double)x[j] - mean) * ((double)x[j] - mean);
    if (!isfinite(sq)) {                  /* squares past float's range: in double */
        sq = 0.0;
        for (j = 0; j < n; j++) sq += ((double)x[j] - mean) * ((double)x[j] - mean);
    }
    *mean_out = mean;
    *rstd_out = norm_rsqrt(sq / (double)n + eps);
}

/* One float32 layer-norm row (inner 1, centred), the first n - n % VF values, in float:
   y = ((x - hi) - lo) * rstd * w + b with mean = hi + lo. Returns how many it did. */
static inline int64_t row_affine_f32(int64_t n, float *restrict o, const float *restrict x,
                                     double mean, double rstd, const float *w,
                                     const float *b) {
    const float hi = (float)mean, lo = (float)(mean - (double)hi), r = (float)rstd;
    if (!(fabs(mean) < 1e30 && rstd < 1e30)) return 0;   /* NaN, inf, huge: the double loop */
    int64_t j = 0;
    if (w && b) {
        for (; j + VF <= n; j += VF)
            STORE_VF(o + j, ((load_vf(x + j) - hi) - lo) * r * load_vf(w + j) + load_vf(b + j));
    } else {
        for (; j + VF <= n; j += VF) {
            vf y = ((load_vf(x + j) - hi) - lo) * r;
            if (w) y *= load_vf(w + j);
            y += b ? load_vf(b + j) : (vf){0};    /* + 0.0 even without bias: -0.0 -> 0.0 */
            STORE_VF(o + j, y);
        }
    }
    return j;
}

/* no vectorised prologue: the plain loop does every value */
#define NO_AFFINE(n, o, x, mean, rstd, w, b) 0

/* ---- row norms: y[r, j] = (x - mean_r) * rstd_r * w[c] + b[c] ---- */
#define DEFINE_ROW_NORM(NAME, T, STATS, AFFINE) \
    static void NAME##_row(int64_t r, int64_t groups, int64_t chans, int64_t inner, T *out,   \
                           const T *x, const T *weight, const T *bias, double eps,            \
                           int centre) {                                                      \
        int64_t size = chans * inner;                                                          \
        {                                                                                      \
            const T *restrict xr = x + r * size;                                               \
            T *restrict o = out + r * size;                                                    \
            double mean, rstd;                                                                 \
            STATS(size, xr, eps, centre, &mean, &rstd);                                        \
            int64_t first = (r % groups) * chans;                                              \
            const T *w = weight ? weight + first : NULL, *b = bias ? bias + first : NULL;      \
            if (inner == 1 && !centre) {                                                       \
                _Pragma("omp simd")                                                            \
                for (int64_t j = 0; j < size; j++)                                             \
                    o[j] = (T)(((double)xr[j] - mean) * rstd * (w ? (double)w[j] : 1.0));      \
            } else if (inner == 1) {                                                           \
                _Pragma("omp simd")                                                            \
                for (int64_t j = AFFINE(size, o, xr, mean, rstd, w, b); j < size; j++) \
                    o[j] = (T)(((double)xr[j] - mean) * rstd * (w ? (double)w[j] : 1.0) +      \
                               (b ? (double)b[j] : 0.0));                                      \
            } else {                                                                           \
                for (int64_t c = 0; c < chans; c++) {                                          \
                    double wc = w ? (double)w[c] : 1.0, bc = b ? (double)b[c] : 0.0;           \
                    const T *xc = xr + c * inner;                                              \
                    T *oc = o + c * inner;                                                     \
                    if (centre) {                                                              \
                        for (int64_t s = 0; s < inner; s++)                                    \
                            oc[s] = (T)(((double)xc[s] - mean) * rstd * wc + bc);              \
                    } else {                                                                   \
                        for (int64_t s = 0; s < inner; s++)                                    \
                            oc[s] = (T)(((double)xc[s] - mean) * rstd * wc);                   \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }                                                                                          \
    int NAME(int64_t rows, int64_t groups, int64_t chans, int64_t inner, T *out, const T *x,  \
             const T *weight, const T *bias, double eps, int centre) {                        \
        int64_t size = chans * inner;                                                          \
        if (groups < 1 || size == 0) return 0;                                                 \
        TORSH_FOR(r, rows, rows * size >= TORSH_PARALLEL_GRAIN,                                \
                  NAME##_row(r, groups, chans, inner, out, x, weight, bias, eps, centre););   \
        return 0;                                                                              \
    }
DEFINE_ROW_NORM(torsh_row_norm_f32, float, row_stats_f32, row_affine_f32)
DEFINE_ROW_NORM(torsh_row_norm_f64, double, row_stats_f64, NO_AFFINE)

/* ---- row norm backward ----
   Per row: gw = g * w, xhat = (x - mean) * rstd,
   dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat))   (no mean(gw) without centring).
   dw[q] = sum g * xhat and db[q] = sum g over the rows and positions of weight entry q: the
   rows are cut into `chunks` runs of consecutive rows, one task each, and task t adds its
   rows into its own partial sums scratch[t * 2 * entries ...] (entries = groups * chans);
   the partial sums are added in chunk order at the end. The float32 rows with inner 1 go
   the vector path below, which adds a row's g * xhat and g into float sums (the scratch
   after the double ones: entries doubles per chunk, as 2 * entries floats) that are added
   into the double ones every FLUSH_ROWS rows. */
#define FLUSH_ROWS 8

/* One row's dx, its g * xhat and g added into pw, pb; statistics in double. */
#define DEFINE_ROW_BACKWARD(NAME, T)                                                           \
    static void NAME(int64_t chans, int64_t inner, T *restrict d, const T *restrict xr,       \
                     const T *restrict gr, const T *w, double mean, double rstd, int centre,  \
                     double *restrict pw, double *restrict pb) {                               \
        int64_t size = chans * inner;                                                          \
        double sum_gw = 0.0, sum_gwx = 0.0;                                                    \
        if (inner == 1) {                                                                      \
            _Pragma("omp simd reduction(+:sum_gw, sum_gwx)")                                   \
            for (int64_t j = 0; j < size; j++) {                                               \
                double gj = (double)gr[j], h = ((double)xr[j] - mean) * rstd;                  \
                double gw = w ? gj * (double)w[j] : gj;                                        \
                sum_gw += gw;                                                                  \
                sum_gwx += gw * h;                                                             \
                pw[j] += gj * h;                                                               \
                pb[j] += gj;                                                                   \
            }                                                                                  \
        } else {                                                                               \
            for (int64_t c = 0; c < chans; c++) {                                              \
                double wc = w ? (double)w[c] : 1.0, sg = 0.0, sgx = 0.0;                       \
                for (int64_t s = c * inner; s < (c + 1) * inner; s++) {                        \
                    double gj = (double)gr[s], h = ((double)xr[s] - mean) * rstd;              \
                    sg += gj;                                                                  \
                    sgx += gj * h;                                                             \
                }                                                                              \
                sum_gw += sg * wc;                                                             \
                sum_gwx += sgx * wc;                                                           \
                pw[c] += sgx;                                                                  \
                pb[c] += sg;                                                                   \
            }                                                                                  \
        }                                                                                      \
        double mean_gw = centre ? sum_gw / (double)size : 0.0;                                 \
        double mean_gwx = sum_gwx / (double)size;                                              \
        if (inner == 1) {                                                                      \
            _Pragma("omp simd")                                                                \
            for (int64_t j = 0; j < size; j++) {                                               \
                double gw = w ? (double)gr[j] * (double)w[j] : (double)gr[j];                  \
                double h = ((double)xr[j] - mean) * rstd;                                      \
                d[j] = (T)(rstd * (gw - mean_gw - h * mean_gwx));                              \
            }                                                                                  \
        } else {                                                                               \
            for (int64_t j = 0; j < size; j++) {                                               \
                double gw = (double)gr[j] * (w ? (double)w[j / inner] : 1.0);                  \
                double h = ((double)xr[j] - mean) * rstd;                                      \
                d[j] = (T)(rstd * (gw - mean_gw - h * mean_gwx));                              \
            }                                                                                  \
        }                                                                                      \
    }
DEFINE_ROW_BACKWARD(row_backward_f32, float)
DEFINE_ROW_BACKWARD(row_backward_f64, double)

/* The float32 vector path (GCC vector types: AVX on the avx2 build, SSE on the portable one),
   one row of n values with inner 1, in float: one pass over the row (from memory) for the
   sums of d, d^2, gw and gw d with d = x - x[0] (row_moments_shifted), from which the mean
   and the centred sums follow; where that shift is too far from the mean, two more passes
   (L1-resident): the mean (as the forward: shifted by x[0], float sums of 4 vectors added in
   double), then, with d = (x - hi) - lo (mean = hi + lo), the sums of d^2, gw and gw d.
   Then a last pass: xhat = d rstd, dx = rstd gw - rstd mean(gw) - rstd mean(gw xhat) xhat,
   and g xhat and g added into the float sums fw, fb unless fw is NULL (dw and db not
   wanted). Returns 0 (did nothing) when mean or rstd is not finite or huge: the double path
   serves such rows. */

/* fsq, fsg, fsgd += the float sums of d^2, gw, gw d over the 4 vectors at j */
#define MOMENTS_STEP(j)                                                                        \
    do {                                                                                       \
        vf d0 = (load_vf(xr + (j)) - hi) - lo, d1 = (load_vf(xr + (j) + VF) - hi) - lo;       \
        vf d2 = (load_vf(xr + (j) + 2 * VF) - hi) - lo;                                        \
        vf d3 = (load_vf(xr + (j) + 3 * VF) - hi) - lo;                                        \
        vf a0 = load_vf(gr + (j)), a1 = load_vf(gr + (j) + VF);                                \
        vf a2 = load_vf(gr + (j) + 2 * VF), a3 = load_vf(gr + (j) + 3 * VF);                  \
        if (w) {                                                                               \
            a0 *= load_vf(w + (j)); a1 *= load_vf(w + (j) + VF);                               \
            a2 *= load_vf(w + (j) + 2 * VF); a3 *= load_vf(w + (j) + 3 * VF);                  \
        }                                                                                      \
        fsq += (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3);                                     \
        fsg += (a0 + a1) + (a2 + a3);                                                          \
        fsgd += (a0 * d0 + a1 * d1) + (a2 * d2 + a3 * d3);                                     \
    } while (0)

/* a * b + c, one rounding where the build has FMA (the C11 build contracts nothing) */
#if defined(__FMA__) && defined(__AVX__)
#define FMA_VF(a, b, c) ((vf)_mm256_fmadd_ps((__m256)(a), (__m256)(b), (__m256)(c)))
#else
#define FMA_VF(a, b, c) ((a) * (b) + (c))
#endif

/* One pass over a row, shifted by x0 = its first value (0 without centring): with
   d = x - x0, the sums of d, d^2, gw and gw d. Returns 0 when the shift is too far from the
   mean (|x0 - mean| > 4 std: the variance S2 / n - (S1 / n)^2 would lose too many bits) or a
   sum is not finite; else the mean (0 without centring) and the sums of (x - mean)^2, gw,
   gw (x - mean). */
static int row_moments_shifted(int64_t n, const float *restrict xr, const float *restrict gr,
                               const float *restrict w, int centre, double *mean_out,
                               double *sq_out, double *gw_out, double *gwd_out) {
    const int64_t step = 2 * VF, block = 2 * FOLD_BLOCK * step;
    const vf zero = {0};
    const float x0 = centre ? xr[0] : 0.0f;
    vd s1 = {0}, s2 = {0}, sg = {0}, sgd = {0};
    int64_t j;
    for (j = 0; j + step <= n;) {
        vf f1 = zero, f2 = zero, fg = zero, fgd = zero;
        for (int64_t end = j + block; j + step <= n && j < end; j += step) {
            vf d0 = load_vf(xr + j) - x0, d1 = load_vf(xr + j + VF) - x0;
            vf a0 = load_vf(gr + j), a1 = load_vf(gr + j + VF);
            if (w) { a0 *= load_vf(w + j); a1 *= load_vf(w + j + VF); }
            f1 += d0 + d1;
            f2 += FMA_VF(d0, d0, d1 * d1);
            fg += a0 + a1;
            fgd += FMA_VF(a0, d0, a1 * d1);
        }
        WIDEN(s1, f1);
        WIDEN(s2, f2);
        WIDEN(sg, fg);
        WIDEN(sgd, fgd);
    }
    double sum1 = hsum_vd(&s1), sum2 = hsum_vd(&s2), sum_g = hsum_vd(&sg);
    double sum_gd = hsum_vd(&sgd);
    for (; j < n; j++) {
        double d = (double)xr[j] - (double)x0, a = w ? (double)gr[j] * (double)w[j] : gr[j];
        sum1 += d;
        sum2 += d * d;
        sum_g += a;
        sum_gd += a * d;
    }
    if (!centre) {                          /* mean 0: the sums are the centred ones */
        *mean_out = 0.0;
        *sq_out = sum2;
        *gw_out = sum_g;
        *gwd_out = sum_gd;
        return isfinite(sum2) && isfinite(sum_gd) && isfinite(sum_g);
    }
    double shift = sum1 / (double)n, var = sum2 / (double)n - shift * shift;
    if (!(isfinite(sum2) && isfinite(sum_gd) && isfinite(sum_g)) || !(var >= 0) ||
        shift * shift > 16.0 * var)
        return 0;
    *mean_out = (double)x0 + shift;
    *sq_out = var * (double)n;
    *gw_out = sum_g;
    *gwd_out = sum_gd - shift * sum_g;
    return 1;
}

static int row_backward_f32_vec(int64_t n, float *restrict dx, const float *restrict xr,
                                const float *restrict gr, const float *restrict w, double eps,
                                int centre, float *restrict fw, float *restrict fb,
                                int stream) {
    const int64_t step = 4 * VF, block = FOLD_BLOCK * step;
    const vf zero = {0};
    int64_t j;
    double mean, sum_sq, sum_gw, sum_gwd;
    if (!row_moments_shifted(n, xr, gr, w, centre, &mean, &sum_sq, &sum_gw, &sum_gwd)) {
        mean = centre ? row_mean_f32(n, xr) : 0.0;
        const float hi = (float)mean, lo = (float)(mean - (double)hi);
        vd sq = {0}, sg = {0}, sgd = {0};
        for (j = 0; j + step <= n;) {
            vf fsq = zero, fsg = zero, fsgd = zero;
            for (int64_t end = j + block; j + step <= n && j < end; j += step) MOMENTS_STEP(j);
            WIDEN(sq, fsq);
            WIDEN(sg, fsg);
            WIDEN(sgd, fsgd);
        }
        sum_sq = hsum_vd(&sq), sum_gw = hsum_vd(&sg), sum_gwd = hsum_vd(&sgd);
        for (; j < n; j++) {
            double d = (double)xr[j] - mean;
            double a = w ? (double)gr[j] * (double)w[j] : (double)gr[j];
            sum_sq += d * d;
            sum_gw += a;
            sum_gwd += a * d;
        }
    }
    const float hi = (float)mean, lo = (float)(mean - (double)hi);
    double rstd = norm_rsqrt(sum_sq / (double)n + eps);
    if (!(fabs(mean) < 1e30 && sum_sq < 1e300 && rstd < 1e30 && fabs(sum_gw) < 1e30 &&
          fabs(sum_gwd) < 1e30))
        return 0;
    const float r = (float)rstd, c = (float)(centre ? rstd * sum_gw / (double)n : 0.0);
    const float k = (float)(rstd * rstd * sum_gwd / (double)n);
    const vf vr = zero + r, nc = zero - c, nk = zero - k;
    if (!fw) {                                                  /* dx alone */
        for (j = 0; j + VF <= n; j += VF) {
            vf h = ((load_vf(xr + j) - hi) - lo) * r, g = load_vf(gr + j);
            vf a = w ? g * load_vf(w + j) : g;
            STREAM_VF(dx + j, FMA_VF(h, nk, FMA_VF(a, vr, nc)), stream);
        }
    } else {
        for (j = 0; j + VF <= n; j += VF) {
            vf h = ((load_vf(xr + j) - hi) - lo) * r, g = load_vf(gr + j);
            vf a = w ? g * load_vf(w + j) : g;
            STREAM_VF(dx + j, FMA_VF(h, nk, FMA_VF(a, vr, nc)), stream);
            STORE_VF(fw + j, FMA_VF(g, h, load_vf(fw + j)));
            STORE_VF(fb + j, load_vf(fb + j) + g);
        }
    }
    for (; j < n; j++) {
        float h = ((xr[j] - hi) - lo) * r, a = w ? gr[j] * w[j] : gr[j];
        dx[j] = (a * r - c) - h * k;
        if (fw) {
            fw[j] += gr[j] * h;
            fb[j] += gr[j];
        }
    }
    return 1;
}

#define VEC_ROW_f32(n, inner, ...) (inner == 1 && row_backward_f32_vec(n, __VA_ARGS__))
#define VEC_ROW_f64(n, inner, ...) 0

#define DEFINE_ROW_NORM_BACKWARD(NAME, SUF, T, STATS)                                          \
    static void NAME##_chunk(int64_t t, int64_t rows, int64_t groups, int64_t chans,         \
                             int64_t inner, T *dx, int64_t chunks, double *scratch,           \
                             const T *g, const T *x, const T *weight, double eps,             \
                             int centre, int sums) {                                           \
        int64_t size = chans * inner, entries = groups * chans, pending = 0;                   \
        int stream = rows * size * (int64_t)sizeof(T) >= TORSH_STREAM_BYTES;                   \
        (void)stream;                            /* float64 rows do not stream */              \
        double *restrict aw = scratch + t * 2 * entries, *restrict ab = aw + entries;          \
        float *fw = (float *)(scratch + 2 * chunks * entries + t * entries), *fb = fw + entries; \
        for (int64_t q = 0; q < 2 * entries; q++) { aw[q] = 0.0; fw[q] = 0.0f; }               \
        for (int64_t r = rows * t / chunks; r < rows * (t + 1) / chunks; r++) {                \
            const T *xr = x + r * size, *gr = g + r * size;                                    \
            int64_t first = (r % groups) * chans;                                              \
            const T *w = weight ? weight + first : NULL;                                       \
            if (VEC_ROW_##SUF(size, inner, dx + r * size, xr, gr, w, eps, centre,              \
                              sums ? fw + first : NULL, fb + first, stream)) {                \
                if (!sums || ++pending < FLUSH_ROWS) continue;                                 \
                for (int64_t q = 0; q < entries; q++) {                                        \
                    aw[q] += fw[q]; ab[q] += fb[q]; fw[q] = fb[q] = 0.0f;                      \
                }                                                                              \
                pending = 0;                                                                   \
                continue;                                                                      \
            }                                                                                  \
            double mean, rstd;                                                                 \
            STATS(size, xr, eps, centre, &mean, &rstd);                                        \
            row_backward_##SUF(chans, inner, dx + r * size, xr, gr, w, mean, rstd, centre,    \
                               aw + first, ab + first);                                        \
        }                                                                                      \
        for (int64_t q = 0; q < entries; q++) { aw[q] += fw[q]; ab[q] += fb[q]; }              \
        torsh_store_fence();                                                                   \
    }                                                                                          \
    int NAME(int64_t rows, int64_t groups, int64_t chans, int64_t inner, T *dx, T *dw, T *db, \
             int64_t chunks, double *scratch, const T *g, const T *x, const T *weight,        \
             double eps, int centre) {                                                         \
        int64_t entries = groups * chans;                                                      \
        if (groups < 1 || chunks < 1) return 1;                                                \
        if (chans * inner == 0) rows = 0;                                                      \
        TORSH_FOR(t, chunks, chunks > 1,                                                       \
                  NAME##_chunk(t, rows, groups, chans, inner, dx, chunks, scratch, g, x,      \
                               weight, eps, centre, dw || db););                              \
        for (int64_t q = 0; q < entries && (dw || db); q++) {                                  \
            double sw = 0.0, sb = 0.0;                                                         \
            for (int64_t t = 0; t < chunks; t++) {                                             \
                sw += scratch[t * 2 * entries + q];                                            \
                sb += scratch[t * 2 * entries + entries + q];                                  \
            }                                                                                  \
            if (dw) dw[q] = (T)sw;                                                             \
            if (db) db[q] = (T)sb;                                                             \
        }                                                                                      \
        return 0;                                                                              \
    }
DEFINE_ROW_NORM_BACKWARD(torsh_row_norm_backward_f32, f32, float, row_stats_f32)
DEFINE_ROW_NORM_BACKWARD(torsh_row_norm_backward_f64, f64, double, row_stats_f64)

/* ---- batch norm: channel c holds x[n, c, s] for n < batch, s < inner ---- */

/* (mean, biased var) of channel c, in two passes. */
#define DEFINE_CHANNEL_MOMENTS(NAME, T)                                                        \
    static inline void NAME(int64_t batch, int64_t channels, int64_t inner, const T *x,       \
                            int64_t c, double *mean_out, double *var_out) {                   \
        double s = 0.0, sq = 0.0, count = (double)(batch * inner);                             \
        for (int64_t n = 0; n < batch; n++) {                                                  \
            const T *restrict xc = x + (n * channels + c) * inner;                             \
            _Pragma("omp simd reduction(+:s)")                                                 \
            for (int64_t i = 0; i < inner; i++) s += (double)xc[i];                            \
        }                                                                                      \
        double mean = s / count;                                                               \
        for (int64_t n = 0; n < batch; n++) {                                                  \
            const T *restrict xc = x + (n * channels + c) * inner;                             \
            _Pragma("omp simd reduction(+:sq)")                                                \
            for (int64_t i = 0; i < inner; i++) {                                              \
                double d = (double)xc[i] - mean;                                               \
                sq += d * d;                                                                   \
            }                                                                                  \
        }                                                                                      \
        *mean_out = mean;                                                                      \
        *var_out = sq / count;                                                                 \
    }
DEFINE_CHANNEL_MOMENTS(channel_moments_f32, float)
DEFINE_CHANNEL_MOMENTS(channel_moments_f64, double)

/* y = x * scale + shift with scale = w / sqrt(var + eps), shift = b - mean * scale. */
#define DEFINE_BATCH_NORM(NAME, T, MOMENTS)                                                    \
    static void NAME##_channel(int64_t c, int64_t batch, int64_t channels, int64_t inner,     \
                               T *out, const T *x, const T *weight, const T *bias,            \
                               const T *running_mean, const T *running_var, T *new_mean,      \
                               T *new_var, int training, double momentum, double eps) {       \
        int64_t count = batch * inner;                                                         \
        {                                                                                      \
            double mean, var;                                                                  \
            if (training && count) MOMENTS(batch, channels, inner, x, c, &mean, &var);         \
            else if (training) mean = var = NAN;                                               \
            else { mean = (double)running_mean[c]; var = (double)running_var[c]; }            \
            double scale = norm_rsqrt(var + eps) * (weight ? (double)weight[c] : 1.0);         \
            double shift = (bias ? (double)bias[c] : 0.0) - mean * scale;                      \
            for (int64_t n = 0; n < batch; n++) {                                              \
                const T *restrict xc = x + (n * channels + c) * inner;                         \
                T *restrict oc = out + (n * channels + c) * inner;                             \
                _Pragma("omp simd")                                                            \
                for (int64_t i = 0; i < inner; i++) oc[i] = (T)((double)xc[i] * scale + shift);\
            }                                                                                  \
            if (training && new_mean && new_var) {                                             \
                double old_mean = (double)running_mean[c], old_var = (double)running_var[c];  \
                if (count == 0) {                                                              \
                    new_mean[c] = (T)old_mean;                                                 \
                    new_var[c] = (T)old_var;                                                   \
                } else {                                                                       \
                    double unbiased = count > 1 ? var * (double)count / (double)(count - 1)   \
                                                : NAN;                                         \
                    new_mean[c] = (T)(momentum * mean + (1 - momentum) * old_mean);            \
                    new_var[c] = (T)(momentum * unbiased + (1 - momentum) * old_var);          \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }                                                                                          \
    int NAME(int64_t batch, int64_t channels, int64_t inner, T *out, const T *x,              \
             const T *weight, const T *bias, const T *running_mean, const T *running_var,     \
             T *new_mean, T *new_var, int training, double momentum, double eps) {            \
        TORSH_FOR(c, channels, batch * inner * channels >= TORSH_PARALLEL_GRAIN,              \
                  NAME##_channel(c, batch, channels, inner, out, x, weight, bias,             \
                                 running_mean, running_var, new_mean, new_var, training,      \
                                 momentum, eps););                                             \
        return 0;                                                                              \
    }
DEFINE_BATCH_NORM(torsh_batch_norm_f32, float, channel_moments_f32)
DEFINE_BATCH_NORM(torsh_batch_norm_f64, double, channel_moments_f64)

/* Per channel over its n values: dot = sum g * x - mean * sum g, k = w * rstd,
   slope = k rstd^2 dot / n, offset = slope * mean - k * sum g / n,
   dx = k g - slope x + offset, dw = rstd * dot, db = sum g (the reference's order). */
#define DEFINE_BATCH_NORM_BACKWARD(NAME, T, MOMENTS)                                           \
    static void NAME##_channel(int64_t c, int64_t batch, int64_t channels, int64_t inner,     \
                               T *dx, T *dw, T *db, const T *g, const T *x, const T *weight,  \
                               double eps) {                                                   \
        int64_t count = batch * inner;                                                         \
        {                                                                                      \
            if (count == 0) { dw[c] = db[c] = 0; return; }                                     \
            double mean, var, sum_g = 0.0, sum_gx = 0.0;                                       \
            MOMENTS(batch, channels, inner, x, c, &mean, &var);                                \
            double rstd = norm_rsqrt(var + eps);                                               \
            for (int64_t n = 0; n < batch; n++) {                                              \
                const T *restrict xc = x + (n * channels + c) * inner;                         \
                const T *restrict gc = g + (n * channels + c) * inner;                         \
                _Pragma("omp simd reduction(+:sum_g, sum_gx)")                                 \
                for (int64_t i = 0; i < inner; i++) {                                          \
                    sum_g += (double)gc[i];                                                    \
                    sum_gx += (double)gc[i] * (double)xc[i];                                   \
                }                                                                              \
            }                                                                                  \
            double dot = sum_gx - mean * sum_g;                                                \
            double k = (weight ? (double)weight[c] : 1.0) * rstd;                              \
            double slope = k * rstd * rstd * dot / (double)count;                              \
            double offset = slope * mean - k * sum_g / (double)count;                          \
            for (int64_t n = 0; n < batch; n++) {                                              \
                const T *restrict xc = x + (n * channels + c) * inner;                         \
                const T *restrict gc = g + (n * channels + c) * inner;                         \
                T *restrict d = dx + (n * channels + c) * inner;                               \
                _Pragma("omp simd")                                                            \
                for (int64_t i = 0; i < inner; i++)                                            \
                    d[i] = (T)(k * (double)gc[i] - slope * (double)xc[i] + offset);            \
            }                                                                                  \
            dw[c] = (T)(rstd * dot);                                                           \
            db[c] = (T)sum_g;                                                                  \
        }                                                                                      \
    }                                                                                          \
    int NAME(int64_t batch, int64_t channels, int64_t inner, T *dx, T *dw, T *db, const T *g, \
             const T *x, const T *weight, double eps) {                                       \
        TORSH_FOR(c, channels, batch * inner * channels >= TORSH_PARALLEL_GRAIN,              \
                  NAME##_channel(c, batch, channels, inner, dx, dw, db, g, x, weight, eps);); \
        return 0;                                                                              \
    }
DEFINE_BATCH_NORM_BACKWARD(torsh_batch_norm_backward_f32, float, channel_moments_f32)
DEFINE_BATCH_NORM_BACKWARD(torsh_batch_norm_backward_f64, double, channel_moments_f64)
