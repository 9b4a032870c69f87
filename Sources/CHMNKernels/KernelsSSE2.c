// SSE2: the x86-64 baseline, so this file needs no target attribute. Four 4-lane accumulators.
#include "KernelsInternal.h"

#if defined(__x86_64__)
#include <immintrin.h>

static inline float hsum128(__m128 v) {
    v = _mm_add_ps(v, _mm_movehl_ps(v, v));
    v = _mm_add_ss(v, _mm_shuffle_ps(v, v, 1));
    return _mm_cvtss_f32(v);
}

static float squared_l2_sse2(const float *a, const float *b, size_t count) {
    __m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps(), s2 = _mm_setzero_ps(), s3 = _mm_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m128 d0 = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
        __m128 d1 = _mm_sub_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4));
        __m128 d2 = _mm_sub_ps(_mm_loadu_ps(a + i + 8), _mm_loadu_ps(b + i + 8));
        __m128 d3 = _mm_sub_ps(_mm_loadu_ps(a + i + 12), _mm_loadu_ps(b + i + 12));
        s0 = _mm_add_ps(s0, _mm_mul_ps(d0, d0));
        s1 = _mm_add_ps(s1, _mm_mul_ps(d1, d1));
        s2 = _mm_add_ps(s2, _mm_mul_ps(d2, d2));
        s3 = _mm_add_ps(s3, _mm_mul_ps(d3, d3));
    }
    for (; i + 4 <= count; i += 4) {
        __m128 d = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
        s0 = _mm_add_ps(s0, _mm_mul_ps(d, d));
    }
    float sum = hsum128(_mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
    for (; i < count; i++) {
        float d = a[i] - b[i];
        sum += d * d;
    }
    return sum;
}

static float dot_sse2(const float *a, const float *b, size_t count) {
    __m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps(), s2 = _mm_setzero_ps(), s3 = _mm_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
        s1 = _mm_add_ps(s1, _mm_mul_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4)));
        s2 = _mm_add_ps(s2, _mm_mul_ps(_mm_loadu_ps(a + i + 8), _mm_loadu_ps(b + i + 8)));
        s3 = _mm_add_ps(s3, _mm_mul_ps(_mm_loadu_ps(a + i + 12), _mm_loadu_ps(b + i + 12)));
    }
    for (; i + 4 <= count; i += 4) s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    float sum = hsum128(_mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
    for (; i < count; i++) sum += a[i] * b[i];
    return sum;
}

static float inner_product_distance_sse2(const float *a, const float *b, size_t count) {
    return 1.0f - dot_sse2(a, b, count);
}

static float cosine_similarity_sse2(const float *a, const float *b, size_t count) {
    __m128 ab = _mm_setzero_ps(), aa = _mm_setzero_ps(), bb = _mm_setzero_ps();
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        __m128 x = _mm_loadu_ps(a + i), y = _mm_loadu_ps(b + i);
        ab = _mm_add_ps(ab, _mm_mul_ps(x, y));
        aa = _mm_add_ps(aa, _mm_mul_ps(x, x));
        bb = _mm_add_ps(bb, _mm_mul_ps(y, y));
    }
    float sab = hsum128(ab), saa = hsum128(aa), sbb = hsum128(bb);
    for (; i < count; i++) {
        sab += a[i] * b[i];
        saa += a[i] * a[i];
        sbb += b[i] * b[i];
    }
    return hmn_cosine_from_sums(sab, saa, sbb);
}

// Widens 4 codes to floats: bytes → 16-bit → 32-bit lanes by unpacking with zero.
static inline __m128 codes4_sse2(const uint8_t *codes) {
    int32_t word;
    __builtin_memcpy(&word, codes, 4);
    __m128i zero = _mm_setzero_si128();
    __m128i bytes = _mm_cvtsi32_si128(word);
    return _mm_cvtepi32_ps(_mm_unpacklo_epi16(_mm_unpacklo_epi8(bytes, zero), zero));
}

static float dot_u8_sse2(const float *q, const uint8_t *codes, size_t count) {
    __m128 s0 = _mm_setzero_ps(), s1 = _mm_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        s0 = _mm_add_ps(s0, _mm_mul_ps(_mm_loadu_ps(q + i), codes4_sse2(codes + i)));
        s1 = _mm_add_ps(s1, _mm_mul_ps(_mm_loadu_ps(q + i + 4), codes4_sse2(codes + i + 4)));
    }
    float sum = hsum128(_mm_add_ps(s0, s1));
    for (; i < count; i++) sum += q[i] * (float)codes[i];
    return sum;
}

const hmn_kernel_table hmn_kernels_sse2 = {
    "sse2", squared_l2_sse2, dot_sse2, inner_product_distance_sse2, cosine_similarity_sse2, dot_u8_sse2,
};
#endif
