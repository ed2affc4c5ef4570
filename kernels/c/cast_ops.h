/* The ops of torsh_map (kernels/c/cast.c), each the reference's scalar function over a chunk.

   compute() reads in[k].d (floating inputs) or in[k].i (integer and bool inputs), writes
   out->d or out->i and says which: RESULT_DOUBLE, RESULT_INT; or -1 for an op it does not
   know for these working values, -2 for an integer division by zero. */
#ifndef TORSH_CAST_OPS_H
#define TORSH_CAST_OPS_H

#define RESULT_DOUBLE 0
#define RESULT_INT 1

/* One loop per op; x, y, z are the working values of inputs 0, 1, 2 at element j. */
#define D1(EXPR) do { for (int64_t j = 0; j < n; j++) { const double x = in[0].d[j];       \
    out->d[j] = (EXPR); } return RESULT_DOUBLE; } while (0)
#define DB1(EXPR) do { for (int64_t j = 0; j < n; j++) { const double x = in[0].d[j];      \
    out->i[j] = (EXPR); } return RESULT_INT; } while (0)
#define I1(EXPR) do { for (int64_t j = 0; j < n; j++) { const int64_t x = in[0].i[j];      \
    out->i[j] = (int64_t)(EXPR); } return RESULT_INT; } while (0)
#define D2(EXPR) do { for (int64_t j = 0; j < n; j++) { const double x = in[0].d[j],       \
    y = in[1].d[j]; out->d[j] = (EXPR); } return RESULT_DOUBLE; } while (0)
#define DB2(EXPR) do { for (int64_t j = 0; j < n; j++) { const double x = in[0].d[j],      \
    y = in[1].d[j]; out->i[j] = (EXPR); } return RESULT_INT; } while (0)
#define I2(EXPR) do { for (int64_t j = 0; j < n; j++) { const int64_t x = in[0].i[j],      \
    y = in[1].i[j]; out->i[j] = (int64_t)(EXPR); } return RESULT_INT; } while (0)
#define D3(EXPR) do { for (int64_t j = 0; j < n; j++) { const double x = in[0].d[j],       \
    y = in[1].d[j], z = in[2].d[j]; out->d[j] = (EXPR); } return RESULT_DOUBLE; } while (0)
#define I3(EXPR) do { for (int64_t j = 0; j < n; j++) { const int64_t x = in[0].i[j],      \
    y = in[1].i[j], z = in[2].i[j]; out->i[j] = (int64_t)(EXPR); } return RESULT_INT;    \
    } while (0)
/* integer division ops: the divisor is checked first */
#define IDIV(EXPR) do { for (int64_t j = 0; j < n; j++) if (in[1].i[j] == 0) return -2;    \
    I2(EXPR); } while (0)

#define U(v) ((uint64_t)(v))

static double sigmoid_d(double x) {
    if (x != x) return x;
    if (x >= 0) return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

static double round_d(double x, int64_t decimals) {
    if (x != x || isinf(x)) return x;
    if (decimals == 0) return nearbyint(x);
    double scale = pow(10.0, (double)(decimals < 0 ? -decimals : decimals));
    if (decimals > 0) {
        double scaled = x * scale;
        return isinf(scaled) ? scaled / scale : nearbyint(scaled) / scale;
    }
    return nearbyint(x / scale) * scale;
}

static double logit_d(double x, int has_eps, double eps) {
    if (has_eps && x == x) x = x < eps ? eps : (x > 1.0 - eps ? 1.0 - eps : x);
    return log(x / (1.0 - x));
}

static double nan_to_num_d(double x, const double *p) {
    return x != x ? p[0] : (x == INFINITY ? p[1] : (x == -INFINITY ? p[2] : x));
}

/* PyTorch's div_floor, as the reference's floor_divide */
static double floor_divide_d(double a, double b) {
    if (b == 0) return a / b;
    double mod = fmod(a, b), quotient = (a - mod) / b;
    if (mod != 0 && (b < 0) != (mod < 0)) quotient -= 1.0;
    if (quotient == 0) return copysign(0.0, a / b);
    if (quotient != quotient || isinf(quotient)) return quotient;
    double result = floor(quotient);
    return quotient - result > 0.5 ? result + 1.0 : result;
}

static double remainder_d(double a, double b) {
    double r = fmod(a, b);
    return (r != 0 && (b < 0) != (r < 0)) ? r + b : r;
}

static double pow_d(double a, double b) {
    if (b == 0 || a == 1) return 1.0;
    return pow(a, b);
}

static int64_t pow_i(int64_t a, int64_t b) {
    if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) ? -1 : 1) : 0);
    uint64_t result = 1, base = U(a);
    for (uint64_t e = U(b); e; e >>= 1) {
        if (e & 1) result *= base;
        base *= base;
    }
    return (int64_t)result;
}

