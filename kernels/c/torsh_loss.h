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
