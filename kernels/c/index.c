/* Index kernels: reads (take) and writes (put, put_add) at positions given by a walk over
   a shape plus a table of offsets (see torsh_index.h).

   take is a map: rows (every dim but the last) are cut into blocks of TORSH_BLOCK elements
   that run on several threads for large work, out[j] = x[j * sx + offsets[j * so]] inside a
   row. put and put_add are one serial walk in row-major order, since a later write to a
   position must win (put) or sums must add up in the reference's order (put_add). */
#include "internal.h"
#include "torsh_index.h"

#define DEFINE_TAKE(NAME, T)                                                                   \
    int NAME(int ndim, const int64_t *shape, T *out, const T *x, const int64_t *x_strides,    \
             const int64_t *offsets, const int64_t *offset_strides) {                          \
        if (ndim == 0) { out[0] = x[offsets[0]]; return 0; }                                   \
        int64_t inner = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                 \
        if (inner == 0 || rows == 0) return 0;                                                 \
        int64_t sx = x_strides[ndim - 1], so = offset_strides[ndim - 1];                      \
        int64_t per_row = (inner + TORSH_BLOCK - 1) / TORSH_BLOCK, tasks = rows * per_row;    \
        TORSH_FOR(t, tasks, rows * inner >= TORSH_PARALLEL_GRAIN, {                           \
            int64_t r = t / per_row, start = (t % per_row) * TORSH_BLOCK;                     \
            int64_t n = inner - start < TORSH_BLOCK ? inner - start : TORSH_BLOCK;            \
            T *o = out + r * inner + start;                                                    \
            const T *i = x + torsh_row_offset(r, ndim, shape, x_strides) + start * sx;        \
            const int64_t *f = offsets + torsh_row_offset(r, ndim, shape, offset_strides)     \
                               + start * so;                                                   \
            if (so == 0) { i += f[0]; for (int64_t j = 0; j < n; j++) o[j] = i[j * sx]; }      \
            else for (int64_t j = 0; j < n; j++) o[j] = i[j * sx + f[j * so]];                 \
        });                                                                                    \
        return 0;                                                                              \
    }

DEFINE_TAKE(torsh_take_b1, uint8_t)
DEFINE_TAKE(torsh_take_b2, uint16_t)
DEFINE_TAKE(torsh_take_b4, uint32_t)
DEFINE_TAKE(torsh_take_b8, uint64_t)

/* One serial row-major walk: STORE(target, value) for every element e. */
#define DEFINE_PUT(NAME, T, STORE)                                                             \
    int NAME(int ndim, const int64_t *shape, T *out, const int64_t *out_strides,              \
             const int64_t *offsets, const int64_t *offset_strides, const T *v,                \
             const int64_t *v_strides) {                                                       \
        if (ndim == 0) { STORE(out[offsets[0]], v[0]); return 0; }                             \
        int64_t inner = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                 \
        int64_t so = out_strides[ndim - 1], sf = offset_strides[ndim - 1];                    \
        int64_t sv = v_strides[ndim - 1];                                                      \
        for (int64_t r = 0; r < rows && inner > 0; r++) {                                     \
            T *o = out + torsh_row_offset(r, ndim, shape, out_strides);                        \
            const int64_t *f = offsets + torsh_row_offset(r, ndim, shape, offset_strides);     \
            const T *i = v + torsh_row_offset(r, ndim, shape, v_strides);                      \
            for (int64_t j = 0; j < inner; j++) STORE(o[j * so + f[j * sf]], i[j * sv]);       \
        }                                                                                      \
        return 0;                                                                              \
    }

#define ASSIGN(target, value) ((target) = (value))
/* int64 sums wrap modulo 2**64 (unsigned arithmetic, so no undefined overflow) */
#define ADD_WRAPPING(target, value) \
    ((target) = (int64_t)((uint64_t)(target) + (uint64_t)(value)))
#define ADD(target, value) ((target) = (target) + (value))

DEFINE_PUT(torsh_put_b1, uint8_t, ASSIGN)
DEFINE_PUT(torsh_put_b2, uint16_t, ASSIGN)
DEFINE_PUT(torsh_put_b4, uint32_t, ASSIGN)
DEFINE_PUT(torsh_put_b8, uint64_t, ASSIGN)
DEFINE_PUT(torsh_put_add_f64, double, ADD)
DEFINE_PUT(torsh_put_add_i64, int64_t, ADD_WRAPPING)
#define ADD_UNSIGNED(target, value) ((target) = (__typeof__(target))((target) + (value)))
DEFINE_PUT(torsh_put_add_f32, float, ADD)
DEFINE_PUT(torsh_put_add_u8, uint8_t, ADD_UNSIGNED)
DEFINE_PUT(torsh_put_add_u16, uint16_t, ADD_UNSIGNED)
DEFINE_PUT(torsh_put_add_u32, uint32_t, ADD_UNSIGNED)

