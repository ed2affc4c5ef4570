/* torsh_copy.h: strided copies (clone, contiguous, cat): the ABI of kernels/c/copy.c.

   A copy moves elements without looking at them, so one kernel per element width serves
   every dtype: b1 (bool, int8, uint8), b2 (int16, float16, bfloat16), b4 (int32, float32),
   b8 (int64, float64). Both operands are strided: out[walk(e, out_strides)] =
   x[walk(e, x_strides)] for every coordinate e of `shape`. */

int torsh_copy_b1(int ndim, const int64_t *shape, uint8_t *out, const int64_t *out_strides,
                  const uint8_t *x, const int64_t *x_strides);
int torsh_copy_b2(int ndim, const int64_t *shape, uint16_t *out, const int64_t *out_strides,
                  const uint16_t *x, const int64_t *x_strides);
int torsh_copy_b4(int ndim, const int64_t *shape, uint32_t *out, const int64_t *out_strides,
                  const uint32_t *x, const int64_t *x_strides);
int torsh_copy_b8(int ndim, const int64_t *shape, uint64_t *out, const int64_t *out_strides,
                  const uint64_t *x, const int64_t *x_strides);
