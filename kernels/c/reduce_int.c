/* Integer reductions (wrapping int64 sums and products, extremes with the first position,
   all/any): the part of torsh_reduce.h that walks one output's group in order. The float
   reductions are in reduce.c, the scans in scan.c. */
#include "internal.h"
#include "torsh_reduce.h"
#include "reduce_walk.h"

/* One output's group, walked in order: wrapping int64 sum/product, extremes with the first
   position, all/any. */
#define DEFINE_INT_REDUCE(SUF, T)                                                                  \
    static void int_output_##SUF(int op, const T *x, const rspace *r, void *out, int64_t o) {      \
        int64_t n = r->shape[r->nr - 1], s = r->strides[r->nr - 1], lin = 0, where = -1;           \
        uint64_t acc = op == TORSH_R_PROD ? 1 : 0;                                                 \
        T best = 0;                                                                                \
        int flag = op == TORSH_R_ALL;                                                              \
        int larger = op == TORSH_R_AMAX || op == TORSH_R_ARGMAX;                                   \
        for (int64_t row = 0; n > 0 && row < r->n / n; row++) {                                    \
            const T *p = x + torsh_row_offset(row, r->nr, r->shape, r->strides);                   \
            switch (op) {                                                                          \
            case TORSH_R_SUM:                                                                      \
                for (int64_t k = 0; k < n; k++) { acc += (uint64_t)p[k * s]; } break;              \
            case TORSH_R_PROD:                                                                     \
                for (int64_t k = 0; k < n; k++) { acc *= (uint64_t)(int64_t)p[k * s]; } break;     \
            case TORSH_R_ALL: for (int64_t k = 0; k < n; k++) { flag = flag && p[k * s]; } break;  \
            case TORSH_R_ANY: for (int64_t k = 0; k < n; k++) { flag = flag || p[k * s]; } break;  \
            default:                                                                               \
                for (int64_t k = 0; k < n; k++, lin++) {                                           \
                    T v = p[k * s];                                                                \
                    if (where < 0 || (larger ? v > best : v < best)) { best = v; where = lin; }    \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        switch (op) {                                                                              \
        case TORSH_R_SUM: case TORSH_R_PROD: ((int64_t *)out)[o] = (int64_t)acc; break;            \
        case TORSH_R_ALL: case TORSH_R_ANY: ((uint8_t *)out)[o] = (uint8_t)flag; break;            \
        case TORSH_R_AMAX: case TORSH_R_AMIN: ((T *)out)[o] = best; break;                         \
        default: ((int64_t *)out)[o] = where < 0 ? 0 : where;                                      \
        }                                                                                          \
    }                                                                                              \
    int torsh_reduce_##SUF(int op, int nk, const int64_t *kshape, const int64_t *kstrides,         \
                           int nr, const int64_t *rshape, const int64_t *rstrides,                 \
                           const T *x, void *out, double param) {                                  \
        (void)param;                                                                               \
        if (op < 0 || op > TORSH_R_ANY || op == TORSH_R_MEAN || nk < 1 || nr < 1) return 1;        \
        rspace r = {nr, rshape, rstrides, torsh_count(nr, rshape)};                                \
        int64_t m = torsh_count(nk, kshape);                                                       \
        TORSH_FOR(o, m, m * r.n >= TORSH_PARALLEL_GRAIN,                                          \
                  int_output_##SUF(op, x + kept_offset(o, nk, kshape, kstrides), &r, out, o););    \
        return 0;                                                                                  \
    }

DEFINE_INT_REDUCE(i64, int64_t)
DEFINE_INT_REDUCE(i32, int32_t)
DEFINE_INT_REDUCE(i16, int16_t)
DEFINE_INT_REDUCE(i8, int8_t)
DEFINE_INT_REDUCE(u8, uint8_t)
