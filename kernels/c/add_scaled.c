/* The addmm tail: out = beta * x + alpha * p elementwise, the last step of addmm, addmv,
   addr, baddbmm and addbmm (p the product), for float32/float64 (computed in double, rounded
   once), the integer dtypes (wrapping) and bool (a truth table). See torsh_gemm.h. */
#include "internal.h"
#include "torsh_gemm.h"

/* out = beta * x + alpha * p over an n-d shape (x and p strided, out contiguous). The walk:
   the last dim is the inner loop, the rows (all other dims) are spread over threads when
   there are at least TORSH_PARALLEL_GRAIN elements. A 0-d call is a 1-d call of one. */
#define FOR_EACH_ROW(T, ...)                                                                 \
    static const int64_t one = 1, zero = 0;                                                  \
    if (ndim == 0) ndim = 1, shape = &one, x_strides = p_strides = &zero;                    \
    int64_t inner = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);                    \
    int64_t xs = x_strides[ndim - 1], ps = p_strides[ndim - 1];                              \
    TORSH_FOR(r, rows, rows * inner >= TORSH_PARALLEL_GRAIN, {                               \
        const T *xr = x + torsh_row_offset(r, ndim, shape, x_strides);                       \
        const T *pr = p + torsh_row_offset(r, ndim, shape, p_strides);                       \
        T *o = out + r * inner;                                                              \
        __VA_ARGS__                                                                          \
    });                                                                                      \
    return 0;

/* Floating point: computed in double and rounded once, as the reference does; use_x == 0
   drops the x term and use_p == 0 the p term (so their NaN and inf do not reach out). */
#define DEFINE_ADD_SCALED(T, S)                                                              \
    int torsh_add_scaled_##S(int ndim, const int64_t *shape, T *out, const T *x,             \
                             const int64_t *x_strides, const T *p, const int64_t *p_strides, \
                             double beta, double alpha, int use_x, int use_p) {              \
        FOR_EACH_ROW(T,                                                                      \
            if (use_x && use_p)                                                              \
                for (int64_t j = 0; j < inner; j++)                                          \
                    o[j] = (T)(beta * (double)xr[j * xs] + alpha * (double)pr[j * ps]);      \
            else if (use_x)                                                                  \
                for (int64_t j = 0; j < inner; j++) o[j] = (T)(beta * (double)xr[j * xs]);   \
            else if (use_p)                                                                  \
                for (int64_t j = 0; j < inner; j++) o[j] = (T)(alpha * (double)pr[j * ps]);  \
            else                                                                             \
                for (int64_t j = 0; j < inner; j++) o[j] = 0;                                \
        )                                                                                    \
    }
DEFINE_ADD_SCALED(float, f32)
DEFINE_ADD_SCALED(double, f64)

/* Integers: beta * x + alpha * p in wrapping uint64, cast to T (exact modulo 2^bits). */
#define DEFINE_ADD_SCALED_INT(T, S)                                                          \
    int torsh_add_scaled_##S(int ndim, const int64_t *shape, T *out, const T *x,             \
                             const int64_t *x_strides, const T *p, const int64_t *p_strides, \
                             int64_t beta, int64_t alpha) {                                  \
        const uint64_t ub = (uint64_t)beta, ua = (uint64_t)alpha;                            \
        FOR_EACH_ROW(T,                                                                      \
            for (int64_t j = 0; j < inner; j++)                                              \
                o[j] = (T)(ub * (uint64_t)(int64_t)xr[j * xs] +                              \
                           ua * (uint64_t)(int64_t)pr[j * ps]);                              \
        )                                                                                    \
    }
DEFINE_ADD_SCALED_INT(int64_t, i64)
DEFINE_ADD_SCALED_INT(int32_t, i32)
DEFINE_ADD_SCALED_INT(int16_t, i16)
DEFINE_ADD_SCALED_INT(int8_t, i8)
DEFINE_ADD_SCALED_INT(uint8_t, u8)

/* bool: out = table bit (2 * (x != 0) + (p != 0)), the caller's truth table of
   beta * x + alpha * p != 0 (exact for any integer beta and alpha). */
int torsh_add_scaled_b8(int ndim, const int64_t *shape, uint8_t *out, const uint8_t *x,
                        const int64_t *x_strides, const uint8_t *p, const int64_t *p_strides,
                        int table) {
    FOR_EACH_ROW(uint8_t,
        for (int64_t j = 0; j < inner; j++)
            o[j] = (uint8_t)((table >> (2 * (xr[j * xs] != 0) + (pr[j * ps] != 0))) & 1);
    )
}
