/* torsh_nonzero.h: the coordinates of nonzero elements: the ABI of kernels/c/nonzero.c.

   An element is nonzero when its bits, ANDed with `mask`, are not all zero: mask is every
   bit for integers and bool, every bit but the sign for floating types (so -0.0 is zero and
   NaN is not). Kernels work by element width (b1, b2, b4, b8). */
int64_t torsh_count_nonzero_b1(int ndim, const int64_t *shape, const uint8_t *x,
                               const int64_t *strides, uint8_t mask);
int64_t torsh_count_nonzero_b2(int ndim, const int64_t *shape, const uint16_t *x,
                               const int64_t *strides, uint16_t mask);
int64_t torsh_count_nonzero_b4(int ndim, const int64_t *shape, const uint32_t *x,
                               const int64_t *strides, uint32_t mask);
int64_t torsh_count_nonzero_b8(int ndim, const int64_t *shape, const uint64_t *x,
                               const int64_t *strides, uint64_t mask);
/* out[k * ndim + d]: coordinate d of the k-th nonzero element in row-major order, for at most
   `capacity` elements; returns how many were written (the caller sized out by a count). */
int64_t torsh_nonzero_b1(int ndim, const int64_t *shape, const uint8_t *x,
                         const int64_t *strides, uint8_t mask, int64_t *out, int64_t capacity);
int64_t torsh_nonzero_b2(int ndim, const int64_t *shape, const uint16_t *x,
                         const int64_t *strides, uint16_t mask, int64_t *out, int64_t capacity);
int64_t torsh_nonzero_b4(int ndim, const int64_t *shape, const uint32_t *x,
                         const int64_t *strides, uint32_t mask, int64_t *out, int64_t capacity);
int64_t torsh_nonzero_b8(int ndim, const int64_t *shape, const uint64_t *x,
                         const int64_t *strides, uint64_t mask, int64_t *out, int64_t capacity);
