/* Random draws with CPython's MT19937 (random.Random), bit for bit.

   The state is 624 words and an index; when the index reaches 624 all words are
   regenerated at once (the "twist"), and each draw tempers the next word. getrandbits(k)
   takes one word's top k bits for k <= 32; for 32 < k <= 64 the first word gives the low 32
   bits and the second word's top k - 32 bits the high ones, as CPython fills a long from
   its least significant word. The floating-point transforms are the Generator's, written
   as the same double operations in the same order (no contraction into FMA: -std=c11), with
   libm's log, cos and sqrt, which Python's math module calls too. Draws are serial: each
   depends on the state the previous one left. */
#include "internal.h"
#include "torsh_random.h"

#define MT_N 624
#define MT_M 397
#define MT_UPPER 0x80000000U
#define MT_LOWER 0x7fffffffU
#define MT_MATRIX 0x9908b0dfU

typedef struct { uint32_t *words; int64_t index; } mt_state;

static void mt_twist(uint32_t *mt) {
    const uint32_t mag[2] = {0U, MT_MATRIX};
    int k;
    uint32_t y;
    for (k = 0; k < MT_N - MT_M; k++) {
        y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
        mt[k] = mt[k + MT_M] ^ (y >> 1) ^ mag[y & 1U];
    }
    for (; k < MT_N - 1; k++) {
        y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
        mt[k] = mt[k + (MT_M - MT_N)] ^ (y >> 1) ^ mag[y & 1U];
    }
    y = (mt[MT_N - 1] & MT_UPPER) | (mt[0] & MT_LOWER);
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag[y & 1U];
}

static inline uint32_t mt_next(mt_state *s) {
    if (s->index >= MT_N) { mt_twist(s->words); s->index = 0; }
    uint32_t y = s->words[s->index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
}

/* CPython's getrandbits(k) for 1 <= k <= 64 */
static inline uint64_t mt_bits(mt_state *s, int k) {
    if (k <= 32) return mt_next(s) >> (32 - k);
    uint64_t low = mt_next(s);
    uint64_t high = mt_next(s) >> (64 - k);
    return low | (high << 32);
}

/* randbelow(range): k = bit_length(range) bits, drawn again while >= range */
static inline uint64_t mt_below(mt_state *s, uint64_t range) {
    int k = 64 - __builtin_clzll(range);
    uint64_t r = mt_bits(s, k);
    while (r >= range) r = mt_bits(s, k);
    return r;
}

static inline double mt_uniform(mt_state *s, int digits) {
    return (double)mt_bits(s, digits) / (double)(UINT64_C(1) << digits);
}

static inline double mt_normal(mt_state *s) {
    double u1 = ((double)mt_bits(s, 52) + 0.5) / 4503599627370496.0;    /* 2**52 */
    double u2 = mt_uniform(s, 53);
    double radius = sqrt(-2.0 * log(u1));
    double angle = 2.0 * 3.141592653589793 * u2;                         /* math.pi */
    return radius * cos(angle);
}

static int valid(const int64_t *index) { return *index >= 0 && *index <= MT_N; }

int torsh_random_uniform(uint32_t *words, int64_t *index, int64_t n, int digits,
                         double *out) {
    if (!valid(index) || digits < 1 || digits > 53) return 1;
    mt_state s = {words, *index};
    for (int64_t i = 0; i < n; i++) out[i] = mt_uniform(&s, digits);
    *index = s.index;
    return 0;
}

int torsh_random_normal(uint32_t *words, int64_t *index, int64_t n, double mean, double std,
                        double *out) {
    if (!valid(index)) return 1;
    mt_state s = {words, *index};
    for (int64_t i = 0; i < n; i++) {
        double product = std * mt_normal(&s);
        out[i] = mean + product;
    }
    *index = s.index;
    return 0;
}

int torsh_random_integers(uint32_t *words, int64_t *index, int64_t n, int64_t low,
                          uint64_t range, int64_t *out) {
    if (!valid(index) || range == 0) return 1;
    mt_state s = {words, *index};
    for (int64_t i = 0; i < n; i++) out[i] = (int64_t)((uint64_t)low + mt_below(&s, range));
    *index = s.index;
    return 0;
}

int torsh_random_permutation(uint32_t *words, int64_t *index, int64_t n, int64_t *out) {
    if (!valid(index)) return 1;
    mt_state s = {words, *index};
    for (int64_t i = 0; i < n; i++) out[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)mt_below(&s, (uint64_t)i + 1);
        int64_t t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    *index = s.index;
    return 0;
}

int torsh_random_bernoulli(uint32_t *words, int64_t *index, int64_t n, const double *p,
                           int64_t p_step, uint8_t *out) {
    if (!valid(index)) return 1;
    mt_state s = {words, *index};
    for (int64_t i = 0; i < n; i++) out[i] = mt_uniform(&s, 53) < p[i * p_step];
    *index = s.index;
    return 0;
}
