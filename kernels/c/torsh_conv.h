/* torsh_conv.h: convolution kernels (kernels/c/conv.c): im2col, col2im and the three matrix
   products a convolution and its gradients are made of.

   A convolution's geometry is one int64 array `g` (the TORSH_CONV_* slots below). Its two
   tensors are the "wide" one, whose planes im2col reads (IH x IW; the input of a convolution,
   the output of a transposed one) and the "narrow" one with one value per kernel placement
   (BH x BW blocks; the output of a convolution, the input of a transposed one). The weight
   of group q is a contiguous (NC/G) x (WC/G * KH * KW) matrix W_q in both cases. All tensors
   are contiguous; `work` holds torsh_conv_workspace_*(g) elements per thread
   (torsh_get_num_threads() threads). */
enum torsh_conv_slot {
    TORSH_CONV_N = 0, TORSH_CONV_WC = 1, TORSH_CONV_IH = 2, TORSH_CONV_IW = 3,
    TORSH_CONV_NC = 4, TORSH_CONV_BH = 5, TORSH_CONV_BW = 6, TORSH_CONV_KH = 7,
    TORSH_CONV_KW = 8, TORSH_CONV_SH = 9, TORSH_CONV_SW = 10, TORSH_CONV_PH = 11,
    TORSH_CONV_PW = 12, TORSH_CONV_DH = 13, TORSH_CONV_DW = 14, TORSH_CONV_GROUPS = 15,
    TORSH_CONV_SLOTS = 16
};

/* col[p, (u, v), (y, x)] = img[p, y*sh - ph + u*dh, x*sw - pw + v*dw] (0 outside), p < planes */
int torsh_im2col_f32(const int64_t *g, int64_t planes, const float *img, float *col);
int torsh_im2col_f64(const int64_t *g, int64_t planes, const double *img, double *col);
/* img = the sum of the col entries im2col reads from each cell (the adjoint) */
int torsh_col2im_f32(const int64_t *g, int64_t planes, const float *col, float *img);
int torsh_col2im_f64(const int64_t *g, int64_t planes, const double *col, double *img);

int64_t torsh_conv_workspace_f32(const int64_t *g);
int64_t torsh_conv_workspace_f64(const int64_t *g);
/* narrow[n, q] = W_q @ im2col(wide[n, q]) (+ bias, may be NULL) */
int torsh_conv_narrow_f32(const int64_t *g, const float *wide, const float *weight,
                          const float *bias, float *narrow, float *work);
int torsh_conv_narrow_f64(const int64_t *g, const double *wide, const double *weight,
                          const double *bias, double *narrow, double *work);
/* wide[n, q] = col2im(W_q^T @ narrow[n, q]) (+ bias, may be NULL) */
int torsh_conv_wide_f32(const int64_t *g, const float *narrow, const float *weight,
                        const float *bias, float *wide, float *work);
int torsh_conv_wide_f64(const int64_t *g, const double *narrow, const double *weight,
                        const double *bias, double *wide, double *work);
/* grad_weight[q] = sum_n narrow[n, q] @ im2col(wide[n, q])^T */
int torsh_conv_weight_grad_f32(const int64_t *g, const float *wide, const float *narrow,
                               float *grad_weight, float *work);
int torsh_conv_weight_grad_f64(const int64_t *g, const double *wide, const double *narrow,
                               double *grad_weight, double *work);
/* grad_bias[o] = sum_{n, i} grad[n, o, i] over a (batch, channels, plane) tensor */
int torsh_conv_bias_grad_f32(int64_t batch, int64_t channels, int64_t plane,
                             const float *grad, float *grad_bias);
int torsh_conv_bias_grad_f64(int64_t batch, int64_t channels, int64_t plane,
                             const double *grad, double *grad_bias);
