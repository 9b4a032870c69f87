import Foundation
import HMNPrimitives

/// Computes a record's RΦV (SPEC §8) and classifies it against the critical and compression thresholds.
///
/// `RΦV = V × Φ × R(t)` with `R(t) = min(1, exp(−(t − lastAccess)/τ) × (1 + ln(1 + accessCount)/4))`:
/// recency decays with time since the last access and use raises it, capped at 1. Computed in
/// `Double` (this is a local storage decision, SPEC §1 allows floating point for the vector store)
/// and rounded to a ``FixedPoint`` so the value written into a ``MemoryProof`` is exact.
/// The thresholds are parameters here (defaults 0.8 and 0.2) rather than imported from HMNCoherence,
/// so the store can be used on its own.
public struct RecordValuePolicy: Hashable, Sendable {
    /// Recency time constant τ in milliseconds (default one day).
    public var recencyTauMilliseconds: Double
    /// RΦV at or above this is critical: never compressed, proof required (SPEC §8: 0.8).
    public var criticalThreshold: FixedPoint
    /// RΦV below this is a compression candidate (SPEC §8: 0.2).
    public var compressionThreshold: FixedPoint

    public init(
        recencyTauMilliseconds: Double = 86_400_000,
        criticalThreshold: FixedPoint = FixedPoint(raw: 800_000),
        compressionThreshold: FixedPoint = FixedPoint(raw: 200_000)
    ) {
        self.recencyTauMilliseconds = recencyTauMilliseconds
        self.criticalThreshold = criticalThreshold
        self.compressionThreshold = compressionThreshold
    }

    /// `R(t)` in [0, 1].
    public func recency(lastAccessMilliseconds: UInt64, accessCount: UInt64, nowMilliseconds: UInt64) -> Double {
        let elapsed = nowMilliseconds > lastAccessMilliseconds ? Double(nowMilliseconds - lastAccessMilliseconds) : 0
        let decay = exp(-elapsed / max(recencyTauMilliseconds, 1))
        let use = 1 + log(1 + Double(accessCount)) / 4
        return min(1, decay * use)
    }

    /// `RΦV(r, t)` as fixed point in [0, 1].
    public func value(of record: MemoryRecord, nowMilliseconds: UInt64) -> FixedPoint {
        let r = recency(
            lastAccessMilliseconds: record.lastAccessMilliseconds, accessCount: record.accessCount,
            nowMilliseconds: nowMilliseconds)
        let v = record.importance.doubleValue
        let phi = record.replicaAgreement.doubleValue
        let product = min(1, max(0, v * phi * r))
        return FixedPoint(exactly: product) ?? .zero
    }

    public func isCritical(_ record: MemoryRecord, nowMilliseconds: UInt64) -> Bool {
        value(of: record, nowMilliseconds: nowMilliseconds) >= criticalThreshold
    }

    public func isCompressible(_ record: MemoryRecord, nowMilliseconds: UInt64) -> Bool {
        value(of: record, nowMilliseconds: nowMilliseconds) < compressionThreshold
    }
}
