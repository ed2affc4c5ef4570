/* gemm.c's register micro-kernels and sliver packing: AVX2+FMA in the avx2 build, plain C
   loops in the portable one. Included once, by gemm.c, after its block sizes. */

/* ------------------------------------------------------------ micro-kernels
   kernel(kc, a, b, b_rs, c, c_rs, alpha, beta, load): for the packed sliver a (kc x MR,
   k-major), the sliver b (kc x NR, its row p at b + p * b_rs: packed, or B in place) and
   the full MR x NR tile at c (row stride c_rs, unit column stride), with
   s = sum_p a[p*MR + i] * b[p*b_rs + j] summed in order of p:
     load == 0:  C[i, j] = alpha * s + beta * C[i, j]   (beta == 0 does not read C)
     load == 1:  C[i, j] = (C[i, j] + a[i] b[j]) + ... in order of p (alpha, beta unused),
   so a long sum split into k slabs adds its terms in the same order as one loop would.
   float64 multiplies and adds separately (no FMA): its sums round exactly as the reference's
   Python loop does. float32 uses FMA. */

#ifdef TORSH_GEMM_AVX2

/* Store one register row: c = alpha * acc + beta * c. */
#define STORE_PS(ptr, acc)                                                                   \
    _mm256_storeu_ps(ptr, beta == 0 ? _mm256_mul_ps(va, acc) : _mm256_fmadd_ps(              \
                     vb, _mm256_loadu_ps(ptr), _mm256_mul_ps(va, acc)))
#define STORE_PD(ptr, acc)                                                                   \
    _mm256_storeu_pd(ptr, beta == 0 ? _mm256_mul_pd(va, acc) : _mm256_fmadd_pd(              \
                     vb, _mm256_loadu_pd(ptr), _mm256_mul_pd(va, acc)))

#define LOAD_ROW_PS(i, lo, hi)                                                               \
    (lo = _mm256_loadu_ps(c + (i) * c_rs), hi = _mm256_loadu_ps(c + (i) * c_rs + 8))
#define LOAD_ROW_PD(i, lo, hi)                                                               \
    (lo = _mm256_loadu_pd(c + (i) * c_rs), hi = _mm256_loadu_pd(c + (i) * c_rs + 4))
#define MULADD_PD(x, b, acc) _mm256_add_pd(acc, _mm256_mul_pd(x, b))

/* A whole 16-wide sliver of a float32 B whose columns are contiguous (rs == 1: a
   transposed operand, as linear's W^T): 8 x 8 blocks are loaded along the columns and
   transposed in registers, so the packed rows are written whole. Returns the number of k
   steps done (a multiple of 8); the caller packs the rest. */
static int64_t pack_b_columns_f32(int64_t kc, const float *b, int64_t cs, float *out) {
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8)
        for (int half = 0; half < 2; half++) {
            const float *col = b + half * 8 * cs + p;
            __m256 r0 = _mm256_loadu_ps(col), r1 = _mm256_loadu_ps(col + cs);
            __m256 r2 = _mm256_loadu_ps(col + 2 * cs), r3 = _mm256_loadu_ps(col + 3 * cs);
            __m256 r4 = _mm256_loadu_ps(col + 4 * cs), r5 = _mm256_loadu_ps(col + 5 * cs);
            __m256 r6 = _mm256_loadu_ps(col + 6 * cs), r7 = _mm256_loadu_ps(col + 7 * cs);
            __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
            __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
            __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
            __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            float *o = out + p * 16 + half * 8;
            _mm256_store_ps(o + 0 * 16, _mm256_permute2f128_ps(s0, s4, 0x20));
            _mm256_store_ps(o + 1 * 16, _mm256_permute2f128_ps(s1, s5, 0x20));
            _mm256_store_ps(o + 2 * 16, _mm256_permute2f128_ps(s2, s6, 0x20));
            _mm256_store_ps(o + 3 * 16, _mm256_permute2f128_ps(s3, s7, 0x20));
            _mm256_store_ps(o + 4 * 16, _mm256_permute2f128_ps(s0, s4, 0x31));
            _mm256_store_ps(o + 5 * 16, _mm256_permute2f128_ps(s1, s5, 0x31));
            _mm256_store_ps(o + 6 * 16, _mm256_permute2f128_ps(s2, s6, 0x31));
            _mm256_store_ps(o + 7 * 16, _mm256_permute2f128_ps(s3, s7, 0x31));
        }
    return p;
}
#define PACK_B_COLUMNS_f32(kc, b, cs, out) pack_b_columns_f32(kc, b, cs, out)

