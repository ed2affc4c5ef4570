/* Classification loss kernels: nll_loss and cross_entropy, forward and backward, float32
   and float64.

   One sequential walk over the targets (k = n * spatial + s): the first target out of range
   is reported before anything is written, as the reference raises before returning; sums
   are kept in double and rounded once. The backward clears dx and writes one value per
   kept target. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "torsh_loss.h"

/* The summed weight (1 each without weights) of the targets that count: not ignore_index
   and in range. 'mean' divides by it. */
#define DEFINE_KEPT_WEIGHT(T, S)                                                               \
    static double kept_weight_##S(int64_t count, int64_t classes, const int64_t *target,      \
                                  const T *weight, int64_t ignore_index) {                     \
        double total = 0.0;                                                                    \
        for (int64_t k = 0; k < count; k++) {                                                  \
            int64_t t = target[k];                                                             \
            if (t != ignore_index && t >= 0 && t < classes)                                    \
                total += weight ? (double)weight[t] : 1.0;                                     \
        }                                                                                      \
        return total;                                                                          \
    }
DEFINE_KEPT_WEIGHT(float, f32)
DEFINE_KEPT_WEIGHT(double, f64)
#define KEPT_WEIGHT(count, classes, target, weight, ignore_index)                              \
    _Generic((weight), const float *: kept_weight_f32, const double *: kept_weight_f64)(     \
        count, classes, target, weight, ignore_index)

#define DEFINE_NLL_LOSS(NAME, T)                                                               \
    int NAME(int64_t batch, int64_t classes, int64_t spatial, T *out, const T *x,             \
             const int64_t *target, const T *weight, int64_t ignore_index, int reduction,     \
             int64_t *bad) {                                                                   \
        int64_t count = batch * spatial;                                                       \
        for (int64_t k = 0; k < count; k++) {                                                  \
            int64_t t = target[k];                                                             \
            if (t != ignore_index && (t < 0 || t >= classes)) { *bad = t; return 1; }          \
        }                                                                                      \
        double total = 0.0, total_weight = 0.0;                                                \
        for (int64_t k = 0; k < count; k++) {                                                  \
            int64_t t = target[k], n = k / spatial, s = k % spatial;                           \
            double loss = 0.0;                                                                 \
            if (t != ignore_index) {                                                           \
                double w = weight ? (double)weight[t] : 1.0;                                   \
                loss = -w * (double)x[(n * classes + t) * spatial + s];                        \
                total_weight += w;                                                             \
            }                                                                                  \
            if (reduction == 0) out[k] = (T)loss;                                              \
            else total += loss;                                                                \
        }                                                                                      \
        if (reduction == 1) out[0] = (T)total;                                                 \
        if (reduction == 2) out[0] = (T)(total_weight != 0 ? total / total_weight : NAN);      \
        return 0;                                                                              \
    }
DEFINE_NLL_LOSS(torsh_nll_loss_f32, float)
DEFINE_NLL_LOSS(torsh_nll_loss_f64, double)

#define DEFINE_NLL_LOSS_BACKWARD(NAME, T)                                                      \
    int NAME(int64_t batch, int64_t classes, int64_t spatial, T *dx, const T *g,              \
             const int64_t *target, const T *weight, int64_t ignore_index, int reduction) {   \
        int64_t count = batch * spatial;                                                       \
        memset(dx, 0, (size_t)(count * classes) * sizeof(T));                                 \
        double scale = reduction == 0 ? 1.0 : (double)g[0];                                    \
        if (reduction == 2) {                                                                  \
            double total_weight = KEPT_WEIGHT(count, classes, target, weight, ignore_index);   \
            if (total_weight != 0) scale /= total_weight;                                      \
        }                                                                                      \
        for (int64_t k = 0; k < count; k++) {                                                  \
            int64_t t = target[k], n = k / spatial, s = k % spatial;                           \
            if (t == ignore_index || t < 0 || t >= classes) continue;                          \
            double gk = reduction == 0 ? (double)g[k] : scale;                                 \
            dx[(n * classes + t) * spatial + s] = (T)(-(weight ? (double)weight[t] : 1.0) * gk); \
        }                                                                                      \
        return 0;                                                                              \
    }