/* Masked walks: one serial row-major pass, since the k-th selected element has slot k. */
#define DEFINE_MASKED(SELECT, SCATTER, T)                                                      \
    int SELECT(int ndim, const int64_t *shape, T *out, const T *x, const int64_t *x_strides,  \
               const uint8_t *mask, const int64_t *mask_strides) {                             \
        if (ndim == 0) { if (mask[0]) out[0] = x[0]; return 0; }                               \
        int64_t inner = shape[ndim - 1], rows = torsh_count(ndim - 1, shape), k = 0;          \
        int64_t sx = x_strides[ndim - 1], sm = mask_strides[ndim - 1];                        \
        for (int64_t r = 0; r < rows && inner > 0; r++) {                                     \
            const T *i = x + torsh_row_offset(r, ndim, shape, x_strides);                      \
            const uint8_t *m = mask + torsh_row_offset(r, ndim, shape, mask_strides);          \
            for (int64_t j = 0; j < inner; j++) if (m[j * sm]) out[k++] = i[j * sx];           \
        }                                                                                      \
        return 0;                                                                              \
    }                                                                                          \
    int SCATTER(int ndim, const int64_t *shape, T *out, const int64_t *out_strides,           \
                const uint8_t *mask, const int64_t *mask_strides, const T *v) {                \
        if (ndim == 0) { if (mask[0]) out[0] = v[0]; return 0; }                               \
        int64_t inner = shape[ndim - 1], rows = torsh_count(ndim - 1, shape), k = 0;          \
        int64_t so = out_strides[ndim - 1], sm = mask_strides[ndim - 1];                      \
        for (int64_t r = 0; r < rows && inner > 0; r++) {                                     \
            T *o = out + torsh_row_offset(r, ndim, shape, out_strides);                        \
            const uint8_t *m = mask + torsh_row_offset(r, ndim, shape, mask_strides);          \
            for (int64_t j = 0; j < inner; j++) if (m[j * sm]) o[j * so] = v[k++];             \
        }                                                                                      \
        return 0;                                                                              \
    }

DEFINE_MASKED(torsh_masked_select_b1, torsh_masked_scatter_b1, uint8_t)
DEFINE_MASKED(torsh_masked_select_b2, torsh_masked_scatter_b2, uint16_t)
DEFINE_MASKED(torsh_masked_select_b4, torsh_masked_scatter_b4, uint32_t)
DEFINE_MASKED(torsh_masked_select_b8, torsh_masked_scatter_b8, uint64_t)

/* scatter_reduce folds, as the reference's: amax keeps a unless a is NaN or b wins
   (a >= b keeps the earlier of equal values, and a NaN on either side propagates);
   integer sums and products wrap modulo 2**64 (unsigned arithmetic). */
#define FOLD_MAX(a, b) ((a) != (a) || (a) >= (b) ? (a) : (b))
#define FOLD_MIN(a, b) ((a) != (a) || (a) <= (b) ? (a) : (b))
#define F64_SUM(a, b) ((a) + (b))
#define F64_PROD(a, b) ((a) * (b))
#define I64_SUM(a, b) ((int64_t)((uint64_t)(a) + (uint64_t)(b)))
#define I64_PROD(a, b) ((int64_t)((uint64_t)(a) * (uint64_t)(b)))

#define DEFINE_SCATTER_REDUCE(NAME, T, SUM, PROD, LOWEST, HIGHEST)                              \
    int NAME(int op, int include_self, int ndim, const int64_t *shape, T *acc,                \
             const int64_t *acc_strides, const int64_t *offsets,                               \
             const int64_t *offset_strides, const T *v, const int64_t *v_strides,              \
             int64_t *counts) {                                                                \
        if (op < TORSH_SR_SUM || op > TORSH_SR_AMIN) return 1;                                 \
        const T identity[4] = {(T)0, (T)1, LOWEST, HIGHEST};                                   \
        int64_t total = torsh_count(ndim, shape);                                              \
        for (int64_t e = 0; e < total; e++) {                                                  \
            int64_t pa = 0, pf = 0, pv = 0, rest = e;                                         \
            for (int d = ndim - 1; d >= 0; d--) {                                              \
                int64_t i = rest % shape[d];                                                   \
                rest /= shape[d];                                                              \
                pa += i * acc_strides[d];                                                      \
                pf += i * offset_strides[d];                                                   \
                pv += i * v_strides[d];                                                        \
            }                                                                                  \
            int64_t p = pa + offsets[pf];                                                      \
            T a = counts[p]++ == 0 && !include_self ? identity[op] : acc[p], b = v[pv];       \
            switch (op) {                                                                      \
            case TORSH_SR_SUM: acc[p] = SUM(a, b); break;                                      \
            case TORSH_SR_PROD: acc[p] = PROD(a, b); break;                                    \
            case TORSH_SR_AMAX: acc[p] = FOLD_MAX(a, b); break;                                \
            default: acc[p] = FOLD_MIN(a, b); break;                                           \
            }                                                                                  \
        }                                                                                      \
        return 0;                                                                              \
    }

DEFINE_SCATTER_REDUCE(torsh_scatter_reduce_f64, double, F64_SUM, F64_PROD, -INFINITY, INFINITY)
DEFINE_SCATTER_REDUCE(torsh_scatter_reduce_i64, int64_t, I64_SUM, I64_PROD, INT64_MIN,
                      INT64_MAX)
