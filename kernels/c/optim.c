/* Fused optimizer updates (SGD, Adam / AdamW with AMSGrad) over one contiguous parameter,
   float32 and float64.

   Each element goes through the same chain of operations, in the same order, as the tensor
   ops of torsh/optim (which follow PyTorch's single-tensor updates): every step is computed
   in double from the previous op's value and rounded to T once per op, as each tensor op
   rounds its result once. `a + alpha * b` of an `add(alpha=)` is one fma (the reference
   rounds it once); addcmul is fma(value * t1, t2, input), as PyTorch computes it. Large
   parameters are cut over threads; every element is independent. */
#include "internal.h"
#include "torsh_optim.h"

/* lerp(a, b, w) from the nearer end: a + w (b - a) for |w| < 0.5, else b - (b - a)(1 - w). */
static inline double optim_lerp(double a, double b, double w) {
    return fabs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}

/* The SGD loop for one configuration: decay (weight_decay != 0), mode 0 (no momentum),
   1 (first step: buf = d) or 2 (buf = momentum buf + (1 - dampening) d), and nesterov are
   constants at each call, so each variant is a branch-free vectorised loop. */
#define DEFINE_SGD_RUN(NAME, T)                                                                \
    TORSH_INLINE void NAME(int64_t lo, int64_t hi, T *restrict param,                          \
                           const T *restrict grad, T *restrict buf, T sign, double lr,         \
                           double momentum, double dampening, double weight_decay,             \
                           const int decay, const int mode, const int nesterov) {              \
        for (int64_t i = lo; i < hi; i++) {                                                    \
            T d = grad[i] * sign;                                                              \
            if (decay) d = (T)fma(weight_decay, (double)param[i], (double)d);                  \
            if (mode) {                                                                        \
                T b = mode == 1 ? d : (T)fma(1 - dampening, (double)d,                         \
                                             (double)(T)((double)buf[i] * momentum));          \
                buf[i] = b;                                                                    \
                d = nesterov ? (T)fma(momentum, (double)b, (double)d) : b;                     \
            }                                                                                  \
            param[i] = (T)fma(-lr, (double)d, (double)param[i]);                               \
        }                                                                                      \
    }

/* One SGD_CASE per configuration (decay, mode, nesterov): key = decay * 6 + mode * 2 + nes. */
#define SGD_CASE(RUN, D, M, N)                                                                 \
    case D * 6 + M * 2 + N:                                                                    \
        RUN(lo, hi, param, grad, buf, sign, lr, momentum, dampening, weight_decay, D, M, N);  \
        break;

