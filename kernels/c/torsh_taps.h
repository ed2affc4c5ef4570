/* torsh_taps.h: sparse weighted sums along one dim (interpolate and its gradient): the ABI of
   kernels/c/taps.c.

   x is seen as (outer, size_in, inner) with element strides xs[0], xs[1], xs[2]; out is the
   contiguous (outer, size_out, inner). Output row j has the taps k in [start[j], start[j+1]):
       out[o, j, i] = w[k0] * x[o, source[k0], i] + w[k0 + 1] * x[o, source[k0 + 1], i] + ...
   summed in double left to right from the first product (from 0.0 when from_zero), rounded
   once to the output type. Suffixes name the input and output types. Returns 1 when a
   start or source is out of range (nothing is read or written then). */

int torsh_taps_f32_f32(int64_t outer, int64_t size_in, int64_t inner, const float *x,
                       const int64_t *xs, int64_t size_out, const int64_t *start,
                       const int64_t *source, const double *weight, int from_zero,
                       float *out);
int torsh_taps_f32_f64(int64_t outer, int64_t size_in, int64_t inner, const float *x,
                       const int64_t *xs, int64_t size_out, const int64_t *start,
                       const int64_t *source, const double *weight, int from_zero,
                       double *out);
int torsh_taps_f64_f32(int64_t outer, int64_t size_in, int64_t inner, const double *x,
                       const int64_t *xs, int64_t size_out, const int64_t *start,
                       const int64_t *source, const double *weight, int from_zero,
                       float *out);
int torsh_taps_f64_f64(int64_t outer, int64_t size_in, int64_t inner, const double *x,
                       const int64_t *xs, int64_t size_out, const int64_t *start,
                       const int64_t *source, const double *weight, int from_zero,
                       double *out);
