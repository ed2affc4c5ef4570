/* General matrix products, C = alpha * A B + beta * C (see torsh_gemm.h), Goto/BLIS style.

   The memory walk, for one product (all loops are over blocks of the output):
     for each NC-wide slab of columns of B and C (jc):
       for each slab of the k dim (pc), all of one depth, at most KC:
         pack B[pc.., jc..] into NR-wide slivers, each k-major (NR values per p): ~L3
         for each MC-tall slab of rows of A and C (ic):
           pack A[ic.., pc..] into MR-tall slivers, each k-major (MR values per p): ~L2
           for each sliver of B (jr), for each sliver of A (ir):
             micro-kernel: an MR x NR tile of C += sliver(A) * sliver(B), the tile held in
             registers over the KC steps (the B sliver, KC x NR, stays in L1).
   Packing reads A and B through their strides, so transposed operands cost no copy, and
   pads the last sliver with zeros; tiles on the edge of C go through a small buffer. The
   first k slab applies alpha and beta; when alpha = 1 and beta is 0 or 1 (every torsh op),
   later slabs continue the sums held in C, so each element adds its k terms in order
   (float64: the reference's Python loop, bit for bit). Products with one row or one column
   (mv, dot, a batch of one through linear) skip packing: dot products or column sweeps; a
   product of one block of rows (m <= MC) with a row-major B reads B's slivers in place.
   Integer products (wrapping, exact modulo 2^bits) have a simple loop of their own in
   gemm_int.c; the micro-kernels and packing are in gemm_kernels.h.

   Threads: a large product (or a batch of them) is cut into tasks, each a slab of rows (or
   of columns, whichever has more slivers) of one product, and each task runs the walk
   above alone with its own packing buffers (kept per thread between calls). Small products
   run on the calling thread: waking the pool costs more than they take. */
#include "internal.h"
#include "torsh_gemm.h"

#include <stdlib.h>
#include <string.h>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define TORSH_GEMM_AVX2 1
#endif

#include "gemm_threads.h"

/* Register tile MR x NR and cache blocks KC (k depth), MC (rows of A), NC (columns of B);
   the packed A block is MC*KC elements (~150 KB, L2), the packed B slab KC*NC (~3 MB, L3). */
#define MR_f32 6
#define NR_f32 16
#define KC_f32 256
#define MC_f32 144
#define NC_f32 3072
#define MR_f64 6
#define NR_f64 8
#define KC_f64 256
#define MC_f64 72
#define NC_f64 1536

/* One-row and one-column products work on blocks of GEMV_ROWS outputs; float32 dot
   products keep LANES partial sums (vectorised), float64 ones sum in order. */
#define GEMV_ROWS 256
#define LANES_f32 8
#define LANES_f64 1
/* the type float32 sums accumulate in: float with FMA (avx2), else double (see below) */
#if defined(__AVX2__) && defined(__FMA__)
#define ACC_f32 float
#else
#define ACC_f32 double
#endif
#define ACC_f64 double

/* ------------------------------------------------------------ per-thread packing buffer */

static _Thread_local void *pack_buffer;
static _Thread_local size_t pack_bytes;

/* A 64-byte aligned scratch area of at least `bytes`, owned by the calling thread and
   reused by its next calls; NULL when memory is exhausted (the caller then falls back). */
static void *thread_buffer(size_t bytes) {
    if (bytes <= pack_bytes) return pack_buffer;
    void *fresh = NULL;
    if (posix_memalign(&fresh, 64, bytes) != 0) return NULL;
    free(pack_buffer);
    pack_buffer = fresh;
    pack_bytes = bytes;
    return fresh;
}

#include "gemm_kernels.h"

/* ------------------------------------------------------------ packing and the block walk */

