/* Strided copy: out[walk(e, out_strides)] = x[walk(e, x_strides)] over an n-d shape.

   The walk: the last dim is the inner loop and the other dims are rows; each row is cut
   into blocks of TORSH_BLOCK elements, spread over threads when the copy is large. A row
   contiguous on both sides is one memcpy; otherwise the inner loop steps by the two
   strides. Elements are moved as unsigned integers of their width, bit for bit (NaN
   payloads and -0.0 survive).

   A transposed read (x steps far along the last dim but by one along the dim before it)
   would touch a new cache line for every element; it is copied in square tiles of
   TILE x TILE instead, so both sides stream through lines they have just loaded. */
#include <string.h>

#include "internal.h"
#include "torsh_copy.h"

#define TILE 32

/* The tiled transpose: for each of `outer` planes (every dim but the last two), copy a
   rows x cols plane tile by tile; the out side walks its rows, x its columns. */
#define DEFINE_TILED(NAME, T)                                                                  \
    static void NAME(int ndim, const int64_t *shape, T *out, const int64_t *out_strides,      \
                     const T *x, const int64_t *x_strides) {                                   \
        int64_t rows = shape[ndim - 2], cols = shape[ndim - 1];                               \
        int64_t outer = torsh_count(ndim - 2, shape);                                         \
        int64_t ro = out_strides[ndim - 2], co = out_strides[ndim - 1];                       \
        int64_t rx = x_strides[ndim - 2], cx = x_strides[ndim - 1];                           \
        int64_t row_tiles = (rows + TILE - 1) / TILE, col_tiles = (cols + TILE - 1) / TILE;   \
        int64_t tasks = outer * row_tiles * col_tiles, total = outer * rows * cols;            \
        TORSH_FOR(t, tasks, total >= TORSH_PARALLEL_GRAIN, {                                  \
            int64_t plane = t / (row_tiles * col_tiles), tile = t % (row_tiles * col_tiles);  \
            int64_t r0 = (tile / col_tiles) * TILE, c0 = (tile % col_tiles) * TILE;           \
            int64_t r1 = r0 + TILE < rows ? r0 + TILE : rows;                                 \
            int64_t c1 = c0 + TILE < cols ? c0 + TILE : cols;                                 \
            int64_t po = 0, px = 0, p = plane;                                                \
            for (int d = ndim - 3; d >= 0; d--) {                                              \
                int64_t i = p % shape[d];                                                      \
                p /= shape[d];                                                                 \
                po += i * out_strides[d];                                                      \
                px += i * x_strides[d];                                                        \
            }                                                                                  \
            for (int64_t r = r0; r < r1; r++)                                                  \
                for (int64_t c = c0; c < c1; c++)                                              \
                    out[po + r * ro + c * co] = x[px + r * rx + c * cx];                       \
        });                                                                                    \
    }

DEFINE_TILED(tiled_b1, uint8_t)
DEFINE_TILED(tiled_b2, uint16_t)
DEFINE_TILED(tiled_b4, uint32_t)
DEFINE_TILED(tiled_b8, uint64_t)

/* Is x read across the grain: far steps along the last dim, unit steps along the one
   before, with enough of both to fill tiles? */
TORSH_INLINE int transposed(int ndim, const int64_t *shape, const int64_t *x_strides) {
    return ndim >= 2 && x_strides[ndim - 2] == 1 && x_strides[ndim - 1] != 1 &&
           shape[ndim - 1] >= TILE && shape[ndim - 2] >= TILE;
}

#define DEFINE_COPY(NAME, T, TILED)                                                            \
    int NAME(int ndim, const int64_t *shape, T *out, const int64_t *out_strides, const T *x,  \
             const int64_t *x_strides) {                                                       \
        if (ndim == 0) { out[0] = x[0]; return 0; }                                            \
        if (transposed(ndim, shape, x_strides)) {                                              \
            TILED(ndim, shape, out, out_strides, x, x_strides);                                \
            return 0;                                                                          \
        }                                                                                      \
        int64_t inner = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                 \
        if (inner == 0 || rows == 0) return 0;                                                 \
        int64_t so = out_strides[ndim - 1], sx = x_strides[ndim - 1];                         \
        int64_t per_row = (inner + TORSH_BLOCK - 1) / TORSH_BLOCK, tasks = rows * per_row;    \
        TORSH_FOR(t, tasks, rows * inner >= TORSH_PARALLEL_GRAIN, {                           \
            int64_t r = t / per_row, start = (t % per_row) * TORSH_BLOCK;                     \
            int64_t n = inner - start < TORSH_BLOCK ? inner - start : TORSH_BLOCK;            \
            T *o = out + torsh_row_offset(r, ndim, shape, out_strides) + start * so;          \
            const T *i = x + torsh_row_offset(r, ndim, shape, x_strides) + start * sx;        \
            if (so == 1 && sx == 1) memcpy(o, i, (size_t)n * sizeof(T));                       \
            else if (so == 1) for (int64_t j = 0; j < n; j++) o[j] = i[j * sx];                \
            else for (int64_t j = 0; j < n; j++) o[j * so] = i[j * sx];                        \
        });                                                                                    \
        return 0;                                                                              \
    }

DEFINE_COPY(torsh_copy_b1, uint8_t, tiled_b1)
DEFINE_COPY(torsh_copy_b2, uint16_t, tiled_b2)
DEFINE_COPY(torsh_copy_b4, uint32_t, tiled_b4)
DEFINE_COPY(torsh_copy_b8, uint64_t, tiled_b8)
