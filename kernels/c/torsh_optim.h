/* torsh_optim.h: fused optimizer updates over one contiguous parameter (kernels/c/optim.c).
   Each is one pass over n elements, in the operation order of PyTorch's single-tensor
   update; every intermediate is rounded to the parameter's type as a chain of tensor ops
   would round it.

   sgd: d = (maximize ? -grad : grad) + weight_decay * p; with momentum, buf = d when first,
   else buf = momentum * buf + (1 - dampening) * d, and d = nesterov ? d + momentum * buf : buf
   (buf NULL when momentum is 0); p = p - lr * d. */
int torsh_sgd_f32(int64_t n, float *param, const float *grad, float *buf, int first,
                  double lr, double momentum, double dampening, double weight_decay,
                  int nesterov, int maximize);
int torsh_sgd_f64(int64_t n, double *param, const double *grad, double *buf, int first,
                  double lr, double momentum, double dampening, double weight_decay,
                  int nesterov, int maximize);

/* adam / adamw at step `step` (>= 1): g = maximize ? -grad : grad; decoupled: p *= 1 - lr wd,
   else g = g + wd * p; m = lerp(m, g, 1 - beta1); v = beta2 * v + (1 - beta2) * g * g;
   amsgrad (max_v not NULL): max_v = max(max_v, v) and v' = max_v, else v' = v;
   p = p - lr / (1 - beta1^step) * m / (sqrt(v') / sqrt(1 - beta2^step) + eps). */
int torsh_adam_f32(int64_t n, float *param, const float *grad, float *exp_avg,
                   float *exp_avg_sq, float *max_exp_avg_sq, double lr, double beta1,
                   double beta2, double eps, double weight_decay, int decoupled, int maximize,
                   double step);
int torsh_adam_f64(int64_t n, double *param, const double *grad, double *exp_avg,
                   double *exp_avg_sq, double *max_exp_avg_sq, double lr, double beta1,
                   double beta2, double eps, double weight_decay, int decoupled, int maximize,
                   double step);
