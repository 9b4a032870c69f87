@testable import HMNMesh
import HMNPrimitives
import Testing

@Suite("Flat index and kernels")
struct FlatIndexTests {
    static func naive(_ a: [Float], _ b: [Float], _ metric: DistanceMetric) -> Float {
        switch metric {
        case .l2: return zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        case .innerProduct: return 1 - zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        case .cosine:
            let norm = { (v: [Float]) in v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
            return 1 - zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (norm(a) * norm(b))
        }
    }

    @Test("kernels match naive sums for every length", arguments: [1, 7, 16, 31, 32, 33, 100, 128])
    func kernels(length: Int) {
        var generator = SeededGenerator(seed: UInt64(length))
        let a = (0..<length).map { _ in LowRankVectors.gaussian(&generator) }
        let b = (0..<length).map { _ in LowRankVectors.gaussian(&generator) }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let dot = DistanceKernels.selected.dot(pa.baseAddress!, pb.baseAddress!, length)
                let l2 = DistanceKernels.selected.squaredL2(pa.baseAddress!, pb.baseAddress!, length)
                #expect(abs(dot - (1 - Self.naive(a, b, .innerProduct))) < 1e-3)
                #expect(abs(l2 - Self.naive(a, b, .l2)) < 1e-3)
            }
        }
    }

    @Test("flat search is exact, ordered, and honours removals", arguments: DistanceMetric.allCases)
    func exact(metric: DistanceMetric) throws {
        var data = LowRankVectors(dimension: 24, intrinsicDimension: 6, seed: 5)
        let base = data.next(300)
        let index = FlatIndex(dimension: 24, metric: metric, initialCapacity: 16)
        for (label, vector) in base.enumerated() { try index.add(vector, label: UInt64(label)) }
        #expect(index.remove(label: 7))
        #expect(!index.remove(label: 7))
        let query = data.next()
        let hits = try index.search(query, k: 5)
        let expected = base.enumerated().filter { $0.offset != 7 }
            .map { (UInt64($0.offset), Self.naive(query, $0.element, metric)) }
            .sorted { $0.1 < $1.1 }.prefix(5).map(\.0)
        #expect(hits.map(\.label) == Array(expected))
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.distance <= $1.distance })
        #expect(index.count == 299)
    }
}
