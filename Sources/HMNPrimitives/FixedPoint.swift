/// A signed fixed-point number in parts per million (`raw / 1_000_000`).
///
/// Consensus-critical quantities (λ, Ĉ, Ψ, RΦV on the chain path) use this instead of `Double`,
/// so that every node computes bit-identical results on every platform. Arithmetic is checked
/// (overflow traps rather than wraps) and rounding is explicit: ``multiplied(by:)`` and
/// ``divided(by:)`` truncate toward zero, which for the non-negative values HMN uses is floor.
public struct FixedPoint: Hashable, Comparable, Sendable, CanonicalCodable, CustomStringConvertible {
    /// Units per 1.0.
    public static let scale: Int64 = 1_000_000
    public static let zero = FixedPoint(raw: 0)
    public static let one = FixedPoint(raw: scale)

    /// The value times 1,000,000.
    public var raw: Int64

    public init(raw: Int64) { self.raw = raw }

    /// Exact for integers.
    public init(integer: Int64) { self.raw = integer * Self.scale }

    /// `numerator / denominator`, truncated toward zero. `denominator` must be non-zero.
    public init(ratio numerator: Int64, _ denominator: Int64) {
        precondition(denominator != 0, "FixedPoint ratio with zero denominator")
        self.raw = Int64((Int128(numerator) * Int128(Self.scale)) / Int128(denominator))
    }

    /// Converts a `Double` for configuration and analysis only, rounding to the nearest ppm.
    /// Returns nil for NaN, infinities and out-of-range values, so bad input cannot sneak in.
    public init?(exactly double: Double) {
        guard double.isFinite, abs(double) < Double(Int64.max / Self.scale) else { return nil }
        self.raw = Int64((double * Double(Self.scale)).rounded())
    }

    /// A `Double` view for analysis, plots and reports. Never feed it back into consensus math.
    public var doubleValue: Double { Double(raw) / Double(Self.scale) }

    /// `self × other`, truncated toward zero.
    public func multiplied(by other: FixedPoint) -> FixedPoint {
        FixedPoint(raw: Int64(Int128(raw) * Int128(other.raw) / Int128(Self.scale)))
    }

    /// `self ÷ other`, truncated toward zero. `other` must be non-zero.
    public func divided(by other: FixedPoint) -> FixedPoint {
        precondition(other.raw != 0, "FixedPoint division by zero")
        return FixedPoint(raw: Int64(Int128(raw) * Int128(Self.scale) / Int128(other.raw)))
    }

    /// `floor(amount × self)` for a non-negative amount of base units; nil on overflow.
    public func scaling(_ amount: UInt64) -> UInt64? {
        guard raw >= 0 else { return nil }
        let product = UInt128(amount) * UInt128(UInt64(raw)) / UInt128(UInt64(Self.scale))
        return product <= UInt128(UInt64.max) ? UInt64(product) : nil
    }

    public func clamped(to range: ClosedRange<FixedPoint>) -> FixedPoint {
        min(max(self, range.lowerBound), range.upperBound)
    }

    public static func + (lhs: FixedPoint, rhs: FixedPoint) -> FixedPoint { FixedPoint(raw: lhs.raw + rhs.raw) }
    public static func - (lhs: FixedPoint, rhs: FixedPoint) -> FixedPoint { FixedPoint(raw: lhs.raw - rhs.raw) }
    public static func < (lhs: FixedPoint, rhs: FixedPoint) -> Bool { lhs.raw < rhs.raw }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) { raw = try decoder.decode(Int64.self) }
    public func encode(to encoder: inout CanonicalEncoder) { encoder.encode(raw) }

    /// Six decimals, exact: `0.700000`.
    public var description: String {
        let sign = raw < 0 ? "-" : ""
        let magnitude = raw.magnitude
        let fraction = String(magnitude % UInt64(Self.scale))
        return "\(sign)\(magnitude / UInt64(Self.scale)).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }
}