#define DEFINE_SGD(NAME, T)                                                                    \
    DEFINE_SGD_RUN(NAME##_run, T)                                                              \
    int NAME(int64_t n, T *param, const T *grad, T *buf, int first, double lr,                \
             double momentum, double dampening, double weight_decay, int nesterov,            \
             int maximize) {                                                                   \
        int decay = weight_decay != 0, mode = buf ? (first ? 1 : 2) : 0;                       \
        int key = decay * 6 + mode * 2 + (buf && nesterov);                                    \
        T sign = maximize ? (T)-1 : (T)1;                                                      \
        int64_t tasks = n >= TORSH_PARALLEL_GRAIN ? (n + TORSH_BLOCK - 1) / TORSH_BLOCK : 1;  \
        TORSH_FOR(t, tasks, tasks > 1, {                                                       \
            int64_t lo = n * t / tasks, hi = n * (t + 1) / tasks;                              \
            switch (key) {                                                                     \
            SGD_CASE(NAME##_run, 0, 0, 0) SGD_CASE(NAME##_run, 0, 1, 0)                        \
            SGD_CASE(NAME##_run, 0, 1, 1) SGD_CASE(NAME##_run, 0, 2, 0)                        \
            SGD_CASE(NAME##_run, 0, 2, 1) SGD_CASE(NAME##_run, 1, 0, 0)                        \
            SGD_CASE(NAME##_run, 1, 1, 0) SGD_CASE(NAME##_run, 1, 1, 1)                        \
            SGD_CASE(NAME##_run, 1, 2, 0) SGD_CASE(NAME##_run, 1, 2, 1)                        \
            default: break;                                                                    \
            }                                                                                  \
        });                                                                                    \
        return 0;                                                                              \
    }
DEFINE_SGD(torsh_sgd_f32, float)
DEFINE_SGD(torsh_sgd_f64, double)

/* The Adam loop for one configuration: decay 0 (none), 1 (g += wd p), 2 (p *= 1 - lr wd)
   and amsgrad 0 / 1 are constants at each call, so each variant is a branch-free loop the
   compiler vectorises; maximize is a multiplication by sign = -1 (exact). */
#define DEFINE_ADAM_RUN(NAME, T)                                                               \
    TORSH_INLINE void NAME(int64_t lo, int64_t hi, T *restrict param,                          \
                           const T *restrict grad, T *restrict exp_avg,                        \
                           T *restrict exp_avg_sq, T *restrict max_exp_avg_sq, T sign,         \
                           double beta1, double beta2, double eps, double weight_decay,        \
                           double step_size, double bias_correction2_sqrt, double keep,        \
                           const int decay, const int amsgrad) {                               \
        for (int64_t i = lo; i < hi; i++) {                                                    \
            T g = grad[i] * sign, p = param[i];                                                \
            if (decay == 2) p = (T)((double)p * keep);                                         \
            if (decay == 1) g = (T)fma(weight_decay, (double)p, (double)g);                    \
            T m = (T)optim_lerp((double)exp_avg[i], (double)g, 1 - beta1);                     \
            T v = (T)((double)exp_avg_sq[i] * beta2);                                          \
            v = (T)fma((1 - beta2) * (double)g, (double)g, (double)v);                         \
            exp_avg[i] = m;                                                                    \
            exp_avg_sq[i] = v;                                                                 \
            T second = v;                                                                      \
            if (amsgrad) {                                                                     \
                T old = max_exp_avg_sq[i];                                                     \
                /* maximum propagates NaN from either side */                                  \
                second = old != old ? old : (v != v ? v : (old > v ? old : v));                \
                max_exp_avg_sq[i] = second;                                                    \
            }                                                                                  \
            T denom = (T)sqrt((double)second);                                                 \
            denom = (T)((double)denom / bias_correction2_sqrt);                                \
            denom = (T)((double)denom + eps);                                                  \
            param[i] = (T)((double)p + -step_size * ((double)m / (double)denom));              \
        }                                                                                      \
    }

#define DEFINE_ADAM(NAME, T)                                                                   \
    DEFINE_ADAM_RUN(NAME##_run, T)                                                             \
    int NAME(int64_t n, T *param, const T *grad, T *exp_avg, T *exp_avg_sq,                   \
             T *max_exp_avg_sq, double lr, double beta1, double beta2, double eps,            \
             double weight_decay, int decoupled, int maximize, double step) {                 \
        double step_size = lr / (1 - pow(beta1, step));                                        \
        double bc2 = sqrt(1 - pow(beta2, step)), keep = 1 - lr * weight_decay;                 \
        int decay = weight_decay == 0 ? 0 : (decoupled ? 2 : 1);                               \
        T sign = maximize ? (T)-1 : (T)1;                                                      \
        int64_t tasks = n >= TORSH_PARALLEL_GRAIN ? (n + TORSH_BLOCK - 1) / TORSH_BLOCK : 1;  \
        TORSH_FOR(t, tasks, tasks > 1, {                                                       \
            int64_t lo = n * t / tasks, hi = n * (t + 1) / tasks;                              \
            T *ms = max_exp_avg_sq;                                                            \
            switch (decay * 2 + (ms != NULL)) {                                                \
            case 0: NAME##_run(lo, hi, param, grad, exp_avg, exp_avg_sq, ms, sign, beta1,     \
                               beta2, eps, weight_decay, step_size, bc2, keep, 0, 0); break;  \
            case 1: NAME##_run(lo, hi, param, grad, exp_avg, exp_avg_sq, ms, sign, beta1,     \
                               beta2, eps, weight_decay, step_size, bc2, keep, 0, 1); break;  \
            case 2: NAME##_run(lo, hi, param, grad, exp_avg, exp_avg_sq, ms, sign, beta1,     \
                               beta2, eps, weight_decay, step_size, bc2, keep, 1, 0); break;  \
            case 3: NAME##_run(lo, hi, param, grad, exp_avg, exp_avg_sq, ms, sign, beta1,     \
                               beta2, eps, weight_decay, step_size, bc2, keep, 1, 1); break;  \
            case 4: NAME##_run(lo, hi, param, grad, exp_avg, exp_avg_sq, ms, sign, beta1,     \
                               beta2, eps, weight_decay, step_size, bc2, keep, 2, 0); break;  \
            default: NAME##_run(lo, hi, param, grad, exp_avg, exp_avg_sq, ms, sign, beta1,    \
                                beta2, eps, weight_decay, step_size, bc2, keep, 2, 1); break; \
            }                                                                                  \
        });                                                                                    \
        return 0;                                                                              \
    }
DEFINE_ADAM(torsh_adam_f32, float)
DEFINE_ADAM(torsh_adam_f64, double)