/* A whole 6-row sliver of a float32 A whose rows are contiguous (cs == 1, the usual case):
   6 x 8 blocks are loaded along the rows and transposed in registers (two zero rows make it
   8 x 8), so each k step's 6 values are written together. Returns the number of k steps
   done (a multiple of 8); the caller packs the rest. */
static int64_t pack_a_rows_f32(int64_t kc, const float *a, int64_t rs, float *out) {
    const __m256 zero = _mm256_setzero_ps();
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) {
        const float *row = a + p;
        __m256 r0 = _mm256_loadu_ps(row), r1 = _mm256_loadu_ps(row + rs);
        __m256 r2 = _mm256_loadu_ps(row + 2 * rs), r3 = _mm256_loadu_ps(row + 3 * rs);
        __m256 r4 = _mm256_loadu_ps(row + 4 * rs), r5 = _mm256_loadu_ps(row + 5 * rs);
        __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
        __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
        __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
        __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
        __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
        __m256 s4 = _mm256_shuffle_ps(t4, zero, 0x44), s5 = _mm256_shuffle_ps(t4, zero, 0xEE);
        __m256 s6 = _mm256_shuffle_ps(t5, zero, 0x44), s7 = _mm256_shuffle_ps(t5, zero, 0xEE);
        /* column q holds (A[0][p+q], ..., A[5][p+q], 0, 0): each store's last two lanes are
           overwritten by the next, and the last writes its 6 values only */
        float *o = out + p * 6;
        _mm256_storeu_ps(o + 0 * 6, _mm256_permute2f128_ps(s0, s4, 0x20));
        _mm256_storeu_ps(o + 1 * 6, _mm256_permute2f128_ps(s1, s5, 0x20));
        _mm256_storeu_ps(o + 2 * 6, _mm256_permute2f128_ps(s2, s6, 0x20));
        _mm256_storeu_ps(o + 3 * 6, _mm256_permute2f128_ps(s3, s7, 0x20));
        _mm256_storeu_ps(o + 4 * 6, _mm256_permute2f128_ps(s0, s4, 0x31));
        _mm256_storeu_ps(o + 5 * 6, _mm256_permute2f128_ps(s1, s5, 0x31));
        _mm256_storeu_ps(o + 6 * 6, _mm256_permute2f128_ps(s2, s6, 0x31));
        __m256 last = _mm256_permute2f128_ps(s3, s7, 0x31);
        _mm_storeu_ps(o + 7 * 6, _mm256_castps256_ps128(last));
        _mm_storel_pi((__m64 *)(o + 7 * 6 + 4), _mm256_extractf128_ps(last, 1));
    }
    return p;
}
#define PACK_A_ROWS_f32(kc, a, rs, out) pack_a_rows_f32(kc, a, rs, out)

/* 6 x 16 float32: 12 accumulators of 8 lanes, 2 vectors of B and 1 broadcast of A per row. */
static void kernel_f32(int64_t kc, const float *restrict a, const float *restrict b,
                       int64_t b_rs, float *restrict c, int64_t c_rs, float alpha, float beta,
                       int load) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    if (load) {
        LOAD_ROW_PS(0, c00, c01); LOAD_ROW_PS(1, c10, c11); LOAD_ROW_PS(2, c20, c21);
        LOAD_ROW_PS(3, c30, c31); LOAD_ROW_PS(4, c40, c41); LOAD_ROW_PS(5, c50, c51);
        alpha = 1;
        beta = 0;
    }
    for (int64_t p = 0; p < kc; p++) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8), x;
        x = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(x, b0, c00);
        c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(x, b0, c10);
        c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(x, b0, c20);
        c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(x, b0, c30);
        c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(x, b0, c40);
        c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(x, b0, c50);
        c51 = _mm256_fmadd_ps(x, b1, c51);
        a += 6;
        b += b_rs;
    }
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    STORE_PS(c, c00); STORE_PS(c + 8, c01); c += c_rs;
    STORE_PS(c, c10); STORE_PS(c + 8, c11); c += c_rs;
    STORE_PS(c, c20); STORE_PS(c + 8, c21); c += c_rs;
    STORE_PS(c, c30); STORE_PS(c + 8, c31); c += c_rs;
    STORE_PS(c, c40); STORE_PS(c + 8, c41); c += c_rs;
    STORE_PS(c, c50); STORE_PS(c + 8, c51);
}