#define DEFINE_GEMM(T, S)                                                                    \
    /* rows [0, mc) x k [0, kc) of A (at a) into MR-tall k-major slivers, zero padded */     \
    static void pack_a_##S(int64_t mc, int64_t kc, const T *a, int64_t rs, int64_t cs,       \
                           T *restrict out) {                                                \
        for (int64_t i0 = 0; i0 < mc; i0 += MR_##S, out += MR_##S * kc) {                    \
            int64_t rows = mc - i0 < MR_##S ? mc - i0 : MR_##S;                              \
            if (rows == MR_##S && rs == 1) {   /* A transposed: each k's MR rows adjacent */ \
                for (int64_t p = 0; p < kc; p++)                                             \
                    memcpy(out + p * MR_##S, a + i0 + p * cs, sizeof(T) * MR_##S);          \
                continue;                                                                    \
            }                                                                                \
            if (rows < MR_##S) memset(out, 0, sizeof(T) * MR_##S * kc);                      \
            int64_t done = rows == MR_##S && cs == 1 ? PACK_A_ROWS_##S(kc, a + i0 * rs, rs, out) \
                                                     : 0;                                    \
            for (int64_t i = 0; i < rows; i++) {                                             \
                const T *row = a + (i0 + i) * rs;                                            \
                if (cs == 1)                                                                 \
                    for (int64_t p = done; p < kc; p++) out[p * MR_##S + i] = row[p];        \
                else                                                                         \
                    for (int64_t p = 0; p < kc; p++) out[p * MR_##S + i] = row[p * cs];      \
            }                                                                                \
        }                                                                                    \
    }                                                                                        \
    /* k [0, kc) x columns [0, nc) of B (at b) into NR-wide k-major slivers, zero padded */  \
    static void pack_b_##S(int64_t kc, int64_t nc, const T *b, int64_t rs, int64_t cs,       \
                           T *restrict out) {                                                \
        for (int64_t j0 = 0; j0 < nc; j0 += NR_##S, out += NR_##S * kc) {                    \
            int64_t cols = nc - j0 < NR_##S ? nc - j0 : NR_##S;                              \
            const T *base = b + j0 * cs;                                                     \
            if (cols == NR_##S && cs == 1) {                                                 \
                for (int64_t p = 0; p < kc; p++)                                             \
                    memcpy(out + p * NR_##S, base + p * rs, sizeof(T) * NR_##S);             \
                continue;                                                                    \
            }                                                                                \
            int64_t done = cols == NR_##S && rs == 1 ? PACK_B_COLUMNS_##S(kc, base, cs, out) : 0; \
            if (cols < NR_##S) memset(out, 0, sizeof(T) * NR_##S * kc);                      \
            for (int64_t j = 0; j < cols; j++) {                                             \
                const T *col = base + j * cs;                                                \
                for (int64_t p = done; p < kc; p++) out[p * NR_##S + j] = col[p * rs];       \
            }                                                                                \
        }                                                                                    \
    }                                                                                        \
    /* One MR x NR tile: in place when whole and row-major, else through a buffer. */        \
    static void tile_##S(int64_t kc, const T *a, const T *b, int64_t b_rs, T *c,             \
                         int64_t c_rs, int64_t c_cs, int64_t mr, int64_t nr, T alpha, T beta, \
                         int load) {                                                         \
        if (mr == MR_##S && nr == NR_##S && c_cs == 1) {                                     \
            kernel_##S(kc, a, b, b_rs, c, c_rs, alpha, beta, load);                          \
            return;                                                                          \
        }                                                                                    \
        _Alignas(64) T tile[MR_##S * NR_##S] = {0};                                          \
        for (int64_t i = 0; i < mr && load; i++)                                             \
            for (int64_t j = 0; j < nr; j++) tile[i * NR_##S + j] = c[i * c_rs + j * c_cs];  \
        kernel_##S(kc, a, b, b_rs, tile, NR_##S, 1, 0, load);                                \
        for (int64_t i = 0; i < mr; i++)                                                     \
            for (int64_t j = 0; j < nr; j++) {                                               \
                T *out = c + i * c_rs + j * c_cs, value = tile[i * NR_##S + j];              \
                if (!load) value = beta == 0 ? alpha * value : alpha * value + beta * *out;  \
                *out = value;                                                                \
            }                                                                                \
    }                                                                                        \
    /* C = alpha A B + beta C on the calling thread, without packing (no memory). */         \
    static void naive_##S(int64_t m, int64_t n, int64_t k, T alpha, const T *a, int64_t ars, \
                          int64_t acs, const T *b, int64_t brs, int64_t bcs, T beta, T *c,   \
                          int64_t crs, int64_t ccs) {                                        \
        for (int64_t i = 0; i < m; i++)                                                      \
            for (int64_t j = 0; j < n; j++) {                                                \
                T sum = 0;                                                                   \
                for (int64_t p = 0; p < k; p++)                                              \
                    sum += a[i * ars + p * acs] * b[p * brs + j * bcs];                      \
                T *out = c + i * crs + j * ccs;                                              \
                *out = beta == 0 ? alpha * sum : alpha * sum + beta * *out;                  \
            }                                                                                \
    }                                                                                        \
    /* The whole block walk for one product on the calling thread. */                        \
    static void serial_##S(int64_t m, int64_t n, int64_t k, T alpha, const T *a, int64_t ars,\
                           int64_t acs, const T *b, int64_t brs, int64_t bcs, T beta, T *c,  \
                           int64_t crs, int64_t ccs) {                                       \
        if (k == 0 || alpha == 0) { /* as BLAS: alpha = 0 does not read A and B */           \
            for (int64_t i = 0; i < m; i++)                                                  \
                for (int64_t j = 0; j < n; j++) {                                            \
                    T *out = c + i * crs + j * ccs;                                          \
                    *out = beta == 0 ? 0 : beta * *out;                                      \
                }                                                                            \
            return;                                                                          \
        }                                                                                    \
        /* k is cut into slabs of equal depth, at most KC (784 = 4 x 196, not 3 x 256 + 16) */ \
        int64_t slabs = (k + KC_##S - 1) / KC_##S, kcap = (k + slabs - 1) / slabs;           \
        int64_t mcap = (m < MC_##S ? m : MC_##S) + MR_##S;                                   \
        int64_t ncap = (n < NC_##S ? n : NC_##S) + NR_##S;                                   \
        int64_t a_size = (mcap * kcap + 15) / 16 * 16;  /* keeps packed B 64-byte aligned */ \
        T *packed_a = thread_buffer(sizeof(T) * (size_t)(a_size + ncap * kcap));             \
        if (packed_a == NULL) {                                                              \
            naive_##S(m, n, k, alpha, a, ars, acs, b, brs, bcs, beta, c, crs, ccs);          \
            return;                                                                          \
        }                                                                                    \
        T *packed_b = packed_a + a_size;                                                     \
        int in_order = alpha == 1 && (beta == 0 || beta == 1);                               \
        /* one block of rows (m <= MC) and row-major B: whole slivers of B are read where     \
           they lie (each stays in L1 while the A slivers pass); only a last, partial one is  \
           packed (packing all of B costs 10% at 32x784 @ 784x128). Not for rows 4 KiB apart  \
           and m > 64: a sliver's rows share one L1 set, and reuse pays for the packing. */   \
        int direct = m <= MC_##S && bcs == 1 && (m <= 64 || (brs * sizeof(T)) % 4096 != 0);  \
        for (int64_t jc = 0; jc < n; jc += NC_##S) {                                         \
            int64_t nc = n - jc < NC_##S ? n - jc : NC_##S;                                  \
            for (int64_t pc = 0; pc < k; pc += kcap) {                                       \
                int64_t kc = k - pc < kcap ? k - pc : kcap;                                  \
                /* in order (C as the accumulator) when alpha = 1 and beta is 0 or 1 */      \
                int load = pc > 0 ? in_order : (in_order && beta == 1);                      \
                T slab_beta = pc == 0 ? beta : 1;                                            \
                const T *panel = b + pc * brs + jc * bcs;                                    \
                int64_t whole = direct ? nc / NR_##S * NR_##S : 0;    /* columns in place */ \
                pack_b_##S(kc, nc - whole, panel + whole * bcs, brs, bcs, packed_b);         \
                for (int64_t ic = 0; ic < m; ic += MC_##S) {                                 \
                    int64_t mc = m - ic < MC_##S ? m - ic : MC_##S;                          \
                    pack_a_##S(mc, kc, a + ic * ars + pc * acs, ars, acs, packed_a);         \
                    for (int64_t jr = 0; jr < nc; jr += NR_##S) {                            \
                        const T *sliver = jr < whole ? panel + jr : packed_b + (jr - whole) * kc; \
                        int64_t sliver_rs = jr < whole ? brs : NR_##S;                       \
                        for (int64_t ir = 0; ir < mc; ir += MR_##S)                          \
                            tile_##S(kc, packed_a + ir * kc, sliver, sliver_rs,              \
                                     c + (ic + ir) * crs + (jc + jr) * ccs, crs, ccs,        \
                                     mc - ir < MR_##S ? mc - ir : MR_##S,                    \
                                     nc - jr < NR_##S ? nc - jr : NR_##S, alpha, slab_beta,  \
                                     load);                                                  \
                    }                                                                        \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    }                                                                                        \
    /* y[i] = alpha * sum_p M[i, p] v[p] + beta * y[i] for i < rows (k > 0, alpha != 0):     \
       a product with one row or one column, no packing. Rows with contiguous elements are   \
       dot products (float32: LANES partial sums; float64: 4 rows at once, each summed in    \
       order of p); otherwise rows advance together, a column of M at a time. */             \
    static void gemv_##S(int64_t rows, int64_t k, T alpha, const T *mat, int64_t rs,         \
                         int64_t cs, const T *v, int64_t vs, T beta, T *y, int64_t ys) {     \
        ACC_##S sums[GEMV_ROWS];                                                             \
        for (int64_t i0 = 0; i0 < rows; i0 += GEMV_ROWS) {                                   \
            int64_t count = rows - i0 < GEMV_ROWS ? rows - i0 : GEMV_ROWS;                   \
            const T *block = mat + i0 * rs;                                                  \
            if (rs == 1 && cs != 1) {                                                        \
                for (int64_t i = 0; i < count; i++) sums[i] = 0;                             \
                for (int64_t p = 0; p < k; p++) {                                            \
                    const T *col = block + p * cs;                                           \
                    ACC_##S vp = v[p * vs];                                                  \
                    for (int64_t i = 0; i < count; i++) sums[i] += col[i] * vp;              \
                }                                                                            \
            } else {                                                                         \
                int64_t i = 0;                                                               \
                for (; LANES_##S == 1 && i + 4 <= count; i += 4) {                           \
                    const T *r0 = block + i * rs, *r1 = r0 + rs, *r2 = r1 + rs, *r3 = r2 + rs; \
                    ACC_##S s0 = 0, s1 = 0, s2 = 0, s3 = 0;                                  \
                    for (int64_t p = 0; p < k; p++) {                                        \
                        ACC_##S vp = v[p * vs];                                              \
                        s0 += r0[p * cs] * vp;                                               \
                        s1 += r1[p * cs] * vp;                                               \
                        s2 += r2[p * cs] * vp;                                               \
                        s3 += r3[p * cs] * vp;                                               \
                    }                                                                        \
                    sums[i] = s0, sums[i + 1] = s1, sums[i + 2] = s2, sums[i + 3] = s3;      \
                }                                                                            \
                for (; i < count; i++) {                                                     \
                    const T *row = block + i * rs;                                           \
                    ACC_##S sum = 0;                                                         \
                    int64_t p = 0;                                                           \
                    if (LANES_##S > 1 && cs == 1 && vs == 1 && k >= LANES_##S) {             \
                        ACC_##S lane[LANES_##S] = {0};                                       \
                        for (; p + LANES_##S <= k; p += LANES_##S)                           \
                            for (int q = 0; q < LANES_##S; q++)                              \
                                lane[q] += (ACC_##S)row[p + q] * v[p + q];                   \
                        for (int q = 0; q < LANES_##S; q++) sum += lane[q];                  \
                    }                                                                        \
                    for (; p < k; p++) sum += (ACC_##S)row[p * cs] * v[p * vs];              \
                    sums[i] = sum;                                                           \
                }                                                                            \
            }                                                                                \
            for (int64_t i = 0; i < count; i++) {                                            \
                T *out = y + (i0 + i) * ys;                                                  \
                *out = (T)(beta == 0 ? alpha * sums[i] : alpha * sums[i] + beta * *out);     \
            }                                                                                \
        }                                                                                    \
    }                                                                                        \
    /* One product (or a slab of one) on the calling thread. */                              \
    static void product_##S(int64_t m, int64_t n, int64_t k, T alpha, const T *a,            \
                            int64_t ars, int64_t acs, const T *b, int64_t brs, int64_t bcs,  \
                            T beta, T *c, int64_t crs, int64_t ccs) {                        \
        if (k > 0 && alpha != 0 && n == 1)          /* C[:, 0] = A B[:, 0] */                \
            gemv_##S(m, k, alpha, a, ars, acs, b, brs, beta, c, crs);                        \
        else if (k > 0 && alpha != 0 && m == 1)     /* C[0, :]^T = B^T A[0, :]^T */          \
            gemv_##S(n, k, alpha, b, bcs, brs, a, acs, beta, c, ccs);                        \
        else                                                                                 \
            serial_##S(m, n, k, alpha, a, ars, acs, b, brs, bcs, beta, c, crs, ccs);         \
    }                                                                                        \
    /* Task t of a batched product: slab `t % parts` (of `units` units) of product t / parts. */ \
    static void task_##S(int64_t t, int64_t parts, int64_t units, int split_rows,            \
                         int64_t row_unit, int64_t col_unit, int64_t m, int64_t n,           \
                         int64_t k, T alpha, const T *a, const int64_t *a_offsets,           \
                         int64_t ars, int64_t acs, const T *b, const int64_t *b_offsets,     \
                         int64_t brs, int64_t bcs, T beta, T *c, int64_t c_bs, int64_t crs,  \
                         int64_t ccs) {                                                      \
        int64_t product = t / parts, part = t % parts;                                       \
        int64_t first = part * units / parts, last = (part + 1) * units / parts;             \
        const T *pa = a + a_offsets[product], *pb = b + b_offsets[product];                  \
        T *pc = c + product * c_bs;                                                          \
        if (split_rows) {                                                                    \
            int64_t i0 = first * row_unit, i1 = last * row_unit < m ? last * row_unit : m;   \
            product_##S(i1 - i0, n, k, alpha, pa + i0 * ars, ars, acs, pb, brs, bcs,         \
                        beta, pc + i0 * crs, crs, ccs);                                      \
        } else {                                                                             \
            int64_t j0 = first * col_unit, j1 = last * col_unit < n ? last * col_unit : n;   \
            product_##S(m, j1 - j0, k, alpha, pa, ars, acs, pb + j0 * bcs, brs, bcs,         \
                        beta, pc + j0 * ccs, crs, ccs);                                      \
        }                                                                                    \
    }                                                                                        \
    int torsh_gemm_batched_##S(int64_t batch, int64_t m, int64_t n, int64_t k, T alpha,      \
                               const T *a, const int64_t *a_offsets, int64_t ars,            \
                               int64_t acs, const T *b, const int64_t *b_offsets,            \
                               int64_t brs, int64_t bcs, T beta, T *c, int64_t c_bs,         \
                               int64_t crs, int64_t ccs) {                                   \
        if (batch <= 0 || m <= 0 || n <= 0) return 0;                                        \
        int threads = 1;                                                                     \
        GEMM_THREADS(threads, batch * m * n * (k > 0 ? k : 1));                              \
        /* cut each product into `parts` slabs of whole units (slivers of the tile, or       \
           GEMV_ROWS outputs of a one-row or one-column product) along its longer side */    \
        int vector = m == 1 || n == 1;                                                       \
        int64_t row_unit = vector ? GEMV_ROWS : MR_##S, col_unit = vector ? GEMV_ROWS : NR_##S; \
        int64_t row_units = (m + row_unit - 1) / row_unit;                                   \
        int64_t col_units = (n + col_unit - 1) / col_unit;                                   \
        int split_rows = vector ? n == 1 : row_units >= col_units;                           \
        int64_t units = split_rows ? row_units : col_units;                                  \
        int64_t parts = batch >= threads ? 1 : threads;                                      \
        if (parts > units) parts = units;                                                    \
        int64_t tasks = batch * parts;                                                       \
        /* no parallel region at all for one thread: even an empty one costs microseconds */ \
        if (threads > 1) {                                                                   \
            _Pragma("omp parallel for schedule(static) num_threads(threads)")                \
            for (int64_t t = 0; t < tasks; t++) GEMM_TASK_CALL(S);                           \
        } else {                                                                             \
            for (int64_t t = 0; t < tasks; t++) GEMM_TASK_CALL(S);                           \
        }                                                                                    \
        return 0;                                                                            \
    }                                                                                        \
    int torsh_gemm_##S(int64_t m, int64_t n, int64_t k, T alpha, const T *a, int64_t ars,    \
                       int64_t acs, const T *b, int64_t brs, int64_t bcs, T beta, T *c,      \
                       int64_t crs, int64_t ccs) {                                           \
        const int64_t zero = 0;                                                              \
        return torsh_gemm_batched_##S(1, m, n, k, alpha, a, &zero, ars, acs, b, &zero, brs,  \
                                      bcs, beta, c, 0, crs, ccs);                            \
    }

#define GEMM_TASK_CALL(S)                                                                    \
    task_##S(t, parts, units, split_rows, row_unit, col_unit, m, n, k, alpha, a, a_offsets,  \
             ars, acs, b, b_offsets, brs, bcs, beta, c, c_bs, crs, ccs)

DEFINE_GEMM(float, f32)
DEFINE_GEMM(double, f64)
