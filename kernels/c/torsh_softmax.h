/* torsh_softmax.h: softmax and log_softmax along the last dim of `shape`, forward and
   backward (kernels/c/softmax.c). The caller moves the softmax dim last; every operand,
   outputs included, is strided (so an output keeps its input's dim order).

   forward:  y = e^(x - m) / sum e^(x - m)   or  y = x - m - ln(sum e^(x - m)),  m = max x;
             a lane holding NaN or +inf, or only -inf, gives NaN everywhere (as the reference).
   backward: gx = y * (g - sum(g * y))       or  gx = g - e^y * sum(g)   (`log` = 1). */

int torsh_softmax_f32(int log, int ndim, const int64_t *shape, float *out,
                      const int64_t *out_strides, const float *x, const int64_t *x_strides);
int torsh_softmax_f64(int log, int ndim, const int64_t *shape, double *out,
                      const int64_t *out_strides, const double *x, const int64_t *x_strides);
int torsh_softmax_backward_f32(int log, int ndim, const int64_t *shape, float *gx,
                               const int64_t *gx_strides, const float *y,
                               const int64_t *y_strides, const float *g,
                               const int64_t *g_strides);
int torsh_softmax_backward_f64(int log, int ndim, const int64_t *shape, double *gx,
                               const int64_t *gx_strides, const double *y,
                               const int64_t *y_strides, const double *g,
                               const int64_t *g_strides);
