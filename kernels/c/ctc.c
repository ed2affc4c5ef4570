/* The CTC loss and its gradient (torsh_ctc.h): the forward-backward recursion of
   torsh/nn/functional/ctc.py in log space, in double, with its operations in its order
   (log-sum-exp of two terms at a time, the first term's max winning ties and NaN), so the
   result is the reference's rounded once.

   The walk: samples are spread over threads; each keeps its alpha and beta tables
   (frames x (2L + 1) doubles each) in memory of its own. */
#include "internal.h"
#include "torsh_ctc.h"

#include <stdlib.h>

/* log(e^a + e^b) = top + log(e^(a - top) + e^(b - top)), -inf when both are -inf; top is a
   unless b beats it (a NaN a stays), as max() over (a, b). The top's own term is e^0 = 1
   exactly, so only the other one is computed. */
static double lse2(double a, double b) {
    int second = b > a;
    double top = second ? b : a, other = second ? a : b;
    if (top == -INFINITY) return -INFINITY;
    return top + log(1.0 + exp(other - top));
}

/* l'_s: blank at even s, label (s - 1) / 2 at odd s */
static int64_t extended(const int64_t *labels, int64_t s, int64_t blank) {
    return s % 2 ? labels[s / 2] : blank;
}

/* the alpha (and, with beta, the beta) table of one sample: frames rows of size values */
#define DEFINE_TABLES(SUF, T)                                                                      \
    static void tables_##SUF(const T *lp, int64_t batch, int64_t classes, int64_t b,               \
                             int64_t frames, const int64_t *labels, int64_t size, int64_t blank,   \
                             double *alpha, double *beta) {                                        \
        for (int64_t i = 0; i < frames * size; i++) alpha[i] = -INFINITY;                          \
        if (frames == 0) return;                                                                   \
        for (int64_t t = 0; t < frames; t++) {                                                     \
            const T *row_lp = lp + (t * batch + b) * classes;                                      \
            double *row = alpha + t * size, *previous = row - size;                                \
            for (int64_t s = 0; s < size; s++) {                                                   \
                int64_t c = extended(labels, s, blank);                                            \
                if (t == 0) {                                                                      \
                    if (s < 2) row[s] = (double)row_lp[c];                                         \
                    continue;                                                                      \
                }                                                                                  \
                double total = previous[s];                                                        \
                if (s >= 1) total = lse2(total, previous[s - 1]);                                  \
                if (s >= 2 && c != blank && c != extended(labels, s - 2, blank))                   \
                    total = lse2(total, previous[s - 2]);                                          \
                row[s] = total != -INFINITY ? total + (double)row_lp[c] : -INFINITY;               \
            }                                                                                      \
        }                                                                                          \
        if (beta == NULL) return;                                                                  \
        for (int64_t i = 0; i < frames * size; i++) beta[i] = -INFINITY;                           \
        for (int64_t t = frames - 1; t >= 0; t--) {                                                \
            const T *row_lp = lp + (t * batch + b) * classes;                                      \
            double *row = beta + t * size, *following = row + size;                                \
            for (int64_t s = 0; s < size; s++) {                                                   \
                int64_t c = extended(labels, s, blank);                                            \
                if (t == frames - 1) {                                                             \
                    if (s >= size - 2) row[s] = (double)row_lp[c];                                 \
                    continue;                                                                      \
                }                                                                                  \
                double total = following[s];                                                       \
                if (s + 1 < size) total = lse2(total, following[s + 1]);                           \
                if (s + 2 < size && extended(labels, s + 2, blank) != blank &&                     \
                    extended(labels, s + 2, blank) != c)                                           \
                    total = lse2(total, following[s + 2]);                                         \
                row[s] = total != -INFINITY ? total + (double)row_lp[c] : -INFINITY;               \
            }                                                                                      \
        }                                                                                          \
    }

