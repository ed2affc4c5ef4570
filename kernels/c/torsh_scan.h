/* torsh_scan.h: scans along one dim (kernels/c/scan.c). The caller moves the scanned dim last
   in `shape` and the strides; outputs are strided too (so they can keep the input's dim
   order).

   torsh_scan_*: out[..., j] = x[..., 0] op ... op x[..., j], from the end when `reverse`:
   + (cumsum), * (cumprod) or log(e^a + e^b) (logcumsumexp, floats only; the first element
   as it is). Floats accumulate in double, int64 in wrapping 64-bit arithmetic.

   torsh_scan_extreme_*: values[..., j] = the max (`larger`) or min of x[..., 0..j] and
   indices[..., j] the last position holding it: an element that ties or beats the running
   extreme takes over; from the first NaN on the value is NaN and every later NaN takes the
   index. Return 1 for an op the type does not have. */
enum torsh_scan_op { TORSH_S_CUMSUM = 0, TORSH_S_CUMPROD = 1, TORSH_S_LOGCUMSUMEXP = 2 };

int torsh_scan_f32(int op, int reverse, int ndim, const int64_t *shape, float *out,
                   const int64_t *out_strides, const float *x, const int64_t *x_strides);
int torsh_scan_f64(int op, int reverse, int ndim, const int64_t *shape, double *out,
                   const int64_t *out_strides, const double *x, const int64_t *x_strides);
int torsh_scan_i64(int op, int reverse, int ndim, const int64_t *shape, int64_t *out,
                   const int64_t *out_strides, const int64_t *x, const int64_t *x_strides);

int torsh_scan_extreme_f32(int larger, int ndim, const int64_t *shape, float *values,
                           const int64_t *value_strides, int64_t *indices,
                           const int64_t *index_strides, const float *x,
                           const int64_t *x_strides);
int torsh_scan_extreme_f64(int larger, int ndim, const int64_t *shape, double *values,
                           const int64_t *value_strides, int64_t *indices,
                           const int64_t *index_strides, const double *x,
                           const int64_t *x_strides);
int torsh_scan_extreme_i64(int larger, int ndim, const int64_t *shape, int64_t *values,
                           const int64_t *value_strides, int64_t *indices,
                           const int64_t *index_strides, const int64_t *x,
                           const int64_t *x_strides);
