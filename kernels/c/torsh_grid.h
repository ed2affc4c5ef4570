/* torsh_grid.h: grid_sample's forward (kernels/c/grid.c).

   x is the contiguous (N, C, *spatial) input with k = 2 or 3 spatial dims (sizes[0..k-1],
   D, H, W order), grid the contiguous (N, points, k) sample points (x, y[, z]: the last
   spatial dim first), out the contiguous (N, C, points). mode: 0 bilinear, 1 nearest,
   2 bicubic (k = 2 only); padding: 0 zeros, 1 border, 2 reflection. Each output is the sum,
   in double from 0, of weight * x over the point's taps (cells outside the input are
   dropped), rounded once. Returns 1 for arguments it does not take. */
enum torsh_grid_mode { TORSH_GRID_BILINEAR = 0, TORSH_GRID_NEAREST = 1, TORSH_GRID_BICUBIC = 2 };
enum torsh_grid_padding { TORSH_GRID_ZEROS = 0, TORSH_GRID_BORDER = 1, TORSH_GRID_REFLECTION = 2 };

int torsh_grid_sample_f32(int k, int64_t batch, int64_t channels, const int64_t *sizes,
                          int64_t points, const float *x, const float *grid, int mode,
                          int padding, int align_corners, float *out);
int torsh_grid_sample_f64(int k, int64_t batch, int64_t channels, const int64_t *sizes,
                          int64_t points, const double *x, const double *grid, int mode,
                          int padding, int align_corners, double *out);
