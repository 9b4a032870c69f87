import Foundation
import HMNPrimitives
import Testing

@testable import HMNMesh

/// Every kernel table this CPU supports (AVX-512, AVX2, SSE2, scalar here; NEON on arm64) against a
/// Double-precision scalar reference, on seeded random vectors of awkward lengths and on edge
/// inputs. The tolerance scales with the sum of absolute terms, the error bound of any summation
/// order in Float32, so a wrong lane, a dropped tail or a read past the end fails.
@Suite("Distance kernels")
struct DistanceKernelsTests {
    /// Lengths around every vector width (4, 8, 16) and unroll (16, 32), plus the real-text 384.
    static let lengths = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 127, 128, 129, 384, 385]

    static func tables() -> [KernelTable] { DistanceKernels.supported }

    static func referenceDot(_ a: [Float], _ b: [Float]) -> (value: Double, magnitude: Double) {
        var sum = 0.0, magnitude = 0.0
        for (x, y) in zip(a, b) {
            sum += Double(x) * Double(y)
            magnitude += abs(Double(x) * Double(y))
        }
        return (sum, magnitude)
    }

    static func referenceL2(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { total, pair in
            let d = Double(pair.0) - Double(pair.1)
            return total + d * d
        }
    }

    /// Cosine similarity; 0 when a squared norm is 0 *in Float32*, as the kernels see it: a vector
    /// of denormals has squares that underflow, so it has no direction at that precision.
    static func referenceCosine(_ a: [Float], _ b: [Float]) -> Double {
        let aaSingle = a.reduce(Float(0)) { $0 + $1 * $1 }, bbSingle = b.reduce(Float(0)) { $0 + $1 * $1 }
        if aaSingle == 0 || bbSingle == 0 { return 0 }
        let aa = referenceDot(a, a).value, bb = referenceDot(b, b).value
        return referenceDot(a, b).value / (aa * bb).squareRoot()
    }

    /// |got − want| within a few Float32 roundings of the terms' magnitude.
    static func close(_ got: Float, _ want: Double, magnitude: Double) -> Bool {
        abs(Double(got) - want) <= 1e-5 * magnitude + 1e-30
    }

    static func check(_ table: KernelTable, _ a: [Float], _ b: [Float], codes: [UInt8]) {
        let n = a.count
        // Copies with one guard element each side catch reads outside [0, n) only if a result
        // changes; the guards are NaN so any such read poisons the sum.
        let guardedA = [Float.nan] + a + [Float.nan]
        let guardedB = [Float.nan] + b + [Float.nan]
        let guardedCodes: [UInt8] = [255] + codes + [255]
        guardedA.withUnsafeBufferPointer { pa in
            guardedB.withUnsafeBufferPointer { pb in
                guardedCodes.withUnsafeBufferPointer { pc in
                    let x = pa.baseAddress! + 1, y = pb.baseAddress! + 1, c = pc.baseAddress! + 1
                    let dot = referenceDot(a, b)
                    let l2 = referenceL2(a, b)
                    #expect(close(table.dot(x, y, n), dot.value, magnitude: dot.magnitude), "\(table.isa) dot n=\(n)")
                    #expect(
                        close(table.innerProductDistance(x, y, n), 1 - dot.value, magnitude: dot.magnitude + 1),
                        "\(table.isa) ip n=\(n)")
                    #expect(close(table.squaredL2(x, y, n), l2, magnitude: l2), "\(table.isa) l2 n=\(n)")
                    #expect(
                        close(table.cosineSimilarity(x, y, n), referenceCosine(a, b), magnitude: 10),
                        "\(table.isa) cosine n=\(n)")
                    let codeFloats = codes.map(Float.init)
                    let codeDot = referenceDot(a, codeFloats)
                    #expect(
                        close(table.dotCodes(x, c, n), codeDot.value, magnitude: codeDot.magnitude),
                        "\(table.isa) u8 n=\(n)")
                }
            }
        }
    }

    @Test("the best supported table is selected, and scalar is always there")
    func selection() {
        let names = DistanceKernels.supportedISAs
        #expect(names.last == "scalar")
        let forced = ProcessInfo.processInfo.environment["HMN_DISTANCE_KERNELS"] != nil
        #expect(DistanceKernels.isa == names.first || forced)
        #if arch(x86_64)
            #expect(names.contains("sse2"))
        #elseif arch(arm64)
            #expect(names.contains("neon"))
        #endif
    }

    @Test("every table matches the reference on seeded random vectors", arguments: lengths)
    func random(length: Int) {
        var generator = SeededGenerator(seed: 0xD15_7A4C3 &+ UInt64(length))
        for table in Self.tables() {
            for _ in 0..<4 {
                let a = (0..<length).map { _ in LowRankVectors.gaussian(&generator) }
                let b = (0..<length).map { _ in LowRankVectors.gaussian(&generator) * 3 }
                let codes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                Self.check(table, a, b, codes: codes)
            }
        }
    }

    @Test("zero vectors: distance is the other's norm, cosine is 0", arguments: [0, 1, 8, 13, 16, 384])
    func zeros(length: Int) {
        var generator = SeededGenerator(seed: 77)
        let zero = [Float](repeating: 0, count: length)
        let other = (0..<length).map { _ in LowRankVectors.gaussian(&generator) }
        for table in Self.tables() {
            Self.check(table, zero, other, codes: [UInt8](repeating: 0, count: length))
            Self.check(table, zero, zero, codes: [UInt8](repeating: 255, count: length))
            zero.withUnsafeBufferPointer { z in
                #expect(table.cosineSimilarity(z.baseAddress!, z.baseAddress!, length) == 0)
                #expect(table.squaredL2(z.baseAddress!, z.baseAddress!, length) == 0)
            }
        }
    }

    @Test("denormal and extreme components", arguments: [5, 16, 33, 100])
    func denormals(length: Int) {
        var generator = SeededGenerator(seed: 0xDE40)
        let tiny = (0..<length).map { _ in Float.leastNonzeroMagnitude * Float(generator.next() % 100) }
        let small = (0..<length).map { _ in Float.leastNormalMagnitude * LowRankVectors.gaussian(&generator) }
        let large = (0..<length).map { _ in 1e17 * LowRankVectors.gaussian(&generator) }
        let codes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for table in Self.tables() {
            Self.check(table, tiny, small, codes: codes)
            Self.check(table, small, tiny, codes: codes)
            Self.check(table, large, small, codes: codes)
            // A unit vector against itself: cosine exactly representable as ~1, inner-product distance ~0.
            let unit = [Float](repeating: 1 / Float(length).squareRoot(), count: length)
            unit.withUnsafeBufferPointer { u in
                #expect(abs(table.innerProductDistance(u.baseAddress!, u.baseAddress!, length)) < 1e-5)
                #expect(abs(table.cosineSimilarity(u.baseAddress!, u.baseAddress!, length) - 1) < 1e-5)
            }
        }
    }

    @Test("unaligned starts give the reference result at every offset")
    func unaligned() {
        var generator = SeededGenerator(seed: 3)
        let length = 384
        let storage = (0..<(length + 16)).map { _ in LowRankVectors.gaussian(&generator) }
        let other = (0..<length).map { _ in LowRankVectors.gaussian(&generator) }
        for table in Self.tables() {
            storage.withUnsafeBufferPointer { s in
                other.withUnsafeBufferPointer { o in
                    for shift in 0..<16 {
                        let slice = Array(storage[shift..<(shift + length)])
                        let dot = Self.referenceDot(slice, other)
                        let got = table.dot(s.baseAddress! + shift, o.baseAddress!, length)
                        #expect(Self.close(got, dot.value, magnitude: dot.magnitude), "\(table.isa) shift \(shift)")
                        let l2 = Self.referenceL2(slice, other)
                        let gotL2 = table.squaredL2(s.baseAddress! + shift, o.baseAddress!, length)
                        #expect(Self.close(gotL2, l2, magnitude: l2), "\(table.isa) shift \(shift)")
                    }
                }
            }
        }
    }
}
