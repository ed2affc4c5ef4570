/* torsh_reduce.h: reductions over a set of dims, and scans along one dim (kernels/c/reduce.c).

   A reduction sees its input as two groups of dims, both given by the caller (dims merged,
   never empty: a group with nothing in it is passed as shape [1], stride [0]):
   - kept dims `kshape`/`kstrides`: one output per index, written contiguously in row-major
     order of the kept dims;
   - reduced dims `rshape`/`rstrides`: the elements of one output's group, visited in
     row-major order (the order of PyTorch's "first index" for argmax/argmin).
   `param` is the op's number: the correction of var/std, p of norm; unused otherwise.
   Output element types: sum/prod of integers -> int64; argmax/argmin -> int64; all/any ->
   uint8 (0 or 1); everything else -> the input's type. */

enum torsh_reduce_op {
    TORSH_R_SUM = 0, TORSH_R_MEAN = 1, TORSH_R_PROD = 2, TORSH_R_AMAX = 3, TORSH_R_AMIN = 4,
    TORSH_R_ARGMAX = 5, TORSH_R_ARGMIN = 6, TORSH_R_ALL = 7, TORSH_R_ANY = 8,
    TORSH_R_VAR = 9, TORSH_R_STD = 10, TORSH_R_NORM = 11, TORSH_R_LOGSUMEXP = 12
};

int torsh_reduce_f32(int op, int nk, const int64_t *kshape, const int64_t *kstrides,
                     int nr, const int64_t *rshape, const int64_t *rstrides,
                     const float *x, void *out, double param);
int torsh_reduce_f64(int op, int nk, const int64_t *kshape, const int64_t *kstrides,
                     int nr, const int64_t *rshape, const int64_t *rstrides,
                     const double *x, void *out, double param);
/* Integer and bool inputs: sum, prod, amax, amin, argmax, argmin, all, any. */
int torsh_reduce_i64(int op, int nk, const int64_t *kshape, const int64_t *kstrides,
                     int nr, const int64_t *rshape, const int64_t *rstrides,
                     const int64_t *x, void *out, double param);
int torsh_reduce_i32(int op, int nk, const int64_t *kshape, const int64_t *kstrides,
                     int nr, const int64_t *rshape, const int64_t *rstrides,
                     const int32_t *x, void *out, double param);
int torsh_reduce_i16(int op, int nk, const int64_t *kshape, const int64_t *kstrides,
                     int nr, const int64_t *rshape, const int64_t *rstrides,
                     const int16_t *x, void *out, double param);
int torsh_reduce_i8(int op, int nk, const int64_t *kshape, const int64_t *kstrides,
                    int nr, const int64_t *rshape, const int64_t *rstrides,
                    const int8_t *x, void *out, double param);
int torsh_reduce_u8(int op, int nk, const int64_t *kshape, const int64_t *kstrides,
                    int nr, const int64_t *rshape, const int64_t *rstrides,
                    const uint8_t *x, void *out, double param);
