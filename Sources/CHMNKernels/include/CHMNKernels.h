// Distance kernels for HMNMesh (not API: used through `internal import CHMNKernels`).
//
// Every instruction set gets its own table of function pointers. The x86-64 tables are compiled
// with per-function `__attribute__((target(...)))`, so a plain `swift build` (baseline x86-64,
// no `-march`, no unsafe flags) still contains AVX2+FMA and AVX-512 code; `hmn_kernels_for`
// returns a table only when the running CPU and OS support it, and the Swift side picks the best
// one once at start-up.
#ifndef CHMN_KERNELS_H
#define CHMN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Kernels over two Float32 vectors of `count` components.
typedef float (*hmn_f32_kernel)(const float *a, const float *b, size_t count);
/// `Σ q[i] × codes[i]` over a Float32 query and int8 scalar-quantized codes (unsigned bytes).
typedef float (*hmn_u8_kernel)(const float *q, const uint8_t *codes, size_t count);

/// One instruction set's kernels.
typedef struct hmn_kernel_table {
    /// Short name of the instruction set: "avx512", "avx2", "sse2", "neon" or "scalar".
    const char *isa;
    /// `Σ (a[i] − b[i])²`.
    hmn_f32_kernel squared_l2;
    /// `Σ a[i] × b[i]`.
    hmn_f32_kernel dot;
    /// `1 − Σ a[i] × b[i]`: the inner-product distance (and the cosine distance of unit vectors).
    hmn_f32_kernel inner_product_distance;
    /// `a·b / (‖a‖ ‖b‖)` for vectors of any length, 0 when either is zero.
    hmn_f32_kernel cosine_similarity;
    /// `Σ q[i] × codes[i]`.
    hmn_u8_kernel dot_u8;
} hmn_kernel_table;

/// The instruction sets, best first within an architecture.
enum {
    HMN_ISA_SCALAR = 0,
    HMN_ISA_SSE2 = 1,
    HMN_ISA_AVX2 = 2,
    HMN_ISA_AVX512 = 3,
    HMN_ISA_NEON = 4,
    HMN_ISA_COUNT = 5
};

/// The table for `isa`, or NULL when this build or this CPU (and OS) lacks it. The scalar table is
/// always there. Tables are static: the pointer stays valid for the life of the process.
const hmn_kernel_table *hmn_kernels_for(int isa);

/// Hints the CPU to start loading the cache line holding `address` (read, keep in all levels).
/// Why: graph search jumps to neighbour vectors at random addresses; issuing the loads early
/// overlaps their cache misses with the distance work on the previous neighbour.
static inline void hmn_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Prefetches every cache line of `[address, address + byte_count)`.
static inline void hmn_prefetch_range(const void *address, size_t byte_count) {
    const char *byte = (const char *)address;
    for (size_t offset = 0; offset < byte_count; offset += 64) __builtin_prefetch(byte + offset, 0, 3);
}

#ifdef __cplusplus
}
#endif

#endif
