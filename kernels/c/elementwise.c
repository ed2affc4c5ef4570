/* Elementwise kernels: unary and binary maps over an n-d shape with any strides.

   The walk: the last dim is the inner loop, the other dims are "rows", and each row is cut
   into blocks of TORSH_BLOCK elements; blocks are spread over threads for large shapes.
   When every operand is contiguous along the last dim the inner loop is a plain indexed
   loop that the compiler vectorises (AVX2 in the avx2 build). Math follows C's libm, as the
   reference's Python math does for doubles; float32 rounds libm's float result. */
#include "internal.h"

#define RELU(x) ((x) < 0 ? 0 : (x))      /* relu(-0.0) = -0.0 and relu(NaN) = NaN */
/* maximum/minimum propagate NaN from either side, as PyTorch does */
#define MAXIMUM(a, b) ((a) != (a) ? (a) : ((b) != (b) ? (b) : ((a) > (b) ? (a) : (b))))
#define MINIMUM(a, b) ((a) != (a) ? (a) : ((b) != (b) ? (b) : ((a) < (b) ? (a) : (b))))

/* out[j] = EXPR(x) for x = in[j * step], j < n; one loop per op so each vectorises. */
#define UNARY_LOOPS(T, EXP, LOG, SQRT, TANH, SIN, COS, EXPM1, LOG1P)                          \
    switch (op) {                                                                              \
    case TORSH_NEG: LOOP(-x); break;                                                           \
    case TORSH_ABS: LOOP(x < 0 ? -x : (x == 0 ? (T)0 : x)); break;                             \
    case TORSH_EXP: LOOP(EXP(x)); break;                                                       \
    case TORSH_LOG: LOOP(LOG(x)); break;                                                       \
    case TORSH_SQRT: LOOP(SQRT(x)); break;                                                     \
    case TORSH_TANH: LOOP(TANH(x)); break;                                                     \
    case TORSH_SIGMOID: LOOP((T)1 / ((T)1 + EXP(-x))); break;                                  \
    case TORSH_RELU: LOOP(RELU(x)); break;                                                     \
    case TORSH_SIN: LOOP(SIN(x)); break;                                                       \
    case TORSH_COS: LOOP(COS(x)); break;                                                       \
    case TORSH_RECIPROCAL: LOOP((T)1 / x); break;                                              \
    case TORSH_SQUARE: LOOP(x * x); break;                                                     \
    case TORSH_RSQRT: LOOP((T)1 / SQRT(x)); break;                                             \
    case TORSH_EXPM1: LOOP(EXPM1(x)); break;                                                   \
    case TORSH_LOG1P: LOOP(LOG1P(x)); break;                                                   \
    }

#define BINARY_LOOPS                                                                           \
    switch (op) {                                                                              \
    case TORSH_ADD: LOOP2(a + b); break;                                                       \
    case TORSH_SUB: LOOP2(a - b); break;                                                       \
    case TORSH_MUL: LOOP2(a * b); break;                                                       \
    case TORSH_DIV: LOOP2(a / b); break;                                                       \
    case TORSH_MAXIMUM: LOOP2(MAXIMUM(a, b)); break;                                           \
    case TORSH_MINIMUM: LOOP2(MINIMUM(a, b)); break;                                           \
    }

/* The block loop shared by every map: block t of the work covers elements
   [start, start + length) of row r; FN(out, operand pointers, length) does it. */
#define FOR_EACH_BLOCK(ndim, shape, BODY)                                                      \
    int64_t inner = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                     \
    int64_t per_row = (inner + TORSH_BLOCK - 1) / TORSH_BLOCK, tasks = rows * per_row;        \
    _Pragma("omp parallel for schedule(static) if(rows * inner >= TORSH_PARALLEL_GRAIN)")     \
    for (int64_t t = 0; t < tasks; t++) {                                                     \
        int64_t r = t / per_row, start = (t % per_row) * TORSH_BLOCK;                         \
        int64_t length = inner - start < TORSH_BLOCK ? inner - start : TORSH_BLOCK;           \
        BODY                                                                                   \
    }

#define DEFINE_UNARY(NAME, T, ...)                                                             \
    TORSH_INLINE void NAME##_run(int op, int64_t n, T *restrict out, const T *restrict in,    \
                                 int64_t step) {                                               \
        UNARY_LOOPS(T, __VA_ARGS__)                                                            \
    }                                                                                          \
    int NAME(int op, int ndim, const int64_t *shape, T *out, const T *x,                      \
             const int64_t *x_strides) {                                                       \
        if (op < 0 || op > TORSH_LOG1P) return 1;                                              \
        if (ndim == 0) { out[0] = 0; NAME##_run(op, 1, out, x, 0); return 0; }                \
        int64_t step = x_strides[ndim - 1];                                                    \
        FOR_EACH_BLOCK(ndim, shape, {                                                          \
            T *o = out + r * inner + start;                                                    \
            const T *i = x + torsh_row_offset(r, ndim, shape, x_strides) + start * step;       \
            if (step == 1) NAME##_run(op, length, o, i, 1);                                    \
            else NAME##_run(op, length, o, i, step);                                           \
        })                                                                                     \
        return 0;                                                                              \
    }

#define LOOP(EXPR) \
    for (int64_t j = 0; j < n; j++) { const __typeof__(*out) x = in[j * step]; out[j] = (EXPR); }
DEFINE_UNARY(torsh_unary_f32, float, expf, logf, sqrtf, tanhf, sinf, cosf, expm1f, log1pf)
DEFINE_UNARY(torsh_unary_f64, double, exp, log, sqrt, tanh, sin, cos, expm1, log1p)
#undef LOOP

#define DEFINE_BINARY(NAME, T)                                                                 \
    TORSH_INLINE void NAME##_run(int op, int64_t n, T *restrict out, const T *restrict pa,    \
                                 int64_t sa, const T *restrict pb, int64_t sb) {               \
        BINARY_LOOPS                                                                           \
    }                                                                                          \
    int NAME(int op, int ndim, const int64_t *shape, T *out, const T *a,                      \
             const int64_t *a_strides, const T *b, const int64_t *b_strides) {                 \
        if (op < 0 || op > TORSH_MINIMUM) return 1;                                            \
        if (ndim == 0) { NAME##_run(op, 1, out, a, 0, b, 0); return 0; }                      \
        int64_t sa = a_strides[ndim - 1], sb = b_strides[ndim - 1];                            \
        FOR_EACH_BLOCK(ndim, shape, {                                                          \
            T *o = out + r * inner + start;                                                    \
            const T *pa = a + torsh_row_offset(r, ndim, shape, a_strides) + start * sa;        \
            const T *pb = b + torsh_row_offset(r, ndim, shape, b_strides) + start * sb;        \
            if (sa == 1 && sb == 1) NAME##_run(op, length, o, pa, 1, pb, 1);                   \
            else if (sa == 1 && sb == 0) NAME##_run(op, length, o, pa, 1, pb, 0);              \
            else if (sa == 0 && sb == 1) NAME##_run(op, length, o, pa, 0, pb, 1);              \
            else NAME##_run(op, length, o, pa, sa, pb, sb);                                    \
        })                                                                                     \
        return 0;                                                                              \
    }

#define LOOP2(EXPR) for (int64_t j = 0; j < n; j++) {                                       \
        const __typeof__(*out) a = pa[j * sa], b = pb[j * sb];                                \
        out[j] = (EXPR);                                                                      \
    }
DEFINE_BINARY(torsh_binary_f32, float)
DEFINE_BINARY(torsh_binary_f64, double)
#undef LOOP2