/* Python's floor division and modulo on int64 (b != 0); INT64_MIN // -1 wraps */
static int64_t floor_div_i(int64_t a, int64_t b) {
    if (b == -1) return (int64_t)(0 - U(a));
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t mod_i(int64_t a, int64_t b) {
    if (b == -1) return 0;
    int64_t r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

static double logaddexp_d(double a, double b, int base2) {
    if (a != a || b != b) return NAN;
    if (a == b && isinf(a)) return a;
    double m = b > a ? b : a;
    if (base2) return fma(1.0 / log(2.0), log1p(exp2(-fabs(a - b))), m);
    return m + log1p(exp(-fabs(a - b)));
}

static int isclose_d(double a, double b, const double *p, int equal_nan) {
    if (a == b) return 1;
    if (a != a || b != b) return equal_nan && a != a && b != b;
    if (isinf(a) || isinf(b)) return 0;
    return fabs(a - b) <= p[1] + p[0] * fabs(b);
}

static double clamp_d(double x, int has_low, double low, int has_high, double high) {
    if (has_low && low != low) return low;
    if (has_high && high != high) return high;
    if (has_low && x < low) x = low;
    if (has_high && x > high) x = high;
    return x;
}

static double softplus_d(double x, double beta, double threshold) {
    return x * beta > threshold ? x : log1p(exp(beta * x)) / beta;
}

static double gelu_d(double x, int tanh_form) {
    if (tanh_form)
        return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
    return 0.5 * x * (1 + erf(x / sqrt(2.0)));
}

static double hardswish_d(double x) {
    double m = x + 3;
    m = 0.0 > m ? 0.0 : m;
    m = 6.0 < m ? 6.0 : m;
    return x * m / 6;
}

/* a float bound of hardtanh/threshold on an integer tensor: the reference's int(v) */
static int64_t bound_i(double v) { return (int64_t)trunc(v); }

/* the next value of the output's dtype after x toward y (kind: 0 f64, 1 f32, 2 f16,
   3 bf16); from ±0 the smallest subnormal, one step of the bit pattern otherwise */
static double nextafter_d(double x, double y, int64_t kind) {
    if (x != x || y != y) return NAN;
    if (x == y) return y;
    if (kind == 0) return nextafter(x, y);
    if (kind == 1) return nextafterf((float)x, (float)y);
    int mbits = kind == 2 ? 10 : 7, ebits = kind == 2 ? 5 : 8;
    if (x == 0) return copysign(small_to_double(1, mbits, ebits), y);
    uint16_t bits = double_to_small(x, mbits, ebits);
    bits = (uint16_t)(bits + (((y > x) == (x > 0)) ? 1 : -1));
    return small_to_double(bits, mbits, ebits);
}

/* d/dx gelu(x) as the reference's backward formula computes it */
static double gelu_grad_d(double x, int tanh_form) {
    if (tanh_form) {
        double k = sqrt(2 / M_PI), t = tanh(k * (x + 0.044715 * x * x * x));
        double inner = k * (1 + 3 * 0.044715 * x * x);
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner;
    }
    double cdf = 0.5 * (1 + erf(x * (1 / sqrt(2.0))));
    double pdf = exp(-0.5 * x * x) * (1 / sqrt(2 * M_PI));
    return cdf + x * pdf;
}

/* ---- special functions, computed as torsh/ops/_scalar.py computes them (same steps, same
   constants, so the results agree to the last bit or nearly) */

/* ln |Gamma(x)|: libm's (lgamma_r, which leaves the global signgam alone: threads call it) */
static double lgamma_d(double x) {
    int sign;
    return lgamma_r(x, &sign);
}

/* psi(x): reflection psi(x) = psi(1 - x) - pi / tan(pi x) below 1/2, the recurrence
   psi(x) = psi(x + 1) - 1/x up to 10, then ln x - 1/(2x) - sum_k B_2k / (2k x^2k). */
static double digamma_d(double x) {
    if (x != x || x == -INFINITY) return NAN;
    if (x == INFINITY) return INFINITY;
    if (x == 0) return copysign(INFINITY, -x);
    if (x < 0 && x == floor(x)) return NAN;
    int reflect = x < 0.5;
    double reflection = reflect ? M_PI / tan(M_PI * x) : 0.0;
    if (reflect) x = 1.0 - x;
    double result = 0.0;
    while (x < 10.0) {
        result -= 1.0 / x;
        x += 1.0;
    }
    double f = 1.0 / (x * x);
    double series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (
        1.0 / 132 - f * (691.0 / 32760 - f / 12))))));
    double psi = result + log(x) - 0.5 / x - series;
    return reflect ? psi - reflection : psi;
}

