/* torsh_embedding.h: embedding and embedding_bag kernels (kernels/c/embedding.c).
   Indices are int64 and were checked by the caller (0 <= idx < rows); weight, gradients and
   outputs are contiguous (rows x width); padding < 0 means no padding_idx. */

/* out[k, :] = weight[idx[k], :], rows of row_bytes bytes (any dtype) */
int torsh_embedding_rows(int64_t n, int64_t row_bytes, const uint8_t *weight,
                         const int64_t *idx, uint8_t *out);
/* dW = zeros; dW[idx[k]] += g[k] (/ counts[idx[k]] when counts != NULL), except idx[k] ==
   padding */
int torsh_embedding_backward_f32(int64_t n, int64_t rows, int64_t width, const float *g,
                                 const int64_t *idx, int64_t padding, const float *counts,
                                 float *grad_weight);
int torsh_embedding_backward_f64(int64_t n, int64_t rows, int64_t width, const double *g,
                                 const int64_t *idx, int64_t padding, const double *counts,
                                 double *grad_weight);
/* Bag b covers entries starts[b] <= k < ends[b] (padding entries skipped). mode 0 sum,
   1 mean, 2 max. sum/mean: sum in double of w_k * W[idx[k]] (w_k = psw[k], or 1 when psw
   is NULL), mean divided by the kept count; an empty bag gives 0. max: the first maximum
   (a NaN never replaces one), winners[b, d] its row, -1 for an empty bag (winners may be
   NULL for the other modes). */
int torsh_embedding_bag_f32(int64_t bags, int64_t width, const float *weight,
                            const int64_t *idx, const int64_t *starts, const int64_t *ends,
                            const float *psw, int64_t padding, int mode, float *out,
                            int64_t *winners);
int torsh_embedding_bag_f64(int64_t bags, int64_t width, const double *weight,
                            const int64_t *idx, const int64_t *starts, const int64_t *ends,
                            const double *psw, int64_t padding, int mode, double *out,
                            int64_t *winners);
/* The gradient of a sum/mean bag: dW[idx[k]] += s_k g[b] for k in bag b (s_k = psw[k], or
   1 / the bag's kept count for mean; padding entries none), / counts[idx[k]] when counts !=
   NULL; dpsw[k] = g[b] . W[idx[k]] (0 for padding or entries in no bag) when dpsw != NULL.
   For max: dW[winners[b, d], d] += g[b, d] where the winner is >= 0. */
int torsh_embedding_bag_backward_f32(int64_t bags, int64_t n, int64_t rows, int64_t width,
                                     const float *g, const float *weight, const int64_t *idx,
                                     const int64_t *starts, const int64_t *ends,
                                     const float *psw, int64_t padding, int mode,
                                     const int64_t *winners, const float *counts,
                                     float *grad_weight, float *dpsw);
int torsh_embedding_bag_backward_f64(int64_t bags, int64_t n, int64_t rows, int64_t width,
                                     const double *g, const double *weight,
                                     const int64_t *idx, const int64_t *starts,
                                     const int64_t *ends, const double *psw, int64_t padding,
                                     int mode, const int64_t *winners, const double *counts,
                                     double *grad_weight, double *dpsw);
