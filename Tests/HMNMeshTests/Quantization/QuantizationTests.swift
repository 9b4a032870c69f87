@testable import HMNMesh
import HMNPrimitives
import Testing

@Suite("Scalar quantization")
struct QuantizationTests {
    @Test("codes reconstruct each component within half a step")
    func reconstruction() {
        var data = LowRankVectors(dimension: 64, intrinsicDimension: 8, seed: 21)
        for _ in 0..<50 {
            let vector = data.next()
            let quantized = ScalarQuantizedVector(quantizing: vector)
            #expect(quantized.byteCount == 64 + 8)
            for (original, restored) in zip(vector, quantized.dequantized) {
                #expect(abs(original - restored) <= quantized.step / 2 + 1e-6)
            }
        }
    }

    @Test(
        "int8 search keeps recall@10, and rescoring on full precision restores it", arguments: DistanceMetric.allCases)
    func quantizedRecall(metric: DistanceMetric) throws {
        var data = LowRankVectors(seed: 22)
        let base = data.next(2_000)
        let queries = data.next(50)
        let truth = try TestSupport.groundTruth(base: base, queries: queries, metric: metric, k: 10)
        let codesOnly = QuantizedFlatIndex(dimension: 128, metric: metric)
        let rescored = QuantizedFlatIndex(dimension: 128, metric: metric, keepsFullPrecision: true, rescoreFactor: 4)
        for (label, vector) in base.enumerated() {
            try codesOnly.add(vector, label: UInt64(label))
            try rescored.add(vector, label: UInt64(label))
        }
        let direct = TestSupport.recall(
            try queries.map { try codesOnly.search($0, k: 10).map(\.label) }, truth: truth, k: 10)
        let exact = TestSupport.recall(
            try queries.map { try rescored.search($0, k: 10).map(\.label) }, truth: truth, k: 10)
        #expect(direct >= 0.9, "int8 recall@10 = \(direct)")
        #expect(exact >= 0.99, "rescored recall@10 = \(exact)")
        #expect(codesOnly.byteCount * 3 < base.count * 128 * 4, "int8 codes must be about 4× smaller")
    }
}
