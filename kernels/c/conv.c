/* Convolution kernels: im2col / col2im and the matrix products of a convolution.

   A convolution (over 3 spatial dims; 1-D and 2-D ones have unit leading dims) is, per
   image n and group q, one matrix product of the weight W_q (out channels x in channels *
   kernel) with im2col of the input (in channels * kernel x
   output positions); its transposed convolution and the input gradient are col2im of
   W_q^T @ the narrow tensor; the weight gradient sums narrow @ im2col(wide)^T over images.
   Images run in parallel (each thread has its own slice of the caller's workspace), the
   product itself on one thread (conv_typed.inc holds the loops, written once per type); a
   small weight gradient (few channels) is plain dot products, cheaper than packing.
   For float types conv_fast.inc avoids the im2col matrix: the weight is packed once per call,
   each image's columns are packed straight from a zero-bordered copy of it; the input
   gradient with unit strides is a forward convolution with the flipped weight, the weight
   gradient the same tiles with the positions as the products' depth. Measured (one thread,
   CPU time, batch 32, 64->64 channels 16x16 3x3): forward 8.2 -> 6.2 ms, forward and both
   gradients 25.1 -> 19.0 ms; the tiles are then ~80% of the time, packing and padding ~9%. */
#include "internal.h"
#include "torsh_conv.h"
#include "torsh_gemm.h"

#include <stdlib.h>

/* 1: the products through gemm.c (torsh_gemm_*); 0: the packed loops of conv_typed.inc,
   kept as the default: measured (one thread, CPU time, batch 32, 64->64 channels 16x16 3x3)
   6.7-6.9 ms against 7.3-8.5 ms per product through gemm.c, the same on 3->32 channels */
#ifndef TORSH_CONV_SHARED_GEMM
#define TORSH_CONV_SHARED_GEMM 0
#endif

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

#define G_N TORSH_CONV_N
#define G_WC TORSH_CONV_WC
#define G_ID TORSH_CONV_ID
#define G_IH TORSH_CONV_IH
#define G_IW TORSH_CONV_IW
#define G_NC TORSH_CONV_NC
#define G_BD TORSH_CONV_BD
#define G_BH TORSH_CONV_BH
#define G_BW TORSH_CONV_BW
#define G_KD TORSH_CONV_KD
#define G_KH TORSH_CONV_KH
#define G_KW TORSH_CONV_KW
#define G_SD TORSH_CONV_SD
#define G_SH TORSH_CONV_SH
#define G_SW TORSH_CONV_SW
#define G_PD TORSH_CONV_PD
#define G_PH TORSH_CONV_PH
#define G_PW TORSH_CONV_PW
#define G_DD TORSH_CONV_DD
#define G_DH TORSH_CONV_DH
#define G_DW TORSH_CONV_DW
#define G_GROUPS TORSH_CONV_GROUPS

/* Images are handed out one at a time across threads: their cost may differ when the
   machine is shared. */
#define CONV_FOR(I, N, PARALLEL, ...) TORSH_FOR_SCHEDULED(dynamic, I, N, PARALLEL, __VA_ARGS__)

#define T float
#define SUFFIX(name) name##_f32
#define TORSH_CONV_DOUBLE 0
#define TORSH_CONV_INT 0
#include "conv_typed.inc"
#undef T
#undef SUFFIX
#undef TORSH_CONV_DOUBLE

#define T double
#define SUFFIX(name) name##_f64
#define TORSH_CONV_DOUBLE 1
#include "conv_typed.inc"
#undef T
#undef SUFFIX
#undef TORSH_CONV_DOUBLE

/* Integers: uint64 arithmetic wraps modulo 2^64, which is int64's two's complement wrap (and,
   narrowed afterwards, that of every smaller integer type): only the forward products. */
#undef TORSH_CONV_INT
#define T uint64_t
#define SUFFIX(name) name##_u64
#define TORSH_CONV_DOUBLE 0
#define TORSH_CONV_INT 1
#include "conv_typed.inc"
#undef T
#undef SUFFIX
#undef TORSH_CONV_DOUBLE
#undef TORSH_CONV_INT
