/* Normalization kernels: layer / rms / group norm over rows, batch norm over channels, and
   their backward passes, for float32 and float64.

   Statistics (mean, variance, the sums of the backward) are accumulated in double, and each
   output is computed in double and rounded once, as the reference does (the float32 layer
   norm forward computes in float with the mean split in two floats, see row_affine_f32);
   means and variances take two passes over the values (mean, then the mean of squared
   deviations). Rows are spread over threads when the work is large; each thread of the
   backward sums dw and db for its rows into its own scratch buffer. */
#include "internal.h"
#include "torsh_norm.h"

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
DEFINE_ROW_STATS(row_stats_plain_f32, float)
DEFINE_ROW_STATS(row_stats_f64, double)

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

static inline double hsum(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

/* float32 row statistics, 32 values a step in float lanes; each step's lane sums go into
   double, so a float sum never holds more than 4 values. The values are shifted by the
   row's first value x0 (mean = x0 + mean(x - x0)) and the deviations use the mean split in
   two floats (hi + lo), so a large common offset costs no accuracy. */
static inline void row_stats_f32(int64_t n, const float *restrict x, double eps, int centre,
                                 double *mean_out, double *rstd_out) {
    int64_t j, full = n - n % 32;
    double mean = 0.0;
    if (centre) {
        float x0 = x[0];
        __m256 z = _mm256_set1_ps(x0);
        __m256d acc = _mm256_setzero_pd();
        for (j = 0; j < full; j += 32) {
            __m256 s = _mm256_add_ps(
                _mm256_add_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), z),
                              _mm256_sub_ps(_mm256_loadu_ps(x + j + 8), z)),
                _mm256_add_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j + 16), z),
                              _mm256_sub_ps(_mm256_loadu_ps(x + j + 24), z)));
            acc = _mm256_add_pd(acc, _mm256_add_pd(
                _mm256_cvtps_pd(_mm256_castps256_ps128(s)),
                _mm256_cvtps_pd(_mm256_extractf128_ps(s, 1))));
        }
        double sum = hsum(acc);
        for (; j < n; j++) sum += (double)x[j] - (double)x0;
        mean = (double)x0 + sum / (double)n;
    }
    float hi = (float)mean, lo = (float)(mean - (double)hi);
    __m256 h = _mm256_set1_ps(hi), l = _mm256_set1_ps(lo);
    __m256d acc = _mm256_setzero_pd();
    for (j = 0; j < full; j += 32) {
        __m256 d0 = _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), h), l);
        __m256 d1 = _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j + 8), h), l);
        __m256 d2 = _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j + 16), h), l);
        __m256 d3 = _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j + 24), h), l);
        __m256 s = _mm256_add_ps(_mm256_fmadd_ps(d0, d0, _mm256_mul_ps(d1, d1)),
                                 _mm256_fmadd_ps(d2, d2, _mm256_mul_ps(d3, d3)));
        acc = _mm256_add_pd(acc, _mm256_add_pd(
            _mm256_cvtps_pd(_mm256_castps256_ps128(s)),
            _mm256_cvtps_pd(_mm256_extractf128_ps(s, 1))));
    }
    double sq = hsum(acc);
    for (; j < n; j++) sq += ((double)x[j] - mean) * ((double)x[j] - mean);
    *mean_out = mean;
    *rstd_out = norm_rsqrt(sq / (double)n + eps);
}

/* One float32 layer-norm row (inner 1, centred), the first n - n % 8 values, in float:
   y = ((x - hi) - lo) * rstd * w + b with mean = hi + lo. Returns how many it did. */
static inline int64_t row_affine_f32(int64_t n, float *restrict o, const float *restrict x,
                                     double mean, double rstd, const float *w,
                                     const float *b) {
    float hi = (float)mean, lo = (float)(mean - (double)hi);
    if (!(fabs(mean) < 1e30 && rstd < 1e30)) return 0;   /* NaN, inf, huge: the double loop */
    __m256 h = _mm256_set1_ps(hi), l = _mm256_set1_ps(lo), r = _mm256_set1_ps((float)rstd);
    __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), h), l), r);
        __m256 wv = w ? _mm256_loadu_ps(w + j) : one, bv = b ? _mm256_loadu_ps(b + j) : zero;
        _mm256_storeu_ps(o + j, _mm256_fmadd_ps(d, wv, bv));
    }
    return j;
}
#else
#define row_stats_f32 row_stats_plain_f32
#endif

