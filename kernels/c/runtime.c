/* The library's identity and its thread count. */
#include "internal.h"

int torsh_abi_version(void) { return TORSH_ABI_VERSION; }

const char *torsh_build_variant(void) {
#if defined(__AVX2__) && defined(__FMA__)
    return "avx2";
#else
    return "portable";
#endif
}

int torsh_get_num_threads(void) {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

void torsh_set_num_threads(int n) {
#ifdef _OPENMP
    if (n > 0) omp_set_num_threads(n);
#else
    (void)n;
#endif
}