DEFINE_NLL_LOSS_BACKWARD(torsh_nll_loss_backward_f32, float)
DEFINE_NLL_LOSS_BACKWARD(torsh_nll_loss_backward_f64, double)

/* ---- cross_entropy: log_softmax along the class lane of each target, then the smoothed,
   weighted nll (see torsh_loss.h). A lane is the `classes` scores of one target, `stride`
   (= spatial) apart. Every lane is done by one thread: its max, then sum_c e^(x_c - m)
   (libm and a double sum; AVX2 float32 lanes that are contiguous: a vectorised e^x and
   float32 partial sums), then the loss; the lanes of a large input are spread over
   threads, each writing its own loss, and the reduction adds them in target order. */

#if defined(__AVX2__) && defined(__FMA__)
#include "lanes_avx2.h"
#define LOSS_AVX2 1

/* sum_j e^(x_j - m) over a contiguous float32 lane (m its finite max); with `keep`, each
   e^(x_j - m) is also stored there. Four float32 accumulators of 8 lanes each (a float64
   sum costs a third more time here): each adds n / 32 terms <= 1, relative error ~1e-7. */
#define EXP_STEP(S, J)                                                                        \
    {                                                                                         \
        __m256 e = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + (J)), vm));                       \
        if (keep) _mm256_storeu_ps(keep + (J), e);                                            \
        S = _mm256_add_ps(S, e);                                                              \
    }
static double lane_exp_sum_avx2(const float *x, int64_t n, float m, float *keep) {
    __m256 vm = _mm256_set1_ps(m), s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    int64_t j = 0;
    for (; j + 32 <= n; j += 32) {
        EXP_STEP(s0, j) EXP_STEP(s1, j + 8) EXP_STEP(s2, j + 16) EXP_STEP(s3, j + 24)
    }
    for (; j + 8 <= n; j += 8) EXP_STEP(s0, j)
    double sum = (double)hsum_ps(_mm256_add_ps(s0, s1)) + (double)hsum_ps(_mm256_add_ps(s2, s3));
    for (; j < n; j++) {
        float e = expf(x[j] - m);
        if (keep) keep[j] = e;
        sum += e;
    }
    return sum;
}
#undef EXP_STEP
#endif

/* The max m of a lane and ln sum_c e^(x_c - m) (libm, in double, in class order as the
   reference adds); 0 when the lane's log_softmax is all NaN (a NaN, or an infinite max). */
#define DEFINE_LANE_STATS(SUF, T)                                                              \
    static int lane_stats_##SUF(const T *x, int64_t stride, int64_t classes, double *m,       \
                                double *log_sum) {                                             \
        double best = -INFINITY;                                                               \
        int nan = 0;                                                                           \
        for (int64_t c = 0; c < classes; c++) {                                                \
            double v = (double)x[c * stride];                                                  \
            nan |= v != v;                                                                     \
            best = v > best ? v : best;                                                        \
        }                                                                                      \
        if (nan || isinf(best)) return 0;                                                      \
        double sum = 0.0;                                                                      \
        for (int64_t c = 0; c < classes; c++) sum += exp((double)x[c * stride] - best);        \
        *m = best;                                                                             \
        *log_sum = log(sum);                                                                   \
        return 1;                                                                              \
    }
DEFINE_LANE_STATS(f32, float)
DEFINE_LANE_STATS(f64, double)

/* m and ln sum e^(x - m) of a float32 lane: AVX2 when it is contiguous */
static int lane_fast_stats_f32(const float *x, int64_t stride, int64_t classes, double *m,
                               double *log_sum) {
#ifdef LOSS_AVX2
    if (stride == 1) {
        float best = lane_max_f32(x, classes);
        if (best != best || isinf(best)) return 0;
        *m = best;
        *log_sum = log(lane_exp_sum_avx2(x, classes, best, NULL));
        return 1;
    }
#endif
    return lane_stats_f32(x, stride, classes, m, log_sum);
}
#define lane_fast_stats_f64 lane_stats_f64

/* The loss of the kept target t in lane x: (1 - e) w_t (-log p_t) + (e / C) sum_c
   w_c (-log p_c), log p_c = (x_c - m) - ln sum (the reference's steps). */
