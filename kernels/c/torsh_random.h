/* torsh_random.h: draws from the Mersenne Twister that torsh.Generator wraps (Python's
   random.Random, MT19937): the ABI of kernels/c/random.c.

   The generator's state is the caller's: `words` (624 uint32) and `*index` (0..624), read
   and advanced in place exactly as CPython advances them, so a C draw and a Python draw
   from the same state give the same numbers and leave the same state. Every draw is
   defined by a Generator method (torsh/_core/generator.py):
   uniform(d) = getrandbits(d) / 2**d, open_uniform = (getrandbits(52) + 0.5) / 2**52,
   standard_normal = sqrt(-2 log u1) cos(2 pi u2) (u1 open, u2 uniform(53)),
   integer(low, high) = low + randbelow(high - low) (getrandbits(bit_length), rejected
   while >= the range). */

int torsh_random_uniform(uint32_t *words, int64_t *index, int64_t n, int digits,
                         double *out);
/* out[i] = mean + std * standard_normal() */
int torsh_random_normal(uint32_t *words, int64_t *index, int64_t n, double mean, double std,
                        double *out);
/* out[i] = low + randbelow(range), range in [1, 2**64 - 1] */
int torsh_random_integers(uint32_t *words, int64_t *index, int64_t n, int64_t low,
                          uint64_t range, int64_t *out);
/* Fisher-Yates as torsh.randperm: out = 0..n-1, then for i = n-1 .. 1 swap out[i] with
   out[randbelow(i + 1)] */
int torsh_random_permutation(uint32_t *words, int64_t *index, int64_t n, int64_t *out);
/* out[i] = uniform(53) < p[i * p_step] */
int torsh_random_bernoulli(uint32_t *words, int64_t *index, int64_t n, const double *p,
                           int64_t p_step, uint8_t *out);
