// NEON (Advanced SIMD): part of the arm64 baseline, so no target attribute and no runtime check.
// Four 4-lane accumulators with fused multiply-add.
#include "KernelsInternal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

static float squared_l2_neon(const float *a, const float *b, size_t count) {
    float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0), s2 = vdupq_n_f32(0), s3 = vdupq_n_f32(0);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        float32x4_t d0 = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
        float32x4_t d1 = vsubq_f32(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
        float32x4_t d2 = vsubq_f32(vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
        float32x4_t d3 = vsubq_f32(vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
        s0 = vfmaq_f32(s0, d0, d0);
        s1 = vfmaq_f32(s1, d1, d1);
        s2 = vfmaq_f32(s2, d2, d2);
        s3 = vfmaq_f32(s3, d3, d3);
    }
    for (; i + 4 <= count; i += 4) {
        float32x4_t d = vsubq_f32(vld1q_f32(a + i), vld1q_f32(b + i));
        s0 = vfmaq_f32(s0, d, d);
    }
    float sum = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
    for (; i < count; i++) {
        float d = a[i] - b[i];
        sum += d * d;
    }
    return sum;
}

static float dot_neon(const float *a, const float *b, size_t count) {
    float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0), s2 = vdupq_n_f32(0), s3 = vdupq_n_f32(0);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        s0 = vfmaq_f32(s0, vld1q_f32(a + i), vld1q_f32(b + i));
        s1 = vfmaq_f32(s1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
        s2 = vfmaq_f32(s2, vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
        s3 = vfmaq_f32(s3, vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
    }
    for (; i + 4 <= count; i += 4) s0 = vfmaq_f32(s0, vld1q_f32(a + i), vld1q_f32(b + i));
    float sum = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
    for (; i < count; i++) sum += a[i] * b[i];
    return sum;
}

static float inner_product_distance_neon(const float *a, const float *b, size_t count) {
    return 1.0f - dot_neon(a, b, count);
}

static float cosine_similarity_neon(const float *a, const float *b, size_t count) {
    float32x4_t ab = vdupq_n_f32(0), aa = vdupq_n_f32(0), bb = vdupq_n_f32(0);
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        float32x4_t x = vld1q_f32(a + i), y = vld1q_f32(b + i);
        ab = vfmaq_f32(ab, x, y);
        aa = vfmaq_f32(aa, x, x);
        bb = vfmaq_f32(bb, y, y);
    }
    float sab = vaddvq_f32(ab), saa = vaddvq_f32(aa), sbb = vaddvq_f32(bb);
    for (; i < count; i++) {
        sab += a[i] * b[i];
        saa += a[i] * a[i];
        sbb += b[i] * b[i];
    }
    return hmn_cosine_from_sums(sab, saa, sbb);
}

static float dot_u8_neon(const float *q, const uint8_t *codes, size_t count) {
    float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        uint16x8_t wide = vmovl_u8(vld1_u8(codes + i));
        s0 = vfmaq_f32(s0, vld1q_f32(q + i), vcvtq_f32_u32(vmovl_u16(vget_low_u16(wide))));
        s1 = vfmaq_f32(s1, vld1q_f32(q + i + 4), vcvtq_f32_u32(vmovl_u16(vget_high_u16(wide))));
    }
    float sum = vaddvq_f32(vaddq_f32(s0, s1));
    for (; i < count; i++) sum += q[i] * (float)codes[i];
    return sum;
}

const hmn_kernel_table hmn_kernels_neon = {
    "neon", squared_l2_neon, dot_neon, inner_product_distance_neon, cosine_similarity_neon, dot_u8_neon,
};
#endif