#define DEFINE_CE_LOSS(SUF, T)                                                                 \
    static double lane_loss_##SUF(const T *x, int64_t stride, int64_t classes, int64_t t,     \
                                  const T *weight, double smoothing) {                         \
        double m, log_sum;                                                                     \
        if (!lane_fast_stats_##SUF(x, stride, classes, &m, &log_sum)) return NAN;             \
        double w = weight ? (double)weight[t] : 1.0;                                           \
        double loss = -w * (((double)x[t * stride] - m) - log_sum);                            \
        if (smoothing == 0) return loss;                                                       \
        double sum = 0.0;                                                                      \
        for (int64_t c = 0; c < classes; c++)                                                  \
            sum += (weight ? (double)weight[c] : 1.0) * (((double)x[c * stride] - m) - log_sum); \
        return (1 - smoothing) * loss + -sum * (smoothing / (double)classes);                  \
    }
DEFINE_CE_LOSS(f32, float)
DEFINE_CE_LOSS(f64, double)

#define DEFINE_CROSS_ENTROPY(SUF, T)                                                           \
    int torsh_cross_entropy_##SUF(int64_t batch, int64_t classes, int64_t spatial, T *out,    \
                                  const T *x, const int64_t *target, const T *weight,          \
                                  int64_t ignore_index, int reduction, double smoothing,       \
                                  int64_t *bad) {                                              \
        int64_t count = batch * spatial;                                                       \
        for (int64_t k = 0; k < count; k++) {                                                  \
            int64_t t = target[k];                                                             \
            if (t != ignore_index && (t < 0 || t >= classes)) { *bad = t; return 1; }          \
        }                                                                                      \
        double *losses = reduction == 0 ? NULL : malloc(sizeof(double) * (size_t)(count + 1)); \
        if (reduction != 0 && !losses) return 2;                                               \
        TORSH_FOR(k, count, count > 1 && count * classes >= TORSH_PARALLEL_GRAIN, {            \
            int64_t t = target[k], n = k / spatial, s = k % spatial;                           \
            double loss = t == ignore_index ? 0.0 :                                            \
                lane_loss_##SUF(x + n * classes * spatial + s, spatial, classes, t, weight,    \
                                smoothing);                                                    \
            if (reduction == 0) out[k] = (T)loss;                                              \
            else losses[k] = loss;                                                             \
        });                                                                                    \
        if (reduction == 0) return 0;                                                          \
        double total = 0.0, total_weight = 0.0;                                                \
        for (int64_t k = 0; k < count; k++) {                                                  \
            total += losses[k];                                                                \
            if (target[k] != ignore_index)                                                     \
                total_weight += weight ? (double)weight[target[k]] : 1.0;                      \
        }                                                                                      \
        free(losses);                                                                          \
        if (reduction == 1) out[0] = (T)total;                                                 \
        else out[0] = (T)(total_weight != 0 ? total / total_weight : NAN);                     \
        return 0;                                                                              \
    }
DEFINE_CROSS_ENTROPY(f32, float)
DEFINE_CROSS_ENTROPY(f64, double)

/* The backward of one lane, scaled by `coef` (see torsh_loss.h): dx_c = coef (p_c a - q_c)
   with p = softmax(x); every dx_c is NaN where the forward's log_softmax is. */
#define DEFINE_CE_LANE_BACKWARD(SUF, T)                                                        \
    static void lane_backward_##SUF(T *dx, const T *x, int64_t stride, int64_t classes,       \
                                    int64_t t, int kept, const T *weight, double smoothing,    \
                                    double total_class_weight, double coef) {                  \
        double wt = kept ? (weight ? (double)weight[t] : 1.0) : 0.0;                           \
        double spread = kept ? smoothing / (double)classes : 0.0;                              \
        double a = wt * (1 - smoothing) + spread * total_class_weight;                         \
        double m, log_sum;                                                                     \
        if (!lane_stats_##SUF(x, stride, classes, &m, &log_sum)) {                             \
            for (int64_t c = 0; c < classes; c++) dx[c * stride] = (T)NAN;                     \
            return;                                                                            \
        }                                                                                      \
        for (int64_t c = 0; c < classes; c++) {                                                \
            double p = exp(((double)x[c * stride] - m) - log_sum);                             \
            double q = (c == t ? wt * (1 - smoothing) : 0.0) +                                 \
                       spread * (weight ? (double)weight[c] : 1.0);                            \
            dx[c * stride] = (T)(coef * (p * a - q));                                          \
        }                                                                                      \
    }
