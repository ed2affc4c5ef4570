/* torsh_cast.h: elementwise maps over operands of any dtype (casts included): the ABI of
   kernels/c/cast.c.

   `torsh_map` loads each input, whatever its dtype, into a working value: a double for the
   floating dtypes, an int64 for the integer ones and bool (a cast, exact except int64 to
   double), computes op there, then stores the result cast to the output dtype: floats round
   once to nearest-even (float16/bfloat16 straight from the double), integers wrap to their
   width, bool is `!= 0`; a float stored to an integer type (TORSH_M_CAST only) truncates
   toward zero and wraps, NaN and ±inf giving INT_MIN for 32/64-bit types and 0 below.
   Operands: `ins[k]` points at input k's first element, `strides[k * ndim + d]` are its
   element strides; the output is contiguous. `dparams`/`iparams` are the op's parameters
   (4 of each; see each op). Returns 0, 1 for an op or dtype combination it does not
   know, 2 for an integer division by zero (the output is then partly written). */

enum torsh_dtype_code {
    TORSH_DT_BOOL = 0, TORSH_DT_U8 = 1, TORSH_DT_I8 = 2, TORSH_DT_I16 = 3, TORSH_DT_I32 = 4,
    TORSH_DT_I64 = 5, TORSH_DT_F16 = 6, TORSH_DT_BF16 = 7, TORSH_DT_F32 = 8, TORSH_DT_F64 = 9
};

/* Ops of torsh_map. Each works on double values (floating inputs) and, where the reference
   has an integer form, on int64 ones; the activations and float functions only on doubles. */
