/* Elementwise maps over operands of any dtype, casts included (the ABI: torsh_cast.h).

   The walk: as elementwise.c (rows of the last dim, blocks of TORSH_BLOCK elements spread
   over threads), and each block is done CHUNK elements at a time in three steps:
   1. load: each input's elements are converted to working values, doubles for the floating
      dtypes and int64 for the integer ones and bool (exact, as the reference's Python
      numbers; float16/bfloat16 by their bits);
   2. compute: one loop per op over the chunk (the reference's scalar function, with the
      same special values); integers compute in uint64, so they wrap as the reference's
      Python ints wrapped to the width do (C's signed overflow would be undefined);
   3. store: round once to the output dtype (nearest-even, float16/bfloat16 straight from
      the double), wrap integers to their width, bool is != 0. */
#include <string.h>

#include "internal.h"
#include "torsh_cast.h"

#define CHUNK 256

typedef struct {
    double d[CHUNK];
    int64_t i[CHUNK];
} work_t;

static const int ELEMENT_SIZE[10] = {1, 1, 1, 2, 4, 8, 2, 2, 4, 8};

TORSH_INLINE int is_float(int dtype) { return dtype >= TORSH_DT_F16; }

/* ---- float16 / bfloat16 <-> double, by their bits: 1 sign, E exponent, M mantissa bits */

static double small_to_double(uint16_t h, int mbits, int ebits) {
    int bias = (1 << (ebits - 1)) - 1, emax = (1 << ebits) - 1;
    uint64_t e = (h >> mbits) & emax, m = h & ((1u << mbits) - 1), sign = (uint64_t)(h >> 15);
    double v;
    if (e == 0) {      /* zero or subnormal: m 2^(1 - bias - mbits), exact */
        v = (double)m * ldexp(1.0, 1 - bias - mbits);
        return sign ? -v : v;
    }
    /* normal, inf or NaN: the same fields, widened to the double's layout */
    uint64_t bits = sign << 63 | (e == (uint64_t)emax ? 0x7ffULL : e - bias + 1023) << 52 |
                    m << (52 - mbits);
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* x rounded once to nearest-even: subnormal results by scaling (exact) then nearbyint,
   normal ones on the double's mantissa bits; overflow (and inf) gives inf, NaN stays NaN. */
static uint16_t double_to_small(double x, int mbits, int ebits) {
    int bias = (1 << (ebits - 1)) - 1;
    uint64_t emax = (uint64_t)((1 << ebits) - 1), bits;
    memcpy(&bits, &x, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 63) << 15);
    uint64_t a = bits & 0x7fffffffffffffffULL;
    if (a > 0x7ff0000000000000ULL) return sign | (uint16_t)(emax << mbits) | (1 << (mbits - 1));
    int e = (int)(a >> 52) - 1023;
    if (e < 1 - bias) return sign | (uint16_t)nearbyint(fabs(x) * ldexp(1.0, bias - 1 + mbits));
    uint64_t mantissa = a & ((1ULL << 52) - 1), shift = 52 - mbits;
    uint64_t h = ((uint64_t)(e + bias) << mbits) | (mantissa >> shift);
    uint64_t rest = mantissa & ((1ULL << shift) - 1), half = 1ULL << (shift - 1);
    h += (uint64_t)((rest > half) | ((rest == half) & (int)(h & 1)));   /* branch-free */
    h = h < emax << mbits ? h : emax << mbits;
    return sign | (uint16_t)h;
}

static double bf16_to_double(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* The reference's float -> integer cast: truncate toward zero, wrap modulo 2^64 (then the
   store wraps to the width); NaN and ±inf give INT_MIN for 32/64-bit types, 0 below. */
static int64_t float_to_int(double v, int bits) {
    if (!isfinite(v)) return bits == 64 ? INT64_MIN : (bits == 32 ? INT32_MIN : 0);
    double t = trunc(v);
    if (fabs(t) < 9.2e18) return (int64_t)t;
    double r = fmod(t, 18446744073709551616.0);
    if (r >= 9223372036854775808.0) r -= 18446744073709551616.0;
    else if (r < -9223372036854775808.0) r += 18446744073709551616.0;
    return (int64_t)r;
}

/* ---- load and store one chunk */

#define LOAD(T, FIELD, CONVERT)                                                              \
    for (int64_t j = 0; j < n; j++) w->FIELD[j] = CONVERT(((const T *)base)[j * step]);   \
    break;
#define AS_IS(v) (v)

static void load(int dtype, const void *base, int64_t step, int64_t n, work_t *w) {
    switch (dtype) {
    case TORSH_DT_BOOL: case TORSH_DT_U8: LOAD(uint8_t, i, AS_IS)
    case TORSH_DT_I8: LOAD(int8_t, i, AS_IS)
    case TORSH_DT_I16: LOAD(int16_t, i, AS_IS)
    case TORSH_DT_I32: LOAD(int32_t, i, AS_IS)
    case TORSH_DT_I64: LOAD(int64_t, i, AS_IS)
#define HALF(v) small_to_double((v), 10, 5)
    case TORSH_DT_F16: LOAD(uint16_t, d, HALF)
#undef HALF
    case TORSH_DT_BF16: LOAD(uint16_t, d, bf16_to_double)
    case TORSH_DT_F32: LOAD(float, d, AS_IS)
    case TORSH_DT_F64: LOAD(double, d, AS_IS)
    }
}

#define STORE(T, EXPR)                                                                       \
    for (int64_t j = 0; j < n; j++) ((T *)out)[j] = (T)(EXPR);                             \
    break;