/* erf^-1(y): Giles' single-precision rational guess in w = -ln((1 - y)(1 + y)), then three
   Newton steps on erf(x) - y = 0. */
static double erfinv_d(double y) {
    if (y != y || y < -1 || y > 1) return NAN;
    if (y == -1.0 || y == 1.0) return copysign(INFINITY, y);
    if (y == 0) return y;
    static const double central[8] = {3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                                      0.00021858087, -0.00125372503, -0.00417768164,
                                      0.246640727, 1.50140941};
    static const double tail[8] = {0.000100950558, 0.00134934322, -0.00367342844,
                                   0.00573950773, -0.0076224613, 0.00943887047, 1.00167406,
                                   2.83297682};
    double w = -log((1.0 - y) * (1.0 + y)), p;
    if (w < 5.0) {
        w -= 2.5;
        p = 2.81022636e-08;
        for (int k = 0; k < 8; k++) p = central[k] + p * w;
    } else {
        w = sqrt(w) - 3.0;
        p = -0.000200214257;
        for (int k = 0; k < 8; k++) p = tail[k] + p * w;
    }
    double x = p * y;
    for (int k = 0; k < 3; k++) {
        double error = erf(x) - y;
        x -= error / (2.0 / sqrt(M_PI) * exp(-x * x));
    }
    return x;
}

