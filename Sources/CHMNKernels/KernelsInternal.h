// Shared between the kernel files; not part of the module's public header.
#ifndef CHMN_KERNELS_INTERNAL_H
#define CHMN_KERNELS_INTERNAL_H

#include "include/CHMNKernels.h"

#include <math.h>

extern const hmn_kernel_table hmn_kernels_scalar;
#if defined(__x86_64__)
extern const hmn_kernel_table hmn_kernels_sse2;
extern const hmn_kernel_table hmn_kernels_avx2;
extern const hmn_kernel_table hmn_kernels_avx512;
#endif
#if defined(__aarch64__)
extern const hmn_kernel_table hmn_kernels_neon;
#endif

/// Cosine similarity from the three sums; 0 when either vector is zero (it has no direction).
/// Computed in double so ‖a‖²‖b‖² neither overflows nor underflows for finite Float32 inputs.
static inline float hmn_cosine_from_sums(float ab, float aa, float bb) {
    if (aa == 0 || bb == 0) return 0;
    return (float)((double)ab / sqrt((double)aa * (double)bb));
}

#endif
