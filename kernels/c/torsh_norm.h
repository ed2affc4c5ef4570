/* torsh_norm.h: normalization kernels (kernels/c/norm.c). Every operand is contiguous.

   Row norms (layer_norm, rms_norm, group_norm): x is (rows, size), size = chans * inner;
   row r is normalised on its own and its element j uses the per-channel weight / bias entry
   (r % groups) * chans + j / inner (layer/rms norm: groups 1, chans = size, inner 1; group
   norm: rows = N * G, chans = C / G, inner = spatial size). weight and bias may be NULL.
   centre = 1: y = (x - mean) * rstd * w + b (bias 0 when NULL); centre = 0 (rms_norm):
   y = x * rstd * w with var = mean of squares and no bias. Statistics are kept in double.

   The backward writes dx (rows, size), dw and db (groups * chans); either of dw and db may
   be NULL (not written; with both NULL their sums are skipped). It cuts the rows into `chunks`
   runs (one per thread, >= 1) and needs 3 * chunks * groups * chans doubles of scratch from
   the caller. It returns 1 when chunks or groups is below 1.

   Batch norm: x is (batch, channels, inner); statistics per channel over batch and inner. */
int torsh_row_norm_f32(int64_t rows, int64_t groups, int64_t chans, int64_t inner,
                       float *out, const float *x, const float *weight, const float *bias,
                       double eps, int centre);
int torsh_row_norm_f64(int64_t rows, int64_t groups, int64_t chans, int64_t inner,
                       double *out, const double *x, const double *weight,
                       const double *bias, double eps, int centre);
int torsh_row_norm_backward_f32(int64_t rows, int64_t groups, int64_t chans, int64_t inner,
                                float *dx, float *dw, float *db, int64_t chunks,
                                double *scratch,
                                const float *g, const float *x, const float *weight,
                                double eps, int centre);
int torsh_row_norm_backward_f64(int64_t rows, int64_t groups, int64_t chans, int64_t inner,
                                double *dx, double *dw, double *db, int64_t chunks,
                                double *scratch,
                                const double *g, const double *x, const double *weight,
                                double eps, int centre);

/* training = 1: batch statistics, and when new_mean / new_var are not NULL the updated
   running estimates (1 - momentum) * running + momentum * batch (var unbiased) are written
   there; training = 0: running_mean / running_var are used. */
int torsh_batch_norm_f32(int64_t batch, int64_t channels, int64_t inner, float *out,
                         const float *x, const float *weight, const float *bias,
                         const float *running_mean, const float *running_var,
                         float *new_mean, float *new_var, int training, double momentum,
                         double eps);
int torsh_batch_norm_f64(int64_t batch, int64_t channels, int64_t inner, double *out,
                         const double *x, const double *weight, const double *bias,
                         const double *running_mean, const double *running_var,
                         double *new_mean, double *new_var, int training, double momentum,
                         double eps);
/* dx, dw, db of training-mode batch_norm for the cotangent g. */
int torsh_batch_norm_backward_f32(int64_t batch, int64_t channels, int64_t inner,
                                  float *dx, float *dw, float *db, const float *g,
                                  const float *x, const float *weight, double eps);
int torsh_batch_norm_backward_f64(int64_t batch, int64_t channels, int64_t inner,
                                  double *dx, double *dw, double *db, const double *g,
                                  const double *x, const double *weight, double eps);