static int compute_double(int op, int64_t n, const work_t *in, work_t *out, const double *p,
                          const int64_t *ip) {
    switch (op) {
    case TORSH_M_CAST: case TORSH_M_POSITIVE: D1(x);
    case TORSH_M_NEG: D1(-x);
    case TORSH_M_ABS: D1(fabs(x));
    case TORSH_M_SIGN: D1((double)((x > 0) - (x < 0)));
    case TORSH_M_SIGNBIT: DB1(signbit(x) != 0);
    case TORSH_M_SQUARE: D1(x * x);
    case TORSH_M_EXP: D1(exp(x));
    case TORSH_M_EXP2: D1(exp2(x));
    case TORSH_M_EXPM1: D1(expm1(x));
    case TORSH_M_LOG: D1(log(x));
    case TORSH_M_LOG2: D1(log2(x));
    case TORSH_M_LOG10: D1(log10(x));
    case TORSH_M_LOG1P: D1(log1p(x));
    case TORSH_M_SQRT: D1(sqrt(x));
    case TORSH_M_RSQRT: D1(1.0 / sqrt(x));
    case TORSH_M_RECIPROCAL: D1(1.0 / x);
    case TORSH_M_SIN: D1(sin(x));
    case TORSH_M_COS: D1(cos(x));
    case TORSH_M_TAN: D1(tan(x));
    case TORSH_M_ASIN: D1(asin(x));
    case TORSH_M_ACOS: D1(acos(x));
    case TORSH_M_ATAN: D1(atan(x));
    case TORSH_M_SINH: D1(sinh(x));
    case TORSH_M_COSH: D1(cosh(x));
    case TORSH_M_TANH: D1(tanh(x));
    case TORSH_M_ASINH: D1(asinh(x));
    case TORSH_M_ACOSH: D1(acosh(x));
    case TORSH_M_ATANH: D1(atanh(x));
    case TORSH_M_SIGMOID: D1(sigmoid_d(x));
    case TORSH_M_ERF: D1(erf(x));
    case TORSH_M_ERFC: D1(erfc(x));
    case TORSH_M_LGAMMA: D1(lgamma_d(x));
    case TORSH_M_DIGAMMA: D1(digamma_d(x));
    case TORSH_M_ERFINV: D1(erfinv_d(x));
    case TORSH_M_SINC: D1(x == 0 ? 1.0 : (isinf(x) ? NAN : sin(M_PI * x) / (M_PI * x)));
    case TORSH_M_DEG2RAD: D1(x * (M_PI / 180));
    case TORSH_M_RAD2DEG: D1(x * (180 / M_PI));
    case TORSH_M_FLOOR: D1(floor(x));
    case TORSH_M_CEIL: D1(ceil(x));
    case TORSH_M_TRUNC: D1(trunc(x));
    case TORSH_M_FRAC: D1(isinf(x) ? NAN : x - trunc(x));
    case TORSH_M_ROUND: D1(round_d(x, ip[0]));
    case TORSH_M_RELU: D1(x < 0 ? 0.0 : x);
    case TORSH_M_ISNAN: DB1(x != x);
    case TORSH_M_ISINF: DB1(isinf(x) != 0);
    case TORSH_M_ISPOSINF: DB1(x == INFINITY);
    case TORSH_M_ISNEGINF: DB1(x == -INFINITY);
    case TORSH_M_ISFINITE: DB1(isfinite(x) != 0);
    case TORSH_M_ISREAL: DB1(x == x || 1);
    case TORSH_M_LOGICAL_NOT: DB1(x == 0);
    case TORSH_M_LOGIT: D1(logit_d(x, (int)ip[0], p[0]));
    case TORSH_M_NAN_TO_NUM: D1(nan_to_num_d(x, p));
    case TORSH_M_HARDTANH: D1(x < p[0] ? p[0] : (x > p[1] ? p[1] : x));
    case TORSH_M_LEAKY_RELU: D1(x > 0 ? x : x * p[0]);
    case TORSH_M_ELU: D1(x > 0 ? p[1] * x : p[1] * p[0] * expm1(x));
    case TORSH_M_CELU: D1(x > 0 ? x : p[0] * expm1(x / p[0]));
    case TORSH_M_GELU: D1(gelu_d(x, (int)ip[0]));
    case TORSH_M_SILU: D1(x * sigmoid_d(x));
    case TORSH_M_SOFTPLUS: D1(softplus_d(x, p[0], p[1]));
    case TORSH_M_MISH: D1(x * tanh(softplus_d(x, 1.0, 20.0)));
    case TORSH_M_LOGSIGMOID: D1(x == x ? (0.0 < x ? 0.0 : x) - log1p(exp(-fabs(x))) : x);
    case TORSH_M_HARDSIGMOID: D1(x <= -3 ? 0.0 : (x >= 3 ? 1.0 : x / 6 + 0.5));
    case TORSH_M_HARDSWISH: D1(hardswish_d(x));
    case TORSH_M_SOFTSIGN: D1(x / (1 + fabs(x)));
    case TORSH_M_TANHSHRINK: D1(x - tanh(x));
    case TORSH_M_THRESHOLD: D1(x <= p[0] ? p[1] : x);
    case TORSH_M_HARDSHRINK: D1(-p[0] <= x && x <= p[0] ? 0.0 : x);
    case TORSH_M_SOFTSHRINK: D1(x > p[0] ? x - p[0] : (x < -p[0] ? x + p[0] : x * 0.0));
    case TORSH_M_ADD: D2(fma(p[0], y, x));
    case TORSH_M_MUL: D2(x * y);
    case TORSH_M_DIV: D2(x / y);
    case TORSH_M_FLOOR_DIVIDE: D2(floor_divide_d(x, y));
    case TORSH_M_TRUNC_DIVIDE: D2(trunc(x / y));
    case TORSH_M_REMAINDER: D2(remainder_d(x, y));
    case TORSH_M_FMOD: D2(fmod(x, y));
    case TORSH_M_POW: D2(pow_d(x, y));
    case TORSH_M_EQ: DB2(x == y);
    case TORSH_M_NE: DB2(x != y);
    case TORSH_M_LT: DB2(x < y);
    case TORSH_M_LE: DB2(x <= y);
    case TORSH_M_GT: DB2(x > y);
    case TORSH_M_GE: DB2(x >= y);
    case TORSH_M_MAXIMUM: D2(x != x || y != y ? NAN : (x > y ? x : y));
    case TORSH_M_MINIMUM: D2(x != x || y != y ? NAN : (x < y ? x : y));
    case TORSH_M_FMAX: D2(x != x ? y : (y != y ? x : (y > x ? y : x)));
    case TORSH_M_FMIN: D2(x != x ? y : (y != y ? x : (y < x ? y : x)));
    case TORSH_M_LOGICAL_AND: DB2(x != 0 && y != 0);
    case TORSH_M_LOGICAL_OR: DB2(x != 0 || y != 0);
    case TORSH_M_LOGICAL_XOR: DB2((x != 0) != (y != 0));
    case TORSH_M_ATAN2: D2(atan2(x, y));
    case TORSH_M_HYPOT: D2(hypot(x, y));
    case TORSH_M_LOGADDEXP: D2(logaddexp_d(x, y, 0));
    case TORSH_M_LOGADDEXP2: D2(logaddexp_d(x, y, 1));
    case TORSH_M_XLOGY: D2(y != y ? NAN : (x == 0 ? 0.0 : x * log(y)));
    case TORSH_M_COPYSIGN: D2(copysign(x, y));
    case TORSH_M_HEAVISIDE: D2(x == 0 ? y : (double)(x > 0));
    case TORSH_M_ISCLOSE: DB2(isclose_d(x, y, p, (int)ip[0]));
    case TORSH_M_NEXTAFTER: D2(nextafter_d(x, y, ip[0]));
    case TORSH_M_RELU_BACKWARD: D2(x * (y > 0 ? 1.0 : 0.0));
    case TORSH_M_SIGMOID_BACKWARD: D2(x * y * (1 - y));
    case TORSH_M_TANH_BACKWARD: D2(x * (1 - y * y));
    case TORSH_M_SILU_BACKWARD: D2(x * sigmoid_d(y) * (1 + y * (1 - sigmoid_d(y))));
    case TORSH_M_GELU_BACKWARD: D2(x * gelu_grad_d(y, (int)ip[0]));
    case TORSH_M_LEAKY_RELU_BACKWARD: D2(y > 0 ? x : x * p[0]);
    case TORSH_M_PRELU: D2(x > 0 ? x : y * x);
    case TORSH_M_CLAMP_MIN: D2(clamp_d(x, 1, y, 0, 0));
    case TORSH_M_CLAMP_MAX: D2(clamp_d(x, 0, 0, 1, y));
    case TORSH_M_LERP: D3(fabs(z) < 0.5 ? x + z * (y - x) : y - (y - x) * (1 - z));
    case TORSH_M_ADDCMUL: D3(fma(p[0] * y, z, x));
    case TORSH_M_ADDCDIV: D3(x + p[0] * (y / z));
    case TORSH_M_CLAMP: D3(clamp_d(x, 1, y, 1, z));
    }
    return -1;
}