/* no vectorised prologue: the plain loop does every value */
#define NO_AFFINE(n, o, x, mean, rstd, w, b) 0

/* ---- row norms: y[r, j] = (x - mean_r) * rstd_r * w[c] + b[c] ---- */
#define DEFINE_ROW_NORM(NAME, T, STATS, AFFINE) \
    int NAME(int64_t rows, int64_t groups, int64_t chans, int64_t inner, T *out, const T *x,  \
             const T *weight, const T *bias, double eps, int centre) {                        \
        int64_t size = chans * inner;                                                          \
        if (groups < 1 || size == 0) return 0;                                                 \
        _Pragma("omp parallel for schedule(static) if(rows * size >= TORSH_PARALLEL_GRAIN)")  \
        for (int64_t r = 0; r < rows; r++) {                                                   \
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
        return 0;                                                                              \
    }
#if defined(__AVX2__) && defined(__FMA__)
DEFINE_ROW_NORM(torsh_row_norm_f32, float, row_stats_f32, row_affine_f32)
#else
DEFINE_ROW_NORM(torsh_row_norm_f32, float, row_stats_f32, NO_AFFINE)
#endif
DEFINE_ROW_NORM(torsh_row_norm_f64, double, row_stats_f64, NO_AFFINE)

/* ---- row norm backward ----
   Per row: gw = g * w, xhat = (x - mean) * rstd,
   dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat))   (no mean(gw) without centring).
   dw[q] = sum g * xhat and db[q] = sum g over the rows and positions of weight entry q: the
   rows are cut into `chunks` runs of consecutive rows, one task each, and task t adds its
   rows into its own partial sums scratch[t * 2 * entries ...] (entries = groups * chans);
   the partial sums are added in chunk order at the end. */
#define DEFINE_ROW_NORM_BACKWARD(NAME, T, STATS)                                               \
    int NAME(int64_t rows, int64_t groups, int64_t chans, int64_t inner, T *dx, T *dw, T *db, \
             int64_t chunks, double *scratch, const T *g, const T *x, const T *weight,        \
             double eps, int centre) {                                                         \
        int64_t size = chans * inner, entries = groups * chans;                                \
        if (groups < 1 || chunks < 1) return 1;                                                \
        if (size == 0) rows = 0;                                                               \
        _Pragma("omp parallel for schedule(static) if(chunks > 1)")                            \
        for (int64_t t = 0; t < chunks; t++) {                                                 \
            double *restrict aw = scratch + t * 2 * entries, *restrict ab = aw + entries;      \
            for (int64_t q = 0; q < 2 * entries; q++) aw[q] = 0.0;                             \
            for (int64_t r = rows * t / chunks; r < rows * (t + 1) / chunks; r++) {            \
                const T *restrict xr = x + r * size, *restrict gr = g + r * size;              \
                T *restrict d = dx + r * size;                                                 \
                double mean, rstd;                                                             \
                STATS(size, xr, eps, centre, &mean, &rstd);                                    \
                int64_t first = (r % groups) * chans;                                          \
                const T *w = weight ? weight + first : NULL;                                   \
                double *restrict pw = aw + first, *restrict pb = ab + first;                   \
                double sum_gw = 0.0, sum_gwx = 0.0;                                            \
                if (inner == 1) {                                                              \
                    _Pragma("omp simd reduction(+:sum_gw, sum_gwx)")                           \
                    for (int64_t j = 0; j < size; j++) {                                       \
                        double gj = (double)gr[j], h = ((double)xr[j] - mean) * rstd;          \
                        double gw = w ? gj * (double)w[j] : gj;                                \
                        sum_gw += gw;                                                          \
                        sum_gwx += gw * h;                                                     \
                        pw[j] += gj * h;                                                       \
                        pb[j] += gj;                                                           \
                    }                                                                          \
                } else {                                                                       \
                    for (int64_t c = 0; c < chans; c++) {                                      \
                        double wc = w ? (double)w[c] : 1.0, sg = 0.0, sgx = 0.0;               \
                        for (int64_t s = c * inner; s < (c + 1) * inner; s++) {                \
                            double gj = (double)gr[s], h = ((double)xr[s] - mean) * rstd;      \
                            sg += gj;                                                          \
                            sgx += gj * h;                                                     \
                        }                                                                      \
                        sum_gw += sg * wc;                                                     \
                        sum_gwx += sgx * wc;                                                   \
                        pw[c] += sgx;                                                          \
                        pb[c] += sg;                                                           \
                    }                                                                          \
                }                                                                              \
                double mean_gw = centre ? sum_gw / (double)size : 0.0;                         \
                double mean_gwx = sum_gwx / (double)size;                                      \
                if (inner == 1) {                                                              \
                    _Pragma("omp simd")                                                        \
                    for (int64_t j = 0; j < size; j++) {                                       \
                        double gw = w ? (double)gr[j] * (double)w[j] : (double)gr[j];          \
                        double h = ((double)xr[j] - mean) * rstd;                              \
                        d[j] = (T)(rstd * (gw - mean_gw - h * mean_gwx));                      \
                    }                                                                          \
                } else {                                                                       \
                    for (int64_t j = 0; j < size; j++) {                                       \
                        double gw = (double)gr[j] * (w ? (double)w[j / inner] : 1.0);          \
                        double h = ((double)xr[j] - mean) * rstd;                              \
                        d[j] = (T)(rstd * (gw - mean_gw - h * mean_gwx));                      \
                    }                                                                          \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
        for (int64_t q = 0; q < entries; q++) {                                                \
            double sw = 0.0, sb = 0.0;                                                         \
            for (int64_t t = 0; t < chunks; t++) {                                             \
                sw += scratch[t * 2 * entries + q];                                            \
                sb += scratch[t * 2 * entries + entries + q];                                  \
            }                                                                                  \
            dw[q] = (T)sw;                                                                     \
            db[q] = (T)sb;                                                                     \
        }                                                                                      \
        return 0;                                                                              \
    }
DEFINE_ROW_NORM_BACKWARD(torsh_row_norm_backward_f32, float, row_stats_f32)
DEFINE_ROW_NORM_BACKWARD(torsh_row_norm_backward_f64, double, row_stats_f64)

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
    int NAME(int64_t batch, int64_t channels, int64_t inner, T *out, const T *x,              \
             const T *weight, const T *bias, const T *running_mean, const T *running_var,     \
             T *new_mean, T *new_var, int training, double momentum, double eps) {            \
        int64_t count = batch * inner;                                                         \
        _Pragma("omp parallel for schedule(static) if(count * channels >= TORSH_PARALLEL_GRAIN)") \
        for (int64_t c = 0; c < channels; c++) {                                               \
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
        return 0;                                                                              \
    }
DEFINE_BATCH_NORM(torsh_batch_norm_f32, float, channel_moments_f32)
DEFINE_BATCH_NORM(torsh_batch_norm_f64, double, channel_moments_f64)

/* Per channel over its n values: dot = sum g * x - mean * sum g, k = w * rstd,
   slope = k rstd^2 dot / n, offset = slope * mean - k * sum g / n,
   dx = k g - slope x + offset, dw = rstd * dot, db = sum g (the reference's order). */
#define DEFINE_BATCH_NORM_BACKWARD(NAME, T, MOMENTS)                                           \
    int NAME(int64_t batch, int64_t channels, int64_t inner, T *dx, T *dw, T *db, const T *g, \
             const T *x, const T *weight, double eps) {                                       \
        int64_t count = batch * inner;                                                         \
        _Pragma("omp parallel for schedule(static) if(count * channels >= TORSH_PARALLEL_GRAIN)") \
        for (int64_t c = 0; c < channels; c++) {                                               \
            if (count == 0) { dw[c] = db[c] = 0; continue; }                                   \
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
        return 0;                                                                              \
    }
DEFINE_BATCH_NORM_BACKWARD(torsh_batch_norm_backward_f32, float, channel_moments_f32)
DEFINE_BATCH_NORM_BACKWARD(torsh_batch_norm_backward_f64, double, channel_moments_f64)