enum torsh_map_op {
    /* unary */
    TORSH_M_CAST = 0, TORSH_M_NEG = 1, TORSH_M_ABS = 2, TORSH_M_SIGN = 3, TORSH_M_SIGNBIT = 4,
    TORSH_M_SQUARE = 5, TORSH_M_EXP = 6, TORSH_M_EXP2 = 7, TORSH_M_EXPM1 = 8, TORSH_M_LOG = 9,
    TORSH_M_LOG2 = 10, TORSH_M_LOG10 = 11, TORSH_M_LOG1P = 12, TORSH_M_SQRT = 13,
    TORSH_M_RSQRT = 14, TORSH_M_RECIPROCAL = 15, TORSH_M_SIN = 16, TORSH_M_COS = 17,
    TORSH_M_TAN = 18, TORSH_M_ASIN = 19, TORSH_M_ACOS = 20, TORSH_M_ATAN = 21,
    TORSH_M_SINH = 22, TORSH_M_COSH = 23, TORSH_M_TANH = 24, TORSH_M_ASINH = 25,
    TORSH_M_ACOSH = 26, TORSH_M_ATANH = 27, TORSH_M_SIGMOID = 28, TORSH_M_ERF = 29,
    TORSH_M_ERFC = 30, TORSH_M_SINC = 31, TORSH_M_DEG2RAD = 32, TORSH_M_RAD2DEG = 33,
    TORSH_M_FLOOR = 34, TORSH_M_CEIL = 35, TORSH_M_TRUNC = 36, TORSH_M_FRAC = 37,
    TORSH_M_ROUND = 38,          /* iparams[0] = decimals (i: only decimals >= 0) */
    TORSH_M_RELU = 39, TORSH_M_ISNAN = 40, TORSH_M_ISINF = 41, TORSH_M_ISPOSINF = 42,
    TORSH_M_ISNEGINF = 43, TORSH_M_ISFINITE = 44, TORSH_M_ISREAL = 45,
    TORSH_M_LOGICAL_NOT = 46, TORSH_M_BITWISE_NOT = 47,
    TORSH_M_LOGIT = 48,          /* iparams[0] = has eps, dparams[0] = eps */
    TORSH_M_NAN_TO_NUM = 49,     /* dparams = nan, posinf, neginf */
    /* activations (d) */
    TORSH_M_HARDTANH = 50,       /* dparams = min_val, max_val */
    TORSH_M_LEAKY_RELU = 51,     /* dparams[0] = negative_slope */
    TORSH_M_ELU = 52,            /* dparams = alpha, scale */
    TORSH_M_CELU = 53,           /* dparams[0] = alpha */
    TORSH_M_GELU = 54,           /* iparams[0] = 1 for approximate='tanh' */
    TORSH_M_SILU = 55, TORSH_M_SOFTPLUS = 56,   /* softplus: dparams = beta, threshold */
    TORSH_M_MISH = 57, TORSH_M_LOGSIGMOID = 58, TORSH_M_HARDSIGMOID = 59,
    TORSH_M_HARDSWISH = 60, TORSH_M_SOFTSIGN = 61, TORSH_M_TANHSHRINK = 62,
    TORSH_M_THRESHOLD = 63,      /* dparams = threshold, value */
    TORSH_M_HARDSHRINK = 64, TORSH_M_SOFTSHRINK = 65,   /* dparams[0] = lambd */
    TORSH_M_POSITIVE = 66,
    /* special functions (d) */
    TORSH_M_LGAMMA = 67,         /* ln |Gamma(x)|; +inf at the poles 0, -1, -2, ... and ±inf */
    TORSH_M_DIGAMMA = 68,        /* psi(x); psi(±0) = ∓inf, NaN at negative integers and -inf */
    TORSH_M_ERFINV = 69,         /* erf^-1(x); ±inf at ±1, NaN outside [-1, 1] */
    /* binary */
    TORSH_M_ADD = 74,            /* a + alpha * b, one rounding: dparams[0] / iparams[0] */
    TORSH_M_MUL = 75, TORSH_M_DIV = 76, TORSH_M_FLOOR_DIVIDE = 77, TORSH_M_TRUNC_DIVIDE = 78,
    TORSH_M_REMAINDER = 79, TORSH_M_FMOD = 80, TORSH_M_POW = 81, TORSH_M_EQ = 82,
    TORSH_M_NE = 83, TORSH_M_LT = 84, TORSH_M_LE = 85, TORSH_M_GT = 86, TORSH_M_GE = 87,
    TORSH_M_MAXIMUM = 88, TORSH_M_MINIMUM = 89, TORSH_M_FMAX = 90, TORSH_M_FMIN = 91,
    TORSH_M_LOGICAL_AND = 92, TORSH_M_LOGICAL_OR = 93, TORSH_M_LOGICAL_XOR = 94,
    TORSH_M_BITWISE_AND = 95, TORSH_M_BITWISE_OR = 96, TORSH_M_BITWISE_XOR = 97,
    TORSH_M_SHIFT_LEFT = 98, TORSH_M_SHIFT_RIGHT = 99, TORSH_M_ATAN2 = 100, TORSH_M_HYPOT = 101,
    TORSH_M_LOGADDEXP = 102, TORSH_M_LOGADDEXP2 = 103, TORSH_M_XLOGY = 104,
    TORSH_M_COPYSIGN = 105, TORSH_M_HEAVISIDE = 106,
    TORSH_M_ISCLOSE = 107,        /* dparams = rtol, atol; iparams[0] = equal_nan */
    TORSH_M_CLAMP_MIN = 108, TORSH_M_CLAMP_MAX = 109,
    TORSH_M_NEXTAFTER = 110,     /* iparams[0]: output kind, 0 f64, 1 f32, 2 f16, 3 bf16 */
    /* ternary */
    TORSH_M_WHERE = 111,         /* condition (bool or uint8), input, other */
    TORSH_M_LERP = 112, TORSH_M_ADDCMUL = 113, TORSH_M_ADDCDIV = 114,  /* value: params[0] */
    TORSH_M_CLAMP = 115,
    /* fused backward formulas (binary): the gradient g and the saved input x or output y */
    TORSH_M_RELU_BACKWARD = 116,     /* g * (y > 0) */
    TORSH_M_SIGMOID_BACKWARD = 117,  /* g * y * (1 - y) */
    TORSH_M_TANH_BACKWARD = 118,     /* g * (1 - y^2) */
    TORSH_M_SILU_BACKWARD = 119,     /* g * s * (1 + x (1 - s)), s = sigmoid(x) */
    TORSH_M_GELU_BACKWARD = 120,     /* g * gelu'(x); iparams[0] = 1 for the tanh form */
    TORSH_M_LEAKY_RELU_BACKWARD = 121,  /* x > 0 ? g : g * dparams[0] */
    TORSH_M_PRELU = 122              /* x > 0 ? x : w * x, the slope w broadcast by strides */
};

int torsh_map(int op, int ndim, const int64_t *shape, int out_dtype, void *out, int nin,
              const int *in_dtypes, void *const *ins, const int64_t *strides,
              const double *dparams, const int64_t *iparams);
