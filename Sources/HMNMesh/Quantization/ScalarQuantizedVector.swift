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

extension SIMDKernels {
    /// `Σ q_i × code_i`, widening 16 codes at a time to Float32.
    @inline(__always)
    static func dot(_ q: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, _ count: Int) -> Float {
        #if DEBUG
            var total: Float = 0
            for index in 0..<count { total += q[index] * Float(codes[index]) }
            return total
        #else
            let rq = UnsafeRawPointer(q)
            let rc = UnsafeRawPointer(codes)
            var acc = SIMD16<Float>()
            var index = 0
            while index + 16 <= count {
                let bytes = rc.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                acc += rq.loadUnaligned(fromByteOffset: index &* 4, as: SIMD16<Float>.self) * SIMD16<Float>(bytes)
                index &+= 16
            }
            var sum = horizontalSum(acc)
            while index < count {
                sum += q[index] * Float(codes[index])
                index &+= 1
            }
            return sum
        #endif
    }
}
