/* nonzero: the row-major coordinates of the nonzero elements of a strided view.

   Two passes, each a row-major walk of the view: count, so the caller can size the output,
   then write the coordinates of each nonzero element in order. One thread: the order of the
   rows of the answer is the walk's. */
#include "internal.h"
#include "torsh_nonzero.h"

#define DEFINE_NONZERO(SUFFIX, T)                                                              \
    int64_t torsh_count_nonzero_##SUFFIX(int ndim, const int64_t *shape, const T *x,          \
                                         const int64_t *strides, T mask) {                    \
        int64_t inner = ndim ? shape[ndim - 1] : 1, step = ndim ? strides[ndim - 1] : 0;      \
        int64_t rows = torsh_count(ndim ? ndim - 1 : 0, shape), count = 0;                     \
        for (int64_t r = 0; r < rows; r++) {                                                   \
            const T *row = x + (ndim ? torsh_row_offset(r, ndim, shape, strides) : 0);        \
            for (int64_t i = 0; i < inner; i++) count += (row[i * step] & mask) != 0;         \
        }                                                                                      \
        return count;                                                                          \
    }                                                                                          \
    int64_t torsh_nonzero_##SUFFIX(int ndim, const int64_t *shape, const T *x,                \
                                   const int64_t *strides, T mask, int64_t *out,               \
                                   int64_t capacity) {                                         \
        int64_t inner = ndim ? shape[ndim - 1] : 1, step = ndim ? strides[ndim - 1] : 0;      \
        int64_t rows = torsh_count(ndim ? ndim - 1 : 0, shape), written = 0;                   \
        for (int64_t r = 0; r < rows; r++) {                                                   \
            const T *row = x + (ndim ? torsh_row_offset(r, ndim, shape, strides) : 0);        \
            for (int64_t i = 0; i < inner; i++) {                                              \
                if ((row[i * step] & mask) == 0) continue;                                     \
                if (written == capacity) return written;                                       \
                int64_t *coordinates = out + written * ndim, rest = r;                         \
                if (ndim) coordinates[ndim - 1] = i;                                           \
                for (int d = ndim - 2; d >= 0; d--) {                                          \
                    coordinates[d] = rest % shape[d];                                          \
                    rest /= shape[d];                                                          \
                }                                                                              \
                written++;                                                                     \
            }                                                                                  \
        }                                                                                      \
        return written;                                                                        \
    }

DEFINE_NONZERO(b1, uint8_t)
DEFINE_NONZERO(b2, uint16_t)
DEFINE_NONZERO(b4, uint32_t)
DEFINE_NONZERO(b8, uint64_t)
