/* torsh.h: the whole C ABI of torsh's CPU kernels (bound with cffi by torsh/backends/c).

   Conventions, the same for every kernel:
   - Element types: f32 = float, f64 = double, i64 = int64_t ... named in the function.
   - A strided operand is a pointer to its first element plus `strides` in elements (not
     bytes), one per dim of the kernel's `shape`; a broadcast dim has stride 0.
   - Outputs are contiguous (row-major) unless a kernel says otherwise.
   - The caller (Python) has checked every pointer, shape and stride: every element a kernel
     is asked to touch lies inside its buffer. Kernels never allocate and never fail on
     sizes; they return 0, or a nonzero code for an op code they do not know.
   - `ndim` is at most TORSH_MAX_DIMS (the Python side merges dims before calling).

   This file is read by cffi's cdef, so it holds declarations only: no #include, no macros
   beyond integer constants. */

#define TORSH_MAX_DIMS 16

/* ---- the library itself ---- */
int torsh_abi_version(void);
const char *torsh_build_variant(void);      /* "avx2" or "portable" */
int torsh_get_num_threads(void);
void torsh_set_num_threads(int n);

/* ---- elementwise: out[i] = f(x[i]) and out[i] = f(a[i], b[i]) over an n-d shape ---- */
enum torsh_unary_op {
    TORSH_NEG = 0, TORSH_ABS = 1, TORSH_EXP = 2, TORSH_LOG = 3, TORSH_SQRT = 4,
    TORSH_TANH = 5, TORSH_SIGMOID = 6, TORSH_RELU = 7, TORSH_SIN = 8, TORSH_COS = 9,
    TORSH_RECIPROCAL = 10, TORSH_SQUARE = 11, TORSH_RSQRT = 12, TORSH_EXPM1 = 13,
    TORSH_LOG1P = 14
};
enum torsh_binary_op {
    TORSH_ADD = 0, TORSH_SUB = 1, TORSH_MUL = 2, TORSH_DIV = 3, TORSH_MAXIMUM = 4,
    TORSH_MINIMUM = 5,
    TORSH_RELU_BACKWARD = 6     /* a * (b > 0): relu's gradient a at its output b */
};

int torsh_unary_f32(int op, int ndim, const int64_t *shape, float *out,
                    const float *x, const int64_t *x_strides);
int torsh_unary_f64(int op, int ndim, const int64_t *shape, double *out,
                    const double *x, const int64_t *x_strides);
int torsh_binary_f32(int op, int ndim, const int64_t *shape, float *out,
                     const float *a, const int64_t *a_strides,
                     const float *b, const int64_t *b_strides);
int torsh_binary_f64(int op, int ndim, const int64_t *shape, double *out,
                     const double *a, const int64_t *a_strides,
                     const double *b, const int64_t *b_strides);
