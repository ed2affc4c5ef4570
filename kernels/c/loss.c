/* Classification loss kernels: nll_loss forward and backward, float32 and float64.

   One sequential walk over the targets (k = n * spatial + s): the first target out of range
   is reported before anything is written, as the reference raises before returning; sums
   are kept in double and rounded once. The backward clears dx and writes one value per
   kept target. */
#include <string.h>

#include "internal.h"
#include "torsh_loss.h"

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
            double total_weight = 0.0;                                                         \
            for (int64_t k = 0; k < count; k++) {                                              \
                int64_t t = target[k];                                                         \
                if (t != ignore_index && t >= 0 && t < classes)                                \
                    total_weight += weight ? (double)weight[t] : 1.0;                          \
            }                                                                                  \
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