/* -log p(labels) from the last alpha row */
static double nll(const double *alpha, int64_t frames, int64_t size) {
    if (frames == 0) return size == 1 ? -0.0 : INFINITY;
    const double *ends = alpha + (frames - 1) * size;
    return -(size > 1 ? lse2(ends[size - 1], ends[size - 2]) : ends[0]);
}

#define DEFINE_CTC(SUF, T)                                                                         \
    DEFINE_TABLES(SUF, T)                                                                          \
    int torsh_ctc_loss_##SUF(int64_t frames, int64_t batch, int64_t classes, const T *lp,          \
                             const int64_t *targets, const int64_t *starts,                        \
                             const int64_t *target_lengths, const int64_t *input_lengths,          \
                             int64_t blank, int zero_infinity, T *losses) {                        \
        int failed = 0;                                                                            \
        (void)frames;                                                                              \
        TORSH_FOR(b, batch, batch > 1 && frames * classes * batch >= TORSH_PARALLEL_GRAIN, {      \
            int64_t size = 2 * target_lengths[b] + 1, steps = input_lengths[b];                    \
            double *alpha = malloc(sizeof(double) * (size_t)(steps * size + 1));                   \
            if (alpha == NULL) {                                                                   \
                failed = 1;                                                                        \
            } else {                                                                               \
                tables_##SUF(lp, batch, classes, b, steps, targets + starts[b], size, blank,       \
                             alpha, NULL);                                                         \
                double loss = nll(alpha, steps, size);                                             \
                losses[b] = (T)(zero_infinity && loss == INFINITY ? 0.0 : loss);                   \
                free(alpha);                                                                       \
            }                                                                                      \
        });                                                                                        \
        return failed ? 2 : 0;                                                                     \
    }                                                                                              \
    int torsh_ctc_grad_##SUF(int64_t frames, int64_t batch, int64_t classes, const T *lp,          \
                             const int64_t *targets, const int64_t *starts,                        \
                             const int64_t *target_lengths, const int64_t *input_lengths,          \
                             int64_t blank, int zero_infinity, const T *g, T *grad) {              \
        int failed = 0;                                                                            \
        for (int64_t i = 0; i < frames * batch * classes; i++) grad[i] = 0;                        \
        TORSH_FOR(b, batch, batch > 1 && frames * classes * batch >= TORSH_PARALLEL_GRAIN, {      \
            int64_t size = 2 * target_lengths[b] + 1, steps = input_lengths[b];                    \
            const int64_t *labels = targets + starts[b];                                           \
            double *alpha = malloc(sizeof(double) * (size_t)(2 * steps * size + classes + 1));     \
            if (alpha == NULL) {                                                                   \
                failed = 1;                                                                        \
            } else {                                                                               \
                double *beta = alpha + steps * size, *both = beta + steps * size;                  \
                tables_##SUF(lp, batch, classes, b, steps, labels, size, blank, alpha, beta);      \
                double loss = nll(alpha, steps, size);                                             \
                if (!(zero_infinity && loss == INFINITY)) {                                        \
                    for (int64_t t = 0; t < steps; t++) {                                          \
                        for (int64_t c = 0; c < classes; c++) both[c] = -INFINITY;                 \
                        for (int64_t s = 0; s < size; s++) {                                       \
                            int64_t c = extended(labels, s, blank);                                \
                            both[c] = lse2(both[c], alpha[t * size + s] + beta[t * size + s]);     \
                        }                                                                          \
                        const T *row_lp = lp + (t * batch + b) * classes;                          \
                        T *row = grad + (t * batch + b) * classes;                                 \
                        for (int64_t c = 0; c < classes; c++) {                                    \
                            double x = (double)row_lp[c];                                          \
                            row[c] = (T)((double)g[b] * (exp(x) - exp(both[c] + loss - x)));       \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
                free(alpha);                                                                       \
            }                                                                                      \
        });                                                                                        \
        return failed ? 2 : 0;                                                                     \
    }

DEFINE_CTC(f32, float)
DEFINE_CTC(f64, double)