/* in_double: the results are w->d (else w->i). */
static void store(int dtype, void *out, int64_t n, const work_t *w, int in_double) {
    if (in_double) {
        switch (dtype) {
        case TORSH_DT_BOOL: STORE(uint8_t, w->d[j] != 0)
        case TORSH_DT_U8: STORE(uint8_t, (uint64_t)float_to_int(w->d[j], 8))
        case TORSH_DT_I8: STORE(int8_t, (uint8_t)(uint64_t)float_to_int(w->d[j], 8))
        case TORSH_DT_I16: STORE(int16_t, (uint16_t)(uint64_t)float_to_int(w->d[j], 16))
        case TORSH_DT_I32: STORE(int32_t, (uint32_t)(uint64_t)float_to_int(w->d[j], 32))
        case TORSH_DT_I64: STORE(int64_t, float_to_int(w->d[j], 64))
        case TORSH_DT_F16: STORE(uint16_t, double_to_small(w->d[j], 10, 5))
        case TORSH_DT_BF16: STORE(uint16_t, double_to_small(w->d[j], 7, 8))
        case TORSH_DT_F32: STORE(float, w->d[j])
        case TORSH_DT_F64: STORE(double, w->d[j])
        }
    } else {
        switch (dtype) {
        case TORSH_DT_BOOL: STORE(uint8_t, w->i[j] != 0)
        case TORSH_DT_U8: STORE(uint8_t, (uint64_t)w->i[j])
        case TORSH_DT_I8: STORE(int8_t, (uint8_t)(uint64_t)w->i[j])
        case TORSH_DT_I16: STORE(int16_t, (uint16_t)(uint64_t)w->i[j])
        case TORSH_DT_I32: STORE(int32_t, (uint32_t)(uint64_t)w->i[j])
        case TORSH_DT_I64: STORE(int64_t, w->i[j])
        case TORSH_DT_F16: STORE(uint16_t, double_to_small((double)w->i[j], 10, 5))
        case TORSH_DT_BF16: STORE(uint16_t, double_to_small((double)w->i[j], 7, 8))
        case TORSH_DT_F32: STORE(float, (double)w->i[j])
        case TORSH_DT_F64: STORE(double, (double)w->i[j])
        }
    }
}

#include "cast_ops.h"

/* ---- the walk */

/* One block: `length` elements of row r from `start`, CHUNK at a time; 0, or the status. */
static int map_block(int op, int nin, int floating, int ndim, const int64_t *shape, int64_t r,
                     int64_t start, int64_t length, int out_dtype, char *o,
                     const int *in_dtypes, void *const *ins, const int64_t *strides,
                     const double *dparams, const int64_t *iparams) {
    const char *p[3];
    int64_t step[3];
    for (int k = 0; k < nin; k++) {
        const int64_t *s = strides + k * ndim;
        step[k] = s[ndim - 1];
        p[k] = (const char *)ins[k] + (torsh_row_offset(r, ndim, shape, s) +
                                       start * step[k]) * ELEMENT_SIZE[in_dtypes[k]];
    }
    int out_size = ELEMENT_SIZE[out_dtype];
    work_t in[3], result;
    for (int64_t c = 0; c < length; c += CHUNK) {
        int64_t n = length - c < CHUNK ? length - c : CHUNK;
        for (int k = 0; k < nin; k++)
            load(in_dtypes[k], p[k] + c * step[k] * ELEMENT_SIZE[in_dtypes[k]], step[k], n,
                 &in[k]);
        int kind = compute(op, nin, floating, n, in, &result, dparams, iparams);
        if (kind < 0) return -kind;
        store(out_dtype, o + c * out_size, n, &result, kind == RESULT_DOUBLE);
    }
    return 0;
}

int torsh_map(int op, int ndim, const int64_t *shape, int out_dtype, void *out, int nin,
              const int *in_dtypes, void *const *ins, const int64_t *strides,
              const double *dparams, const int64_t *iparams) {
    if (nin < 1 || nin > 3 || out_dtype < 0 || out_dtype > TORSH_DT_F64) return 1;
    for (int k = 0; k < nin; k++)
        if (in_dtypes[k] < 0 || in_dtypes[k] > TORSH_DT_F64) return 1;
    static const int64_t unit_shape[1] = {1}, zero_strides[3] = {0, 0, 0};
    if (ndim == 0) { ndim = 1; shape = unit_shape; strides = zero_strides; }
    int floating = is_float(in_dtypes[op == TORSH_M_WHERE && nin == 3 ? 1 : 0]);
    int status = 0, out_size = ELEMENT_SIZE[out_dtype];
    int64_t inner = shape[ndim - 1], rows = torsh_count(ndim - 1, shape);
    int64_t per_row = (inner + TORSH_BLOCK - 1) / TORSH_BLOCK, tasks = rows * per_row;
    TORSH_FOR(t, tasks, rows * inner >= TORSH_PARALLEL_GRAIN, {
        int64_t r = t / per_row, start = (t % per_row) * TORSH_BLOCK;
        int64_t length = inner - start < TORSH_BLOCK ? inner - start : TORSH_BLOCK;
        int s = map_block(op, nin, floating, ndim, shape, r, start, length, out_dtype,
                          (char *)out + (r * inner + start) * out_size, in_dtypes, ins, strides,
                          dparams, iparams);
        if (s) {
            _Pragma("omp atomic write")
            status = s;
        }
    });
    return status;
}
