/* The walk shared by the reductions (reduce.c) and the integer reductions and scans
   (reduce_int.c): the reduced dims of one call and the offsets of its elements. */
#ifndef TORSH_REDUCE_WALK_H
#define TORSH_REDUCE_WALK_H

#include "internal.h"

/* The reduced dims of one call: shape/strides (merged, at least one dim) and their count. */
typedef struct {
    int nr;
    const int64_t *shape, *strides;
    int64_t n;
} rspace;

TORSH_INLINE int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* Offset of the reduced element with row-major index `lin`. */
TORSH_INLINE int64_t reduced_offset(const rspace *r, int64_t lin) {
    int64_t n = r->shape[r->nr - 1];
    return torsh_row_offset(lin / n, r->nr, r->shape, r->strides) + (lin % n) *
           r->strides[r->nr - 1];
}

/* Offset of kept output o (row-major over the kept dims). */
TORSH_INLINE int64_t kept_offset(int64_t o, int nk, const int64_t *kshape,
                                 const int64_t *kstrides) {
    return torsh_row_offset(o / kshape[nk - 1], nk, kshape, kstrides) +
           (o % kshape[nk - 1]) * kstrides[nk - 1];
}

#endif
