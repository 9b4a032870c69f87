import HMNPrimitives

/// RΦV, the value of a memory record (SPEC §8): `RΦV = V × Φ × R`, each factor in [0, 1].
///
/// - `V = min(declared importance, author Ψ)`: a low-Ψ node cannot flood the mesh with
///   critical records, because its records are worth at most its own score.
/// - `Φ = matching replicas / replicas`: agreement of the replicas on the content hash.
/// - `R = d + (1 − d) × n / (n + K)` with `d = e^(−Δt/τ)`, `Δt = now − lastAccess`, `n` the access
///   count and `K = accessHalfCount`: recency decays exponentially, and use lifts it back toward 1
///   (halfway at `n = K`). At `n = 0`, `R = d` exactly as in the SPEC.
///
/// All factors are ppm `FixedPoint` values; `Δt/τ` is floored to ppm, `d` uses
/// `FixedPoint.negativeExponential` (nearest ppm), every other step is one floor.
public struct RecordValue: Hashable, Sendable {
    /// V: declared importance capped by the author's Ψ.
    public let importance: FixedPoint
    /// Φ: share of replicas holding the same content hash.
    public let agreement: FixedPoint
    /// R: recency decay lifted by use.
    public let recency: FixedPoint
    /// `V × Φ × R`, floored once.
    public let value: FixedPoint

    /// - Throws: ``CoherenceError/Code/invalidRecord`` when importance or author Ψ is outside
    ///   [0, 1], `replicas` is 0 or below `matchingReplicas`, or `now` precedes `lastAccess`.
    public init(
        declaredImportance: FixedPoint, authorPsi: FixedPoint,
        matchingReplicas: UInt32, replicas: UInt32,
        lastAccessMilliseconds: UInt64, nowMilliseconds: UInt64, accessCount: UInt64,
        parameters: CoherenceParameters
    ) throws(CoherenceError) {
        let unit = FixedPoint.zero...FixedPoint.one
        guard unit.contains(declaredImportance) else {
            throw CoherenceError(.invalidRecord, "declared importance \(declaredImportance) not in [0, 1]")
        }
        guard unit.contains(authorPsi) else {
            throw CoherenceError(.invalidRecord, "author Ψ \(authorPsi) not in [0, 1]")
        }
        guard replicas > 0, matchingReplicas <= replicas else {
            throw CoherenceError(
                .invalidRecord, "need 0 < replicas and matching ≤ replicas, got \(matchingReplicas)/\(replicas)")
        }
        guard nowMilliseconds >= lastAccessMilliseconds else {
            throw CoherenceError(
                .invalidRecord, "now \(nowMilliseconds) ms precedes last access \(lastAccessMilliseconds) ms")
        }
        importance = min(declaredImportance, authorPsi)
        agreement = FixedPoint(ratio: Int64(matchingReplicas), Int64(replicas))
        recency = Self.recency(
            elapsedMilliseconds: nowMilliseconds - lastAccessMilliseconds, accessCount: accessCount,
            parameters: parameters)
        let scale = Int128(FixedPoint.scale)
        let product = Int128(importance.raw) * Int128(agreement.raw) * Int128(recency.raw) / (scale * scale)
        value = FixedPoint(raw: Int64(product))
    }

    /// `R = d + (1 − d) × n/(n + K)`, `d = e^(−Δt/τ)`; in [0, 1].
    public static func recency(
        elapsedMilliseconds: UInt64, accessCount: UInt64, parameters: CoherenceParameters
    ) -> FixedPoint {
        let ratio =
            UInt128(elapsedMilliseconds) * UInt128(UInt64(FixedPoint.scale))
            / UInt128(parameters.recencyTauMilliseconds)
        let decay = ratio >= UInt128(Int64.max) ? .zero : FixedPoint(raw: Int64(ratio)).negativeExponential
        let count = UInt128(min(accessCount, UInt64.max - parameters.accessHalfCount))
        let scale = UInt128(UInt64(FixedPoint.scale))
        // One floor: d + (S − d)·n / (n + K), all in ppm.
        let lift = (scale - UInt128(UInt64(decay.raw))) * count / (count + UInt128(parameters.accessHalfCount))
        return FixedPoint(raw: decay.raw + Int64(lift))
    }

    /// The class this value falls in.
    public func valueClass(parameters: CoherenceParameters) -> RecordValueClass {
        RecordValueClass(value: value, parameters: parameters)
    }
}

/// What RΦV implies for a record (SPEC §8).
public enum RecordValueClass: UInt8, Hashable, Sendable {
    /// `RΦV ≥ criticalValue` (0.8): the update carries a signed memory proof, committed to Layer 1.
    case critical = 1
    /// Between the thresholds: stored and gossiped normally.
    case normal = 2
    /// `RΦV < compressionValue` (0.2): candidate for quantization or merging.
    case compressible = 3

    public init(value: FixedPoint, parameters: CoherenceParameters) {
        if value >= parameters.criticalValue {
            self = .critical
        } else if value < parameters.compressionValue {
            self = .compressible
        } else {
            self = .normal
        }
    }
}
