/* torsh_pool.h: pooling kernels (kernels/c/pool.c) over planes of ID x IH x IW (a 1-D or 2-D
   pooling is a 3-D one with unit leading dims), windows described by per-dim tables the
   caller computes: `sizes` = {ID, IH, IW, OD, OH, OW, DD, DH, DW} (DD, DH, DW: the step
   between a window's taps), and for output row o of a dim its taps are lo[o], lo[o] + step,
   ... < hi[o] (inside the volume). Indices are flat in-volume offsets (int64). All tensors
   contiguous. */

/* values/indices of each window's max: the first maximum, NaN wins (the last NaN); an empty
   window (or one of the type's least value) gives that value at
   (first_d[r] * IH + first_h[o]) * IW + first_w[q]. Here `sizes` has three more entries
   {KW, SW, PW}: when KW > 0 the row windows are uniform, column q's taps being
   q*SW - PW + v*DW for v < KW (those inside the plane); KW = 0: only the tables say.
   tables = {lo_d[OD], hi_d[OD], first_d[OD], lo_h[OH], hi_h[OH], first_h[OH],
             lo_w[OW], hi_w[OW], first_w[OW]}; the least value: -inf, or the integer minimum */
int torsh_pool3_max_f32(int64_t planes, const int64_t *sizes, const int64_t *tables,
                        const float *x, float *values, int64_t *indices);
int torsh_pool3_max_f64(int64_t planes, const int64_t *sizes, const int64_t *tables,
                        const double *x, double *values, int64_t *indices);
int torsh_pool3_max_i8(int64_t planes, const int64_t *sizes, const int64_t *tables,
                       const int8_t *x, int8_t *values, int64_t *indices);
int torsh_pool3_max_i16(int64_t planes, const int64_t *sizes, const int64_t *tables,
                        const int16_t *x, int16_t *values, int64_t *indices);
int torsh_pool3_max_i32(int64_t planes, const int64_t *sizes, const int64_t *tables,
                        const int32_t *x, int32_t *values, int64_t *indices);
int torsh_pool3_max_i64(int64_t planes, const int64_t *sizes, const int64_t *tables,
                        const int64_t *x, int64_t *values, int64_t *indices);
int torsh_pool3_max_u8(int64_t planes, const int64_t *sizes, const int64_t *tables,
                       const uint8_t *x, uint8_t *values, int64_t *indices);
/* out = (sum of each window, in double) / divisor, divisor = override if nonzero else
   div_d[r] * div_h[o] * div_w[q]. tables = {lo_d[OD], hi_d[OD], lo_h[OH], hi_h[OH],
   lo_w[OW], hi_w[OW]}, divisors = {div_d[OD], div_h[OH], div_w[OW]} */
int torsh_pool3_mean_f32(int64_t planes, const int64_t *sizes, const int64_t *tables,
                         const double *divisors, double override, const float *x, float *out);
int torsh_pool3_mean_f64(int64_t planes, const int64_t *sizes, const int64_t *tables,
                         const double *divisors, double override, const double *x,
                         double *out);
/* int64: the exact sum over the divisor (all nonzero), truncated toward zero, wrapped */
int torsh_pool3_mean_i64(int64_t planes, const int64_t *sizes, const int64_t *tables,
                         const double *divisors, double override, const int64_t *x,
                         int64_t *out);
/* The adjoint: dx[z, y, x] = sum over windows (r, o, q) reading it of g[r, o, q] / divisor,
   in window order. tables = {first window, end window} per input index of each dim:
   {r_lo[ID], r_hi[ID], o_lo[IH], o_hi[IH], p_lo[IW], p_hi[IW]}; scratch: OD * OH * OW
   doubles per thread. */
int torsh_pool3_mean_backward_f32(int64_t planes, const int64_t *sizes, const int64_t *tables,
                                  const double *divisors, double override, const float *g,
                                  float *dx, double *scratch);
int torsh_pool3_mean_backward_f64(int64_t planes, const int64_t *sizes, const int64_t *tables,
                                  const double *divisors, double override, const double *g,
                                  double *dx, double *scratch);
/* out[p, j] = x[p, idx[p, j]] (idx >= plane: -inf); per_plane = idx's elements per plane */
int torsh_pool_take_f32(int64_t planes, int64_t plane, int64_t per_plane, const float *x,
                        const int64_t *idx, float *out);
int torsh_pool_take_f64(int64_t planes, int64_t plane, int64_t per_plane, const double *x,
                        const int64_t *idx, double *out);
/* out = zeros(planes x plane); out[p, idx[p, j]] += v[p, j] (accumulate) or = v[p, j] (the
   last write wins); an idx outside [0, plane) is skipped */
int torsh_pool_scatter_f32(int64_t planes, int64_t plane, int64_t per_plane, const float *v,
                           const int64_t *idx, float *out, int accumulate);
int torsh_pool_scatter_f64(int64_t planes, int64_t plane, int64_t per_plane, const double *v,
                           const int64_t *idx, double *out, int accumulate);