static int compute_int(int op, int64_t n, const work_t *in, work_t *out, const double *p,
                       const int64_t *ip) {
    switch (op) {
    case TORSH_M_CAST: case TORSH_M_POSITIVE: case TORSH_M_FLOOR: case TORSH_M_CEIL:
    case TORSH_M_TRUNC: case TORSH_M_NAN_TO_NUM: I1(x);
    case TORSH_M_ROUND: if (ip[0] < 0) return -1; I1(x);
    case TORSH_M_NEG: I1(0 - U(x));
    case TORSH_M_ABS: I1(x < 0 ? 0 - U(x) : U(x));
    case TORSH_M_SIGN: I1((x > 0) - (x < 0));
    case TORSH_M_SIGNBIT: I1(x < 0);
    case TORSH_M_SQUARE: I1(U(x) * U(x));
    case TORSH_M_RELU: I1(x < 0 ? 0 : x);
    case TORSH_M_ISNAN: case TORSH_M_ISINF: case TORSH_M_ISPOSINF:
    case TORSH_M_ISNEGINF: I1(x && 0);
    case TORSH_M_ISFINITE: case TORSH_M_ISREAL: I1(x || 1);
    case TORSH_M_LOGICAL_NOT: I1(x == 0);
    case TORSH_M_BITWISE_NOT: I1(~U(x));
    case TORSH_M_ADD: I2(U(x) + U(ip[0]) * U(y));
    case TORSH_M_MUL: I2(U(x) * U(y));
    case TORSH_M_FLOOR_DIVIDE: IDIV(floor_div_i(x, y));
    case TORSH_M_TRUNC_DIVIDE: IDIV(y == -1 ? 0 - U(x) : U(x / y));
    case TORSH_M_REMAINDER: IDIV(mod_i(x, y));
    case TORSH_M_FMOD: IDIV(y == -1 ? 0 : x % y);
    case TORSH_M_POW: I2(pow_i(x, y));
    case TORSH_M_EQ: I2(x == y);
    case TORSH_M_NE: I2(x != y);
    case TORSH_M_LT: I2(x < y);
    case TORSH_M_LE: I2(x <= y);
    case TORSH_M_GT: I2(x > y);
    case TORSH_M_GE: I2(x >= y);
    case TORSH_M_MAXIMUM: case TORSH_M_FMAX: I2(x > y ? x : y);
    case TORSH_M_MINIMUM: case TORSH_M_FMIN: I2(x < y ? x : y);
    case TORSH_M_LOGICAL_AND: I2(x != 0 && y != 0);
    case TORSH_M_LOGICAL_OR: I2(x != 0 || y != 0);
    case TORSH_M_LOGICAL_XOR: I2((x != 0) != (y != 0));
    case TORSH_M_BITWISE_AND: I2(x & y);
    case TORSH_M_BITWISE_OR: I2(x | y);
    case TORSH_M_BITWISE_XOR: I2(x ^ y);
    case TORSH_M_SHIFT_LEFT: I2(y >= 0 && y < 64 ? U(x) << y : 0);
    case TORSH_M_SHIFT_RIGHT: I2(y >= 0 && y < 64 ? x >> y : (x < 0 ? -1 : 0));
    case TORSH_M_HEAVISIDE: I2(x == 0 ? y : (x > 0));
    case TORSH_M_CLAMP_MIN: I2(x < y ? y : x);
    case TORSH_M_HARDTANH: I1((double)x < p[0] ? bound_i(p[0]) :
                              ((double)x > p[1] ? bound_i(p[1]) : x));
    case TORSH_M_THRESHOLD: I1((double)x <= p[0] ? bound_i(p[1]) : x);
    case TORSH_M_ISCLOSE: I2(x == y || fabs((double)x - (double)y) <= p[1] + p[0] *
                             fabs((double)y));
    case TORSH_M_CLAMP_MAX: I2(x > y ? y : x);
    case TORSH_M_ADDCMUL: I3(U(x) + U(ip[0]) * U(y) * U(z));
    case TORSH_M_CLAMP: I3(x < y ? (y > z ? z : y) : (x > z ? z : x));
    }
    return -1;
}

/* where(condition, a, b): the condition is an integer (bool/uint8) input */
static int compute(int op, int nin, int floating, int64_t n, const work_t *in, work_t *out,
                   const double *p, const int64_t *ip) {
    if (op == TORSH_M_WHERE) {
        if (nin != 3) return -1;
        if (floating) {
            for (int64_t j = 0; j < n; j++) out->d[j] = in[0].i[j] ? in[1].d[j] : in[2].d[j];
            return RESULT_DOUBLE;
        }
        for (int64_t j = 0; j < n; j++) out->i[j] = in[0].i[j] ? in[1].i[j] : in[2].i[j];
        return RESULT_INT;
    }
    int arity = op < TORSH_M_ADD ? 1 : (op < TORSH_M_WHERE || op > TORSH_M_CLAMP ? 2 : 3);
    if (arity != nin) return -1;
    return floating ? compute_double(op, n, in, out, p, ip) : compute_int(op, n, in, out, p, ip);
}

#endif
