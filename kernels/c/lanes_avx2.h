/* AVX2 helpers for contiguous float32 lanes, shared by the softmax and loss kernels (not part
   of the ABI): e^x for x <= 0, horizontal sum and max of 8 lanes, and the max of a lane. */
#ifndef TORSH_LANES_AVX2_H
#define TORSH_LANES_AVX2_H
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#include <math.h>

#include "internal.h"

/* 2^f for f in [-0.5, 0.5]: a degree-5 polynomial, the core of exp_ps and of softmax.c's
   exp_le0. */
TORSH_INLINE __m256 exp2_fraction_ps(__m256 f) {
    __m256 p = _mm256_set1_ps(1.32764654699713e-3f);
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(9.675541892647743e-3f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(5.550713464617729e-2f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(2.4022120237350464e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(6.931469440460205e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.0000001192092896f));
    return p;
}

/* e^x for x <= 0 (no NaN) as 2^t, t = x log2(e) = k + f, k = round(t), |f| <= 1/2: 2^f by a
   degree-5 polynomial fitted for least relative error on [-1/2, 1/2] (< 2.4e-7 relative,
   evaluated in float), 2^k added into the exponent bits. 0 where t < -125 (where float32
   leaves the normal range; the garbage computed there, -inf included, is masked away).
   6 multiply-adds per 8 elements. */
TORSH_INLINE __m256 exp_ps(__m256 x) {
    __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f));
    __m256 under = _mm256_cmp_ps(t, _mm256_set1_ps(-125.0f), _CMP_LT_OQ);
    __m256 k = _mm256_round_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 f = _mm256_sub_ps(t, k);
    __m256 p = exp2_fraction_ps(f);
    __m256i bits = _mm256_add_epi32(_mm256_castps_si256(p),
                                    _mm256_slli_epi32(_mm256_cvtps_epi32(k), 23));
    return _mm256_andnot_ps(under, _mm256_castsi256_ps(bits));
}

TORSH_INLINE float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

TORSH_INLINE float hmax_ps(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_max_ss(s, _mm_movehdup_ps(s)));
}

/* The max of a contiguous lane, NaN when it holds a NaN. */
static inline float lane_max_f32(const float *x, int64_t n) {
    __m256 m = _mm256_set1_ps(-INFINITY), nan = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_loadu_ps(x + j);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        m = _mm256_max_ps(m, v);
    }
    float best = hmax_ps(m);
    int has_nan = _mm256_movemask_ps(nan) != 0;
    for (; j < n; j++) {
        has_nan |= x[j] != x[j];
        best = x[j] > best ? x[j] : best;
    }
    return has_nan ? NAN : best;
}

#endif
#endif
