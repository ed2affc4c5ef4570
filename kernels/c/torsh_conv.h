/* torsh_conv.h: convolution kernels (kernels/c/conv.c): im2col, col2im and the three matrix
   products a convolution and its gradients are made of, over 3 spatial dims (a 1-D or 2-D
   convolution is a 3-D one with unit leading dims: size 1, kernel 1, stride 1, padding 0).

   A convolution's geometry is one int64 array `g` (the TORSH_CONV_* slots below). Its two
   tensors are the "wide" one, whose planes im2col reads (ID x IH x IW; the input of a
   convolution, the output of a transposed one) and the "narrow" one with one value per kernel
   placement (BD x BH x BW blocks; the output of a convolution, the input of a transposed one).
   The weight of group q is a contiguous (NC/G) x (WC/G * KD * KH * KW) matrix W_q in both
   cases. All tensors are contiguous; `work` holds torsh_conv3_workspace_*(g) elements per
   thread (torsh_get_num_threads() threads). */
enum torsh_conv_slot {
    TORSH_CONV_N = 0, TORSH_CONV_WC = 1, TORSH_CONV_ID = 2, TORSH_CONV_IH = 3,
    TORSH_CONV_IW = 4, TORSH_CONV_NC = 5, TORSH_CONV_BD = 6, TORSH_CONV_BH = 7,
    TORSH_CONV_BW = 8, TORSH_CONV_KD = 9, TORSH_CONV_KH = 10, TORSH_CONV_KW = 11,
    TORSH_CONV_SD = 12, TORSH_CONV_SH = 13, TORSH_CONV_SW = 14, TORSH_CONV_PD = 15,
    TORSH_CONV_PH = 16, TORSH_CONV_PW = 17, TORSH_CONV_DD = 18, TORSH_CONV_DH = 19,
    TORSH_CONV_DW = 20, TORSH_CONV_GROUPS = 21, TORSH_CONV_SLOTS = 22
};

/* col[p, (a, u, v), (z, y, x)] =
   img[p, z*sd - pd + a*dd, y*sh - ph + u*dh, x*sw - pw + v*dw] (0 outside), p < planes */
int torsh_im2col3_f32(const int64_t *g, int64_t planes, const float *img, float *col);
int torsh_im2col3_f64(const int64_t *g, int64_t planes, const double *img, double *col);
/* img = the sum of the col entries im2col reads from each cell (the adjoint) */
int torsh_col2im3_f32(const int64_t *g, int64_t planes, const float *col, float *img);
int torsh_col2im3_f64(const int64_t *g, int64_t planes, const double *col, double *img);

int64_t torsh_conv3_workspace_f32(const int64_t *g);
int64_t torsh_conv3_workspace_f64(const int64_t *g);
int64_t torsh_conv3_workspace_u64(const int64_t *g);
/* narrow[n, q] = W_q @ im2col(wide[n, q]) (+ bias, may be NULL); u64: integers, wrapping */
int torsh_conv3_narrow_f32(const int64_t *g, const float *wide, const float *weight,
                           const float *bias, float *narrow, float *work);
int torsh_conv3_narrow_f64(const int64_t *g, const double *wide, const double *weight,
                           const double *bias, double *narrow, double *work);
int torsh_conv3_narrow_u64(const int64_t *g, const uint64_t *wide, const uint64_t *weight,
                           const uint64_t *bias, uint64_t *narrow, uint64_t *work);
/* wide[n, q] = col2im(W_q^T @ narrow[n, q]) (+ bias, may be NULL) */
int torsh_conv3_wide_f32(const int64_t *g, const float *narrow, const float *weight,
                         const float *bias, float *wide, float *work);
int torsh_conv3_wide_f64(const int64_t *g, const double *narrow, const double *weight,
                         const double *bias, double *wide, double *work);
int torsh_conv3_wide_u64(const int64_t *g, const uint64_t *narrow, const uint64_t *weight,
                         const uint64_t *bias, uint64_t *wide, uint64_t *work);
/* grad_weight[q] = sum_n narrow[n, q] @ im2col(wide[n, q])^T */
int torsh_conv3_weight_grad_f32(const int64_t *g, const float *wide, const float *narrow,
                                float *grad_weight, float *work);
int torsh_conv3_weight_grad_f64(const int64_t *g, const double *wide, const double *narrow,
                                double *grad_weight, double *work);
/* grad_bias[o] = sum_{n, i} grad[n, o, i] over a (batch, channels, plane) tensor */
int torsh_conv_bias_grad_f32(int64_t batch, int64_t channels, int64_t plane,
                             const float *grad, float *grad_bias);
int torsh_conv_bias_grad_f64(int64_t batch, int64_t channels, int64_t plane,
                             const double *grad, double *grad_bias);