DEFINE_CE_LANE_BACKWARD(f32, float)
DEFINE_CE_LANE_BACKWARD(f64, double)

#ifdef LOSS_AVX2
/* the same for a contiguous float32 lane: e^(x - m) stored in dx, then rescaled in place */
static int lane_backward_avx2(float *dx, const float *x, int64_t classes, int64_t t, int kept,
                              const float *weight, double smoothing,
                              double total_class_weight, double coef) {
    float best = lane_max_f32(x, classes);
    if (best != best || isinf(best)) return 0;
    double wt = kept ? (weight ? (double)weight[t] : 1.0) : 0.0;
    double spread = kept ? smoothing / (double)classes : 0.0;
    double a = wt * (1 - smoothing) + spread * total_class_weight;
    double sum = lane_exp_sum_avx2(x, classes, best, dx);
    __m256 scale = _mm256_set1_ps((float)(coef * a / sum));
    __m256 minus = _mm256_set1_ps((float)(coef * spread));
    int64_t j = 0;
    for (; j + 8 <= classes; j += 8) {
        __m256 r = _mm256_mul_ps(_mm256_loadu_ps(dx + j), scale);
        if (spread != 0) {
            __m256 w = weight ? _mm256_loadu_ps(weight + j) : _mm256_set1_ps(1.0f);
            r = _mm256_fnmadd_ps(minus, w, r);
        }
        _mm256_storeu_ps(dx + j, r);
    }
    for (; j < classes; j++)
        dx[j] = (float)(coef * a / sum * dx[j] - coef * spread * (weight ? weight[j] : 1.0f));
    if (kept) dx[t] = (float)(dx[t] - coef * wt * (1 - smoothing));
    return 1;
}
#define FAST_BACKWARD_f32(dx, x, stride, classes, t, kept, weight, e, tcw, coef)                \
    if (stride == 1 && lane_backward_avx2(dx, x, classes, t, kept, weight, e, tcw, coef)) continue;
#else
#define FAST_BACKWARD_f32(dx, x, stride, classes, t, kept, weight, e, tcw, coef)
#endif
#define FAST_BACKWARD_f64(dx, x, stride, classes, t, kept, weight, e, tcw, coef)

#define DEFINE_CROSS_ENTROPY_BACKWARD(SUF, T)                                                  \
    int torsh_cross_entropy_backward_##SUF(int64_t batch, int64_t classes, int64_t spatial,   \
                                           T *dx, const T *g, const T *x,                      \
                                           const int64_t *target, const T *weight,             \
                                           int64_t ignore_index, int reduction,                \
                                           double smoothing) {                                 \
        int64_t count = batch * spatial;                                                       \
        double scale = reduction == 0 ? 1.0 : (double)g[0], total_class_weight = 0.0;          \
        if (reduction == 2) {                                                                  \
            double total_weight = KEPT_WEIGHT(count, classes, target, weight, ignore_index);   \
            scale = total_weight != 0 ? scale / total_weight : NAN;                            \
        }                                                                                      \
        for (int64_t c = 0; c < classes; c++)                                                  \
            total_class_weight += weight ? (double)weight[c] : 1.0;                            \
        TORSH_FOR(k, count, count > 1 && count * classes >= TORSH_PARALLEL_GRAIN, {            \
            int64_t t = target[k], n = k / spatial, s = k % spatial;                           \
            int kept = t != ignore_index && t >= 0 && t < classes;                             \
            if (!kept) t = -1;                                                                 \
            double coef = !kept ? 0.0 : reduction == 0 ? (double)g[k] : scale;                 \
            T *d = dx + n * classes * spatial + s;                                             \
            const T *lane = x + n * classes * spatial + s;                                     \
            FAST_BACKWARD_##SUF(d, lane, spatial, classes, t, kept, weight, smoothing,         \
                                total_class_weight, coef)                                      \
            lane_backward_##SUF(d, lane, spatial, classes, t, kept, weight, smoothing,         \
                                total_class_weight, coef);                                     \
        });                                                                                    \
        return 0;                                                                              \
    }
DEFINE_CROSS_ENTROPY_BACKWARD(f32, float)
DEFINE_CROSS_ENTROPY_BACKWARD(f64, double)
