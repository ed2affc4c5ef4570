/* torsh_index.h: reads and writes at computed positions (gather, index, index_put,
   scatter, scatter_add, index_select ...): the ABI of kernels/c/index.c.

   An index op is a walk over a `shape` in which each element's position in the data is its
   strided position plus an offset looked up in `offsets` (an int64 table, itself strided):
   the Python side turns validated indices into those offsets (index * stride), so the
   kernels never see an index, only positions already checked to lie inside the buffers.
   Like copies, take and put move elements bit for bit and are chosen by element width
   (b1, b2, b4, b8); put_add accumulates in double (f64) or wrapping int64 (i64). */

/* take: out[e] = x[walk(e, x_strides) + offsets[walk(e, offset_strides)]], out contiguous */
int torsh_take_b1(int ndim, const int64_t *shape, uint8_t *out, const uint8_t *x,
                  const int64_t *x_strides, const int64_t *offsets,
                  const int64_t *offset_strides);
int torsh_take_b2(int ndim, const int64_t *shape, uint16_t *out, const uint16_t *x,
                  const int64_t *x_strides, const int64_t *offsets,
                  const int64_t *offset_strides);
int torsh_take_b4(int ndim, const int64_t *shape, uint32_t *out, const uint32_t *x,
                  const int64_t *x_strides, const int64_t *offsets,
                  const int64_t *offset_strides);
int torsh_take_b8(int ndim, const int64_t *shape, uint64_t *out, const uint64_t *x,
                  const int64_t *x_strides, const int64_t *offsets,
                  const int64_t *offset_strides);

/* put: out[walk(e, out_strides) + offsets[walk(e, offset_strides)]] = v[walk(e, v_strides)],
   in row-major order of e (so where two e meet one position, the last one wins) */
int torsh_put_b1(int ndim, const int64_t *shape, uint8_t *out, const int64_t *out_strides,
                 const int64_t *offsets, const int64_t *offset_strides, const uint8_t *v,
                 const int64_t *v_strides);
int torsh_put_b2(int ndim, const int64_t *shape, uint16_t *out, const int64_t *out_strides,
                 const int64_t *offsets, const int64_t *offset_strides, const uint16_t *v,
                 const int64_t *v_strides);
int torsh_put_b4(int ndim, const int64_t *shape, uint32_t *out, const int64_t *out_strides,
                 const int64_t *offsets, const int64_t *offset_strides, const uint32_t *v,
                 const int64_t *v_strides);
int torsh_put_b8(int ndim, const int64_t *shape, uint64_t *out, const int64_t *out_strides,
                 const int64_t *offsets, const int64_t *offset_strides, const uint64_t *v,
                 const int64_t *v_strides);

/* put_add: as put, but out[...] += v[...] (in row-major order of e) */
int torsh_put_add_f64(int ndim, const int64_t *shape, double *out, const int64_t *out_strides,
                      const int64_t *offsets, const int64_t *offset_strides, const double *v,
                      const int64_t *v_strides);
int torsh_put_add_i64(int ndim, const int64_t *shape, int64_t *out, const int64_t *out_strides,
                      const int64_t *offsets, const int64_t *offset_strides, const int64_t *v,
                      const int64_t *v_strides);
/* put_add in a dtype's own width: f32 (float, used where no two elements meet one position,
   so each sum rounds once as in the reference) and wrapping unsigned u8, u16, u32 (integer
   sums modulo 2**bits are the same whatever width they are carried in) */
int torsh_put_add_f32(int ndim, const int64_t *shape, float *out, const int64_t *out_strides,
                      const int64_t *offsets, const int64_t *offset_strides, const float *v,
                      const int64_t *v_strides);
int torsh_put_add_u8(int ndim, const int64_t *shape, uint8_t *out, const int64_t *out_strides,
                     const int64_t *offsets, const int64_t *offset_strides, const uint8_t *v,
                     const int64_t *v_strides);
int torsh_put_add_u16(int ndim, const int64_t *shape, uint16_t *out, const int64_t *out_strides,
                      const int64_t *offsets, const int64_t *offset_strides, const uint16_t *v,
                      const int64_t *v_strides);
int torsh_put_add_u32(int ndim, const int64_t *shape, uint32_t *out, const int64_t *out_strides,
                      const int64_t *offsets, const int64_t *offset_strides, const uint32_t *v,
                      const int64_t *v_strides);

/* masked_select: out[k++] = x[walk(e, x_strides)] for every e, in row-major order, whose
   mask[walk(e, mask_strides)] is nonzero (out holds exactly that many elements) */
int torsh_masked_select_b1(int ndim, const int64_t *shape, uint8_t *out, const uint8_t *x,
                           const int64_t *x_strides, const uint8_t *mask,
                           const int64_t *mask_strides);
int torsh_masked_select_b2(int ndim, const int64_t *shape, uint16_t *out, const uint16_t *x,
                           const int64_t *x_strides, const uint8_t *mask,
                           const int64_t *mask_strides);
int torsh_masked_select_b4(int ndim, const int64_t *shape, uint32_t *out, const uint32_t *x,
                           const int64_t *x_strides, const uint8_t *mask,
                           const int64_t *mask_strides);
int torsh_masked_select_b8(int ndim, const int64_t *shape, uint64_t *out, const uint64_t *x,
                           const int64_t *x_strides, const uint8_t *mask,
                           const int64_t *mask_strides);
/* masked_scatter: out[walk(e, out_strides)] = v[k++] for every e, in row-major order, whose
   mask is nonzero (v holds at least that many elements) */
int torsh_masked_scatter_b1(int ndim, const int64_t *shape, uint8_t *out,
                            const int64_t *out_strides, const uint8_t *mask,
                            const int64_t *mask_strides, const uint8_t *v);
int torsh_masked_scatter_b2(int ndim, const int64_t *shape, uint16_t *out,
                            const int64_t *out_strides, const uint8_t *mask,
                            const int64_t *mask_strides, const uint16_t *v);
int torsh_masked_scatter_b4(int ndim, const int64_t *shape, uint32_t *out,
                            const int64_t *out_strides, const uint8_t *mask,
                            const int64_t *mask_strides, const uint32_t *v);
int torsh_masked_scatter_b8(int ndim, const int64_t *shape, uint64_t *out,
                            const int64_t *out_strides, const uint8_t *mask,
                            const int64_t *mask_strides, const uint64_t *v);

/* scatter_reduce: for every e in row-major order, p = walk(e, acc_strides) +
   offsets[walk(e, offset_strides)] and acc[p] = op(acc[p], v[walk(e, v_strides)]), where a
   position's first value replaces acc[p] by the op's identity first unless include_self;
   counts[p] (zeroed by the caller) counts the values p received. Ops: */
enum torsh_scatter_reduce_op {
    TORSH_SR_SUM = 0, TORSH_SR_PROD = 1, TORSH_SR_AMAX = 2, TORSH_SR_AMIN = 3
};
int torsh_scatter_reduce_f64(int op, int include_self, int ndim, const int64_t *shape,
                             double *acc, const int64_t *acc_strides, const int64_t *offsets,
                             const int64_t *offset_strides, const double *v,
                             const int64_t *v_strides, int64_t *counts);
int torsh_scatter_reduce_i64(int op, int include_self, int ndim, const int64_t *shape,
                             int64_t *acc, const int64_t *acc_strides, const int64_t *offsets,
                             const int64_t *offset_strides, const int64_t *v,
                             const int64_t *v_strides, int64_t *counts);
