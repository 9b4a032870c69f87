// AVX-512F, compiled per function with a target attribute (see KernelsAVX2.c). Two 16-lane
// accumulators; the tail (dimension not a multiple of 16) is one masked load, so no scalar loop
// and no read past the end of either vector.
#include "KernelsInternal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define HMN_AVX512 __attribute__((target("avx512f")))

HMN_AVX512 static inline __mmask16 tail_mask(size_t remaining) {
    return (__mmask16)((1u << remaining) - 1u);
}

HMN_AVX512 static float squared_l2_avx512(const float *a, const float *b, size_t count) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= count; i += 32) {
        __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
        s0 = _mm512_fmadd_ps(d0, d0, s0);
        s1 = _mm512_fmadd_ps(d1, d1, s1);
    }
    if (i + 16 <= count) {
        __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        s0 = _mm512_fmadd_ps(d, d, s0);
        i += 16;
    }
    if (i < count) {
        __mmask16 mask = tail_mask(count - i);
        __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, a + i), _mm512_maskz_loadu_ps(mask, b + i));
        s1 = _mm512_fmadd_ps(d, d, s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

HMN_AVX512 static float dot_avx512(const float *a, const float *b, size_t count) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= count; i += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
    }
    if (i + 16 <= count) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        i += 16;
    }
    if (i < count) {
        __mmask16 mask = tail_mask(count - i);
        s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, a + i), _mm512_maskz_loadu_ps(mask, b + i), s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

HMN_AVX512 static float inner_product_distance_avx512(const float *a, const float *b, size_t count) {
    return 1.0f - dot_avx512(a, b, count);
}

HMN_AVX512 static float cosine_similarity_avx512(const float *a, const float *b, size_t count) {
    __m512 ab = _mm512_setzero_ps(), aa = _mm512_setzero_ps(), bb = _mm512_setzero_ps();
    for (size_t i = 0; i < count; i += 16) {
        __mmask16 mask = count - i >= 16 ? (__mmask16)0xFFFF : tail_mask(count - i);
        __m512 x = _mm512_maskz_loadu_ps(mask, a + i), y = _mm512_maskz_loadu_ps(mask, b + i);
        ab = _mm512_fmadd_ps(x, y, ab);
        aa = _mm512_fmadd_ps(x, x, aa);
        bb = _mm512_fmadd_ps(y, y, bb);
    }
    return hmn_cosine_from_sums(_mm512_reduce_add_ps(ab), _mm512_reduce_add_ps(aa), _mm512_reduce_add_ps(bb));
}

// 16 codes → 16 floats per step (zero-extend to 32-bit lanes, convert); the few tail codes go
// scalar, since a masked byte load would need AVX-512BW.
HMN_AVX512 static float dot_u8_avx512(const float *q, const uint8_t *codes, size_t count) {
    __m512 s0 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 c = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(codes + i))));
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), c, s0);
    }
    float sum = _mm512_reduce_add_ps(s0);
    for (; i < count; i++) sum += q[i] * (float)codes[i];
    return sum;
}

const hmn_kernel_table hmn_kernels_avx512 = {
    "avx512", squared_l2_avx512, dot_avx512, inner_product_distance_avx512, cosine_similarity_avx512,
    dot_u8_avx512,
};
#endif
