import HMNPrimitives
import Testing

@Suite("Nearest-rank percentiles")
struct PercentileTests {
    @Test("hand table over 1…100 and small inputs")
    func table() {
        let values = Array(UInt64(1)...100).shuffled()
        #expect(Percentile.nearestRank(values, 0.5) == 50)
        #expect(Percentile.nearestRank(values, 0.99) == 99)
        #expect(Percentile.nearestRank(values, 1.0) == 100)
        #expect(Percentile.nearestRank(values, 0) == 1)
        #expect(Percentile.nearestRank([7, 3], 0.5) == 3)
        #expect(Percentile.nearestRank([7, 3], 0.51) == 7)
        #expect(Percentile.nearestRank([UInt64](), 0.5) == nil)
    }

    @Test("seeded property: the result is a sample with at least the fraction at or below it")
    func property() {
        var generator = SeededGenerator(seed: 77)
        for _ in 0..<500 {
            let count = Int.random(in: 1...60, using: &generator)
            let values = (0..<count).map { _ in UInt64.random(in: 0...1_000, using: &generator) }
            let fraction = Double.random(in: 0...1, using: &generator)
            guard let p = Percentile.nearestRank(values, fraction) else {
                Issue.record("nil for \(values)")
                continue
            }
            #expect(values.contains(p))
            let atOrBelow = values.filter { $0 <= p }.count
            let below = values.filter { $0 < p }.count
            #expect(Double(atOrBelow) >= fraction * Double(count) - 1e-9)
            #expect(Double(below) < max(fraction * Double(count), 1))
        }
    }
}
