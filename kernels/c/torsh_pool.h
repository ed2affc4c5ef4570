/* torsh_pool.h: pooling kernels (kernels/c/pool.c) over planes of IH x IW (a 1-D pooling is
   a 2-D one of height 1), windows described by per-dim tables the caller computes:
   `sizes` = {IH, IW, OH, OW, DH, DW} (DH, DW: the step between a window's taps), and for
   output row o its taps are lo[o], lo[o] + DH, ... < hi[o] (inside the plane), likewise for
   columns. Indices are flat in-plane offsets (int64). All tensors contiguous. */

/* values/indices of each window's max: the first maximum, NaN wins (the last NaN); an empty
   or all -inf window gives -inf at first_h[o] * IW + first_w[p]. Here `sizes` has three more
   entries {KW, SW, PW}: when KW > 0 the row windows are uniform, column q's taps being
   q*SW - PW + v*DW for v < KW (those inside the plane); KW = 0: only the tables say.
   tables = {lo_h[OH], hi_h[OH], first_h[OH], lo_w[OW], hi_w[OW], first_w[OW]} */
int torsh_pool_max_f32(int64_t planes, const int64_t *sizes, const int64_t *tables,
                       const float *x, float *values, int64_t *indices);
int torsh_pool_max_f64(int64_t planes, const int64_t *sizes, const int64_t *tables,
                       const double *x, double *values, int64_t *indices);
/* out = (sum of each window, in double) / divisor, divisor = override if nonzero else
   div_h[o] * div_w[p]. tables = {lo_h[OH], hi_h[OH], lo_w[OW], hi_w[OW]},
   divisors = {div_h[OH], div_w[OW]} */
int torsh_pool_mean_f32(int64_t planes, const int64_t *sizes, const int64_t *tables,
                        const double *divisors, double override, const float *x, float *out);
int torsh_pool_mean_f64(int64_t planes, const int64_t *sizes, const int64_t *tables,
                        const double *divisors, double override, const double *x,
                        double *out);
/* The adjoint: dx[y, x] = sum over windows (o, p) reading it of g[o, p] / divisor, in window
   order. tables = {first window, end window} per input row then per input column:
   {o_lo[IH], o_hi[IH], p_lo[IW], p_hi[IW]}; scratch: OH * OW doubles per thread. */
int torsh_pool_mean_backward_f32(int64_t planes, const int64_t *sizes, const int64_t *tables,
                                 const double *divisors, double override, const float *g,
                                 float *dx, double *scratch);
int torsh_pool_mean_backward_f64(int64_t planes, const int64_t *sizes, const int64_t *tables,
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
