// Which tables this CPU can run. x86-64 needs two checks per extension: CPUID says the core has
// it, and XGETBV says the OS saves the wider registers on a context switch (a kernel booted with
// AVX disabled reports the CPUID bits but would corrupt YMM/ZMM state).
#include "KernelsInternal.h"

#if defined(__x86_64__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

// Bit 0 of the result: AVX2 + FMA usable; bit 1: AVX-512F usable.
static int x86_features(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int has_fma = (ecx >> 12) & 1, has_osxsave = (ecx >> 27) & 1, has_avx = (ecx >> 28) & 1;
    if (!has_osxsave || !has_avx) return 0;
    const uint64_t xcr0 = read_xcr0();
    const int ymm_saved = (xcr0 & 0x6) == 0x6;             // SSE and AVX state
    const int zmm_saved = (xcr0 & 0xE6) == 0xE6;           // plus opmask, ZMM0–15 upper, ZMM16–31
    if (!ymm_saved) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const int has_avx2 = (ebx >> 5) & 1, has_avx512f = (ebx >> 16) & 1;
    int features = 0;
    if (has_avx2 && has_fma) features |= 1;
    if (has_avx512f && has_fma && zmm_saved) features |= 2;
    return features;
}
#endif

const hmn_kernel_table *hmn_kernels_for(int isa) {
    switch (isa) {
    case HMN_ISA_SCALAR:
        return &hmn_kernels_scalar;
#if defined(__x86_64__)
    case HMN_ISA_SSE2:
        return &hmn_kernels_sse2;
    case HMN_ISA_AVX2:
        return (x86_features() & 1) ? &hmn_kernels_avx2 : NULL;
    case HMN_ISA_AVX512:
        return (x86_features() & 2) ? &hmn_kernels_avx512 : NULL;
#endif
#if defined(__aarch64__)
    case HMN_ISA_NEON:
        return &hmn_kernels_neon;
#endif
    default:
        return NULL;
    }
}
