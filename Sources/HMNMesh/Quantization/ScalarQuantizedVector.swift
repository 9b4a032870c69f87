/// A vector stored as one byte per component: `x_i ≈ minimum + step × code_i` (int8 scalar
/// quantization with a per-record scale and offset, 4× smaller than Float32).
///
/// Per-record ranges adapt to each vector, so a few large vectors do not waste the code space of
/// the others; the cost is 8 bytes of header per record. Rounding error per component is at most
/// `step / 2`.
public struct ScalarQuantizedVector: Hashable, Sendable {
    public var codes: [UInt8]
    public var minimum: Float
    public var step: Float

    public init(codes: [UInt8], minimum: Float, step: Float) {
        self.codes = codes
        self.minimum = minimum
        self.step = step
    }

    /// Quantizes `vector` (finite components) onto 256 levels between its minimum and maximum.
    public init(quantizing vector: [Float]) {
        let low = vector.min() ?? 0
        let high = vector.max() ?? 0
        let step = high > low ? (high - low) / 255 : 1
        minimum = low
        self.step = step
        codes = vector.map { UInt8(max(0, min(255, (($0 - low) / step).rounded()))) }
    }

    /// The approximate Float32 vector.
    public var dequantized: [Float] { codes.map { minimum + step * Float($0) } }

    /// Bytes this representation takes: the codes plus minimum and step.
    public var byteCount: Int { codes.count + 8 }
}
