/* torsh_sort.h: sorting and selection along the last dim of `shape` (kernels/c/sort.c): sort,
   topk, kthvalue, median along a dim, and mode. The caller moves the dim last; every operand
   is strided (so outputs keep their input's dim order).

   The order is the reference's (torsh/ops/sorting.py): ascending, NaN larger than every
   number, -0.0 equal to 0.0, and tied elements in their input order (a stable sort);
   descending is the same order reversed with ties still in input order. Each lane of
   n = shape[ndim - 1] elements is sorted, then:
   - TORSH_SORT_SELECT: positions start .. start + count - 1 of the sorted order are written
     to values and indices (sort: 0 .. n - 1; topk: 0 .. k - 1; kthvalue: k - 1);
   - TORSH_SORT_MEDIAN: the lower median, sorted position (valid - 1) / 2 where valid counts
     the non-NaN elements; a lane holding NaN gives its first NaN (sorted position valid);
   - TORSH_SORT_NANMEDIAN: the same with NaNs left out (a lane of NaNs: its first NaN);
   - TORSH_SORT_MODE: the most frequent value (the smallest of equally frequent ones; every NaN
     is a value of its own) at the last input position holding it.
   Outputs have shape[:-1] + (count,) (count is 1 but for SELECT); values are the input's
   elements (so -0.0 stays -0.0), indices their positions along the lane.

   The lanes are cut into `chunks` runs, done in parallel when chunks > 1; each run takes
   its lanes `group` at a time (1 to TORSH_SORT_GROUP_MAX), reading their elements together
   row by row (for lanes with a stride, neighbouring lanes share cache lines). `scratch`
   holds chunks * group * 3 * n words (4 * n for f64 and i64: two copies of the keys, 32 or
   64 bits, two of the 32-bit positions, one of the elements). n must be below 2^32.
   Returns 1 for an unknown `what`, a group out of range or ndim < 1, else 0. Suffixes:
   f32, f64, i64, i32, i16, i8, u8 (also bool). */
#define TORSH_SORT_GROUP_MAX 16

enum torsh_sort_what {
    TORSH_SORT_SELECT = 0, TORSH_SORT_MEDIAN = 1, TORSH_SORT_NANMEDIAN = 2, TORSH_SORT_MODE = 3
};

int torsh_sort_f32(int what, int descending, int64_t start, int64_t count, int ndim,
                   const int64_t *shape, float *values, const int64_t *values_strides,
                   int64_t *indices, const int64_t *indices_strides, const float *x,
                   const int64_t *x_strides, int64_t chunks, int64_t group,
                  uint64_t *scratch);
int torsh_sort_f64(int what, int descending, int64_t start, int64_t count, int ndim,
                   const int64_t *shape, double *values, const int64_t *values_strides,
                   int64_t *indices, const int64_t *indices_strides, const double *x,
                   const int64_t *x_strides, int64_t chunks, int64_t group,
                  uint64_t *scratch);
int torsh_sort_i64(int what, int descending, int64_t start, int64_t count, int ndim,
                   const int64_t *shape, int64_t *values, const int64_t *values_strides,
                   int64_t *indices, const int64_t *indices_strides, const int64_t *x,
                   const int64_t *x_strides, int64_t chunks, int64_t group,
                  uint64_t *scratch);
int torsh_sort_i32(int what, int descending, int64_t start, int64_t count, int ndim,
                   const int64_t *shape, int32_t *values, const int64_t *values_strides,
                   int64_t *indices, const int64_t *indices_strides, const int32_t *x,
                   const int64_t *x_strides, int64_t chunks, int64_t group,
                  uint64_t *scratch);
int torsh_sort_i16(int what, int descending, int64_t start, int64_t count, int ndim,
                   const int64_t *shape, int16_t *values, const int64_t *values_strides,
                   int64_t *indices, const int64_t *indices_strides, const int16_t *x,
                   const int64_t *x_strides, int64_t chunks, int64_t group,
                  uint64_t *scratch);
int torsh_sort_i8(int what, int descending, int64_t start, int64_t count, int ndim,
                  const int64_t *shape, int8_t *values, const int64_t *values_strides,
                  int64_t *indices, const int64_t *indices_strides, const int8_t *x,
                  const int64_t *x_strides, int64_t chunks, int64_t group,
                  uint64_t *scratch);
int torsh_sort_u8(int what, int descending, int64_t start, int64_t count, int ndim,
                  const int64_t *shape, uint8_t *values, const int64_t *values_strides,
                  int64_t *indices, const int64_t *indices_strides, const uint8_t *x,
                  const int64_t *x_strides, int64_t chunks, int64_t group,
                  uint64_t *scratch);
