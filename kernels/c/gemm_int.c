/* Integer matrix products (see torsh_gemm.h): the part of the gemm family for int64, int32,
   int16, int8 and uint8. Float products are in gemm.c. */
#include "internal.h"
#include "torsh_gemm.h"
#include "gemm_threads.h"

/* ------------------------------------------------------------ integer products
   C = alpha * A B + beta * C for the integer dtypes, exact modulo 2^bits as the reference's
   Python integers wrapped to the dtype: every product and sum is taken in an unsigned type U
   of at least T's width (uint64 for int64, uint32 for the narrower ones, whose products
   vectorise), wrapping without signed overflow, so it is exact modulo 2^(U's bits), and the
   cast to T keeps it modulo 2^bits. The walk: INT_ROWS output rows at a time (each row of B
   read once for all of them), INT_COLS columns of them summed in a U buffer while p runs over
   k in order (the inner loop runs along a row of B). */
#define INT_ROWS 4
#define INT_COLS 128

#define DEFINE_INT_GEMM(T, S, U)                                                             \
    /* rows [0, rows) of C (rows <= INT_ROWS) from the same rows of A */                     \
    static void int_rows_##S(int64_t rows, int64_t n, int64_t k, U alpha, const T *a,        \
                             int64_t ars, int64_t acs, const T *b, int64_t brs, int64_t bcs, \
                             U beta, T *c, int64_t crs, int64_t ccs) {                       \
        U acc[INT_ROWS][INT_COLS];                                                           \
        for (int64_t j0 = 0; j0 < n; j0 += INT_COLS) {                                       \
            int64_t cols = n - j0 < INT_COLS ? n - j0 : INT_COLS;                            \
            for (int i = 0; i < INT_ROWS; i++)                                               \
                for (int64_t j = 0; j < cols; j++) acc[i][j] = 0;                            \
            for (int64_t p = 0; p < k; p++) {                                                \
                U x[INT_ROWS];               /* rows past the last one add zeros */          \
                for (int i = 0; i < INT_ROWS; i++)                                           \
                    x[i] = i < rows ? (U)(int64_t)a[i * ars + p * acs] : 0;                  \
                const T *row = b + p * brs + j0 * bcs;                                       \
                if (bcs == 1)                                                                \
                    for (int64_t j = 0; j < cols; j++) {                                     \
                        U v = (U)(int64_t)row[j];                                            \
                        acc[0][j] += x[0] * v, acc[1][j] += x[1] * v;                        \
                        acc[2][j] += x[2] * v, acc[3][j] += x[3] * v;                        \
                    }                                                                        \
                else                                                                         \
                    for (int64_t j = 0; j < cols; j++) {                                     \
                        U v = (U)(int64_t)row[j * bcs];                                      \
                        acc[0][j] += x[0] * v, acc[1][j] += x[1] * v;                        \
                        acc[2][j] += x[2] * v, acc[3][j] += x[3] * v;                        \
                    }                                                                        \
            }                                                                                \
            for (int64_t i = 0; i < rows; i++)                                               \
                for (int64_t j = 0; j < cols; j++) {                                         \
                    T *out = c + i * crs + (j0 + j) * ccs;                                   \
                    U value = alpha * acc[i][j];                                             \
                    if (beta != 0) value += beta * (U)(int64_t)*out;                         \
                    *out = (T)value;                                                         \
                }                                                                            \
        }                                                                                    \
    }                                                                                        \
    int torsh_gemm_batched_##S(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t alpha, \
                               const T *a, const int64_t *a_offsets, int64_t ars,            \
                               int64_t acs, const T *b, const int64_t *b_offsets,            \
                               int64_t brs, int64_t bcs, int64_t beta, T *c, int64_t c_bs,   \
                               int64_t crs, int64_t ccs) {                                   \
        if (batch <= 0 || m <= 0 || n <= 0) return 0;                                        \
        int threads = 1;                                                                     \
        GEMM_THREADS(threads, batch * m * n * (k > 0 ? k : 1));                              \
        int64_t groups = (m + INT_ROWS - 1) / INT_ROWS;                                      \
        TORSH_FOR(t, batch * groups, threads > 1, {                                          \
            int64_t product = t / groups, i0 = t % groups * INT_ROWS;                        \
            int_rows_##S(m - i0 < INT_ROWS ? m - i0 : INT_ROWS, n, k, (U)(uint64_t)alpha,    \
                         a + a_offsets[product] + i0 * ars, ars, acs, b + b_offsets[product], \
                         brs, bcs, (U)(uint64_t)beta, c + product * c_bs + i0 * crs, crs,    \
                         ccs);                                                               \
        });                                                                                  \
        return 0;                                                                            \
    }

DEFINE_INT_GEMM(int64_t, i64, uint64_t)
DEFINE_INT_GEMM(int32_t, i32, uint32_t)
DEFINE_INT_GEMM(int16_t, i16, uint32_t)
DEFINE_INT_GEMM(int8_t, i8, uint32_t)
DEFINE_INT_GEMM(uint8_t, u8, uint32_t)
