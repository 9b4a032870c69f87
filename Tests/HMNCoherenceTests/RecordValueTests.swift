import Foundation
import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("RΦV")
struct RecordValueTests {
    let p = CoherenceParameters.standard
    let day: UInt64 = 86_400_000

    func value(
        importance: Int64 = 1_000_000, psi: Int64 = 1_000_000, matching: UInt32 = 3, replicas: UInt32 = 3,
        elapsed: UInt64 = 0, accesses: UInt64 = 0
    ) throws -> RecordValue {
        try RecordValue(
            declaredImportance: FixedPoint(raw: importance), authorPsi: FixedPoint(raw: psi),
            matchingReplicas: matching, replicas: replicas, lastAccessMilliseconds: 1_000,
            nowMilliseconds: 1_000 + elapsed, accessCount: accesses, parameters: p)
    }

    @Test("hand-computed values")
    func table() throws {
        // Fresh, fully replicated, full importance: 1.
        #expect(try value().value == .one)
        // V capped by author Ψ: min(0.9, 0.4) = 0.4.
        #expect(try value(importance: 900_000, psi: 400_000).importance.raw == 400_000)
        // Φ = 2/3 → 0.666666; RΦV = 1 × 0.666666 × 1.
        #expect(try value(matching: 2).value.raw == 666_666)
        // One τ later, never accessed: R = e^-1 = 0.367879.
        #expect(try value(elapsed: day).recency.raw == 367_879)
        // One τ later, 8 accesses (= K): R = 0.367879 + 0.632121 × 1/2 = 0.6839395 → 0.683939.
        #expect(try value(elapsed: day, accesses: 8).recency.raw == 683_939)
        // V 0.9 × Φ 2/3 × R e^-1: 0.9 × 0.666666 × 0.367879 = 0.22072…
        #expect(try value(importance: 900_000, matching: 2, elapsed: day).value.raw == 220_727)
        // Half a τ: e^-0.5 = 0.606531.
        #expect(try value(elapsed: day / 2).recency.raw == 606_531)
    }

    @Test("classes: critical ≥ 0.8, compressible < 0.2")
    func classes() {
        #expect(RecordValueClass(value: FixedPoint(raw: 800_000), parameters: p) == .critical)
        #expect(RecordValueClass(value: FixedPoint(raw: 799_999), parameters: p) == .normal)
        #expect(RecordValueClass(value: FixedPoint(raw: 200_000), parameters: p) == .normal)
        #expect(RecordValueClass(value: FixedPoint(raw: 199_999), parameters: p) == .compressible)
    }

    @Test("property: V, Φ, R and RΦV stay in [0, 1]; R decays with time and rises with access (2,000 cases)")
    func property() throws {
        var rng = SeededGenerator(seed: 0x5F)
        let unit = FixedPoint.zero...FixedPoint.one
        for _ in 0..<2_000 {
            let replicas = UInt32.random(in: 1...16, using: &rng)
            let elapsed = UInt64.random(in: 0...(40 * day), using: &rng)
            let accesses = UInt64.random(in: 0...1_000, using: &rng)
            let record = try RecordValue(
                declaredImportance: rng.unitFixed(), authorPsi: rng.unitFixed(),
                matchingReplicas: UInt32.random(in: 0...replicas, using: &rng), replicas: replicas,
                lastAccessMilliseconds: 5, nowMilliseconds: 5 + elapsed, accessCount: accesses, parameters: p)
            for factor in [record.importance, record.agreement, record.recency, record.value] {
                #expect(unit.contains(factor))
            }
            let later = RecordValue.recency(
                elapsedMilliseconds: elapsed + 3_600_000, accessCount: accesses, parameters: p)
            let used = RecordValue.recency(elapsedMilliseconds: elapsed, accessCount: accesses + 1, parameters: p)
            #expect(later <= record.recency)
            #expect(used >= record.recency)
        }
        #expect(RecordValue.recency(elapsedMilliseconds: UInt64.max, accessCount: UInt64.max, parameters: p) <= .one)
    }

    @Test("bad records are typed errors")
    func bad() {
        func code(_ body: () throws -> RecordValue) -> CoherenceError.Code? {
            do { _ = try body() } catch { return (error as? CoherenceError)?.code }
            return nil
        }
        #expect(code { try value(importance: 1_000_001) } == .invalidRecord)
        #expect(code { try value(psi: -1) } == .invalidRecord)
        #expect(code { try value(matching: 4, replicas: 3) } == .invalidRecord)
        #expect(code { try value(matching: 0, replicas: 0) } == .invalidRecord)
        #expect(
            code {
                try RecordValue(
                    declaredImportance: .one, authorPsi: .one, matchingReplicas: 1, replicas: 1,
                    lastAccessMilliseconds: 10, nowMilliseconds: 9, accessCount: 0, parameters: p)
            } == .invalidRecord)
    }
}
