/* torsh_loss.h: classification loss kernels (kernels/c/loss.c).

   nll_loss: x is (batch, classes, spatial) contiguous, target (batch * spatial) int64,
   weight NULL or (classes). loss_k = -w[t_k] * x[n, t_k, s] for k = n * spatial + s, 0 where
   t_k == ignore_index. reduction 0 (none): out[k] = loss_k; 1 (sum): out[0] = sum loss_k;
   2 (mean): out[0] = sum loss_k / sum of the kept w[t_k] (NaN when that is 0).
   Returns 0, or 1 (writing nothing) with *bad = the first target outside [0, classes).

   The backward writes dx (batch, classes, spatial): 0 but at each kept target,
   dx[n, t_k, s] = -w[t_k] * g_k with g_k = g[k] (none), g[0] (sum), or g[0] / total weight
   (mean; g[0] when the total is 0). Targets outside [0, classes) are skipped. */
int torsh_nll_loss_f32(int64_t batch, int64_t classes, int64_t spatial, float *out,
                       const float *x, const int64_t *target, const float *weight,
                       int64_t ignore_index, int reduction, int64_t *bad);
int torsh_nll_loss_f64(int64_t batch, int64_t classes, int64_t spatial, double *out,
                       const double *x, const int64_t *target, const double *weight,
                       int64_t ignore_index, int reduction, int64_t *bad);
int torsh_nll_loss_backward_f32(int64_t batch, int64_t classes, int64_t spatial, float *dx,
                                const float *g, const int64_t *target, const float *weight,
                                int64_t ignore_index, int reduction);
int torsh_nll_loss_backward_f64(int64_t batch, int64_t classes, int64_t spatial, double *dx,
                                const double *g, const int64_t *target, const double *weight,
                                int64_t ignore_index, int reduction);

/* cross_entropy (class-index targets), the same layout, target and weight as nll_loss: each
   target's lane x[n, :, s] is turned into log p = log_softmax (all NaN when the lane holds a
   NaN or its max is infinite), then loss_k = (1 - e) w[t_k] (-log p[t_k]) + (e / C) sum_c
   w_c (-log p[c]) for a kept target, 0 for an ignored one (e = smoothing), reduced as
   nll_loss (0: none, 1: sum, 2: mean over the total kept weight, NaN when it is 0).
   Returns 0; 1 (writing nothing) with *bad = the first target outside [0, classes); 2 when
   memory for the per-target losses could not be had (writing nothing).

   The backward writes dx (batch, classes, spatial): dx[n, c, s] = g_k (a_k p[c] - q_k[c]),
   p = softmax of the lane, q_k[c] = (1 - e) w[t_k] [c == t_k] + (e / C) w_c (the smoothed,
   weighted one-hot) and a_k = sum_c q_k[c]; g_k = g[k] (none), g[0] (sum), g[0] / total
   kept weight (mean; NaN when that is 0, as PyTorch's 0 / 0), and 0 for an ignored target.
   A lane whose forward is NaN gets NaN throughout, ignored or not (as log_softmax's
   backward). */
int torsh_cross_entropy_f32(int64_t batch, int64_t classes, int64_t spatial, float *out,
                            const float *x, const int64_t *target, const float *weight,
                            int64_t ignore_index, int reduction, double smoothing,
                            int64_t *bad);
int torsh_cross_entropy_f64(int64_t batch, int64_t classes, int64_t spatial, double *out,
                            const double *x, const int64_t *target, const double *weight,
                            int64_t ignore_index, int reduction, double smoothing,
                            int64_t *bad);
int torsh_cross_entropy_backward_f32(int64_t batch, int64_t classes, int64_t spatial,
                                     float *dx, const float *g, const float *x,
                                     const int64_t *target, const float *weight,
                                     int64_t ignore_index, int reduction, double smoothing);
int torsh_cross_entropy_backward_f64(int64_t batch, int64_t classes, int64_t spatial,
                                     double *dx, const double *g, const double *x,
                                     const int64_t *target, const double *weight,
                                     int64_t ignore_index, int reduction, double smoothing);