/* 6 x 8 float64: the same shape of loop with 4-lane vectors. */
static void kernel_f64(int64_t kc, const double *restrict a, const double *restrict b,
                       int64_t b_rs, double *restrict c, int64_t c_rs, double alpha,
                       double beta, int load) {
    __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    if (load) {
        LOAD_ROW_PD(0, c00, c01); LOAD_ROW_PD(1, c10, c11); LOAD_ROW_PD(2, c20, c21);
        LOAD_ROW_PD(3, c30, c31); LOAD_ROW_PD(4, c40, c41); LOAD_ROW_PD(5, c50, c51);
        alpha = 1;
        beta = 0;
    }
    for (int64_t p = 0; p < kc; p++) {
        __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4), x;
        x = _mm256_broadcast_sd(a + 0); c00 = MULADD_PD(x, b0, c00);
        c01 = MULADD_PD(x, b1, c01);
        x = _mm256_broadcast_sd(a + 1); c10 = MULADD_PD(x, b0, c10);
        c11 = MULADD_PD(x, b1, c11);
        x = _mm256_broadcast_sd(a + 2); c20 = MULADD_PD(x, b0, c20);
        c21 = MULADD_PD(x, b1, c21);
        x = _mm256_broadcast_sd(a + 3); c30 = MULADD_PD(x, b0, c30);
        c31 = MULADD_PD(x, b1, c31);
        x = _mm256_broadcast_sd(a + 4); c40 = MULADD_PD(x, b0, c40);
        c41 = MULADD_PD(x, b1, c41);
        x = _mm256_broadcast_sd(a + 5); c50 = MULADD_PD(x, b0, c50);
        c51 = MULADD_PD(x, b1, c51);
        a += 6;
        b += b_rs;
    }
    __m256d va = _mm256_set1_pd(alpha), vb = _mm256_set1_pd(beta);
    STORE_PD(c, c00); STORE_PD(c + 4, c01); c += c_rs;
    STORE_PD(c, c10); STORE_PD(c + 4, c11); c += c_rs;
    STORE_PD(c, c20); STORE_PD(c + 4, c21); c += c_rs;
    STORE_PD(c, c30); STORE_PD(c + 4, c31); c += c_rs;
    STORE_PD(c, c40); STORE_PD(c + 4, c41); c += c_rs;
    STORE_PD(c, c50); STORE_PD(c + 4, c51);
}

#else

/* Portable: the tile in a local array of ACC (float32 sums in double: without FMA, this
   keeps the portable build as close to the reference's rounded-once sums as the avx2 one);
   the compiler vectorises the j loops. */
#define DEFINE_PORTABLE_KERNEL(NAME, T, ACC, MR, NR)                                         \
    static void NAME(int64_t kc, const T *restrict a, const T *restrict b, int64_t b_rs,     \
                     T *restrict c, int64_t c_rs, T alpha, T beta, int load) {               \
        ACC acc[MR][NR];                                                                     \
        for (int i = 0; i < MR; i++)                                                         \
            for (int j = 0; j < NR; j++) acc[i][j] = load ? c[i * c_rs + j] : 0;             \
        if (load) {                                                                          \
            alpha = 1;                                                                       \
            beta = 0;                                                                        \
        }                                                                                    \
        for (int64_t p = 0; p < kc; p++, a += MR, b += b_rs)                                 \
            for (int i = 0; i < MR; i++)                                                     \
                for (int j = 0; j < NR; j++) acc[i][j] += (ACC)a[i] * b[j];                  \
        for (int i = 0; i < MR; i++, c += c_rs)                                              \
            for (int j = 0; j < NR; j++)                                                     \
                c[j] = (T)(beta == 0 ? alpha * acc[i][j] : alpha * acc[i][j] + beta * c[j]); \
    }
#define PACK_B_COLUMNS_f32(kc, b, cs, out) 0
#define PACK_A_ROWS_f32(kc, a, rs, out) 0
DEFINE_PORTABLE_KERNEL(kernel_f32, float, double, MR_f32, NR_f32)
DEFINE_PORTABLE_KERNEL(kernel_f64, double, double, MR_f64, NR_f64)

#endif
#define PACK_B_COLUMNS_f64(kc, b, cs, out) 0
#define PACK_A_ROWS_f64(kc, a, rs, out) 0
