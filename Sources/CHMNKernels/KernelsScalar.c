// The portable fallback (and the table every other one is tested against through Swift's
// reference). Four independent accumulators so even without SIMD the adds pipeline.
#include "KernelsInternal.h"

#include <math.h>

static float squared_l2_scalar(const float *a, const float *b, size_t count) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        float d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1], d2 = a[i + 2] - b[i + 2], d3 = a[i + 3] - b[i + 3];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
    }
    for (; i < count; i++) {
        float d = a[i] - b[i];
        s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
}

static float dot_scalar(const float *a, const float *b, size_t count) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < count; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

static float inner_product_distance_scalar(const float *a, const float *b, size_t count) {
    return 1.0f - dot_scalar(a, b, count);
}

static float cosine_similarity_scalar(const float *a, const float *b, size_t count) {
    float ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < count; i++) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    return hmn_cosine_from_sums(ab, aa, bb);
}

static float dot_u8_scalar(const float *q, const uint8_t *codes, size_t count) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        s0 += q[i] * (float)codes[i];
        s1 += q[i + 1] * (float)codes[i + 1];
        s2 += q[i + 2] * (float)codes[i + 2];
        s3 += q[i + 3] * (float)codes[i + 3];
    }
    for (; i < count; i++) s0 += q[i] * (float)codes[i];
    return (s0 + s1) + (s2 + s3);
}

const hmn_kernel_table hmn_kernels_scalar = {
    "scalar", squared_l2_scalar, dot_scalar, inner_product_distance_scalar, cosine_similarity_scalar,
    dot_u8_scalar,
};
