/* torsh_gemm.h: general matrix products (kernels/c/gemm.c), for the matmul family and for
   other kernel files (convolution) that reduce their work to a product.

   C[i, j] = alpha * sum_p A[i, p] * B[p, j] + beta * C[i, j]   for i < m, j < n, p < k,
   where X[r, s] lives at x[r * x_rs + s * x_cs] (element strides, any sign, 0 allowed for
   A and B, so transposed or broadcast operands need no copy). beta == 0 writes C without
   reading it (NaN in C do not propagate); k == 0 gives beta * C; C must not overlap A or B
   (as in BLAS: B may be read in place while C is written). float32 products
   accumulate in float32 (with FMA in the avx2 build), float64 in float64.

   The batched forms run `batch` such products: product t reads A at a + a_offsets[t] and
   B at b + b_offsets[t], and writes C at c + t * c_batch_stride. Large products use up to
   torsh_get_num_threads() threads (one thread inside another parallel region). */

int torsh_gemm_f32(int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, int64_t a_rs, int64_t a_cs,
                   const float *b, int64_t b_rs, int64_t b_cs,
                   float beta, float *c, int64_t c_rs, int64_t c_cs);
int torsh_gemm_f64(int64_t m, int64_t n, int64_t k, double alpha,
                   const double *a, int64_t a_rs, int64_t a_cs,
                   const double *b, int64_t b_rs, int64_t b_cs,
                   double beta, double *c, int64_t c_rs, int64_t c_cs);
int torsh_gemm_batched_f32(int64_t batch, int64_t m, int64_t n, int64_t k, float alpha,
                           const float *a, const int64_t *a_offsets, int64_t a_rs,
                           int64_t a_cs, const float *b, const int64_t *b_offsets,
                           int64_t b_rs, int64_t b_cs, float beta, float *c,
                           int64_t c_batch_stride, int64_t c_rs, int64_t c_cs);
int torsh_gemm_batched_f64(int64_t batch, int64_t m, int64_t n, int64_t k, double alpha,
                           const double *a, const int64_t *a_offsets, int64_t a_rs,
                           int64_t a_cs, const double *b, const int64_t *b_offsets,
                           int64_t b_rs, int64_t b_cs, double beta, double *c,
                           int64_t c_batch_stride, int64_t c_rs, int64_t c_cs);

/* The addmm tail: out = beta * x + alpha * p over an n-d shape (out contiguous), computed in
   double and rounded once; use_x == 0 (beta = 0) drops the x term, use_p == 0 the p term. */
int torsh_add_scaled_f32(int ndim, const int64_t *shape, float *out, const float *x,
                         const int64_t *x_strides, const float *p, const int64_t *p_strides,
                         double beta, double alpha, int use_x, int use_p);
int torsh_add_scaled_f64(int ndim, const int64_t *shape, double *out, const double *x,
                         const int64_t *x_strides, const double *p, const int64_t *p_strides,
                         double beta, double alpha, int use_x, int use_p);

/* Integer products (int64, int32, int16, int8, uint8), the same layout: every product and
   sum wraps in uint64, so C is exact modulo 2^bits, as the reference's Python integers
   wrapped to the dtype. The add_scaled tail likewise (beta, alpha integers). bool's tail
   takes the truth table of beta * x + alpha * p != 0: bit 2 * x + p of `table`. */
int torsh_gemm_batched_i64(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t alpha,
                           const int64_t *a, const int64_t *a_offsets, int64_t a_rs,
                           int64_t a_cs, const int64_t *b, const int64_t *b_offsets,
                           int64_t b_rs, int64_t b_cs, int64_t beta, int64_t *c,
                           int64_t c_batch_stride, int64_t c_rs, int64_t c_cs);
int torsh_gemm_batched_i32(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t alpha,
                           const int32_t *a, const int64_t *a_offsets, int64_t a_rs,
                           int64_t a_cs, const int32_t *b, const int64_t *b_offsets,
                           int64_t b_rs, int64_t b_cs, int64_t beta, int32_t *c,
                           int64_t c_batch_stride, int64_t c_rs, int64_t c_cs);
int torsh_gemm_batched_i16(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t alpha,
                           const int16_t *a, const int64_t *a_offsets, int64_t a_rs,
                           int64_t a_cs, const int16_t *b, const int64_t *b_offsets,
                           int64_t b_rs, int64_t b_cs, int64_t beta, int16_t *c,
                           int64_t c_batch_stride, int64_t c_rs, int64_t c_cs);
int torsh_gemm_batched_i8(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t alpha,
                           const int8_t *a, const int64_t *a_offsets, int64_t a_rs,
                           int64_t a_cs, const int8_t *b, const int64_t *b_offsets,
                           int64_t b_rs, int64_t b_cs, int64_t beta, int8_t *c,
                           int64_t c_batch_stride, int64_t c_rs, int64_t c_cs);
int torsh_gemm_batched_u8(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t alpha,
                           const uint8_t *a, const int64_t *a_offsets, int64_t a_rs,
                           int64_t a_cs, const uint8_t *b, const int64_t *b_offsets,
                           int64_t b_rs, int64_t b_cs, int64_t beta, uint8_t *c,
                           int64_t c_batch_stride, int64_t c_rs, int64_t c_cs);
int torsh_add_scaled_i64(int ndim, const int64_t *shape, int64_t *out, const int64_t *x,
                         const int64_t *x_strides, const int64_t *p, const int64_t *p_strides,
                         int64_t beta, int64_t alpha);
int torsh_add_scaled_i32(int ndim, const int64_t *shape, int32_t *out, const int32_t *x,
                         const int64_t *x_strides, const int32_t *p, const int64_t *p_strides,
                         int64_t beta, int64_t alpha);
int torsh_add_scaled_i16(int ndim, const int64_t *shape, int16_t *out, const int16_t *x,
                         const int64_t *x_strides, const int16_t *p, const int64_t *p_strides,
                         int64_t beta, int64_t alpha);
int torsh_add_scaled_i8(int ndim, const int64_t *shape, int8_t *out, const int8_t *x,
                         const int64_t *x_strides, const int8_t *p, const int64_t *p_strides,
                         int64_t beta, int64_t alpha);
int torsh_add_scaled_u8(int ndim, const int64_t *shape, uint8_t *out, const uint8_t *x,
                         const int64_t *x_strides, const uint8_t *p, const int64_t *p_strides,
                         int64_t beta, int64_t alpha);
int torsh_add_scaled_b8(int ndim, const int64_t *shape, uint8_t *out, const uint8_t *x,
                        const int64_t *x_strides, const uint8_t *p, const int64_t *p_strides,
                        int table);
