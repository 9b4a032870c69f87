/// The distance kernels every index spends its time in.
///
/// Two independent `SIMD16<Float>` accumulators over unaligned loads: on x86-64 each becomes AVX
/// (or paired SSE) multiply-adds, and two chains hide the add latency. The tail is scalar.
enum SIMDKernels {
    /// Pairwise halving (16 → 8 → 4 lanes) before the final sum: `SIMD16.sum()` adds lane by lane,
    /// a serial chain of 15 scalar adds that costs as much as the multiply-adds themselves at d = 128.
    @inline(__always)
    static func horizontalSum(_ value: SIMD16<Float>) -> Float {
        let eight = value.lowHalf + value.highHalf
        let four = eight.lowHalf + eight.highHalf
        let two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        #if DEBUG
            // Unoptimized builds call every SIMD operator out of line (~50× slower than scalar code);
            // tests run in debug, so they get a plain loop. Release builds take the SIMD path below.
            var total: Float = 0
            for index in 0..<count { total += a[index] * b[index] }
            return total
        #else
            let ra = UnsafeRawPointer(a)
            let rb = UnsafeRawPointer(b)
            var acc0 = SIMD16<Float>()
            var acc1 = SIMD16<Float>()
            var index = 0
            while index + 32 <= count {
                let offset = index &* 4
                acc0 +=
                    ra.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                    * rb.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                acc1 +=
                    ra.loadUnaligned(fromByteOffset: offset &+ 64, as: SIMD16<Float>.self)
                    * rb.loadUnaligned(fromByteOffset: offset &+ 64, as: SIMD16<Float>.self)
                index &+= 32
            }
            if index + 16 <= count {
                let offset = index &* 4
                acc0 +=
                    ra.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                    * rb.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                index &+= 16
            }
            var sum = horizontalSum(acc0 + acc1)
            while index < count {
                sum += a[index] * b[index]
                index &+= 1
            }
            return sum
        #endif
    }

    @inline(__always)
    static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        #if DEBUG
            var total: Float = 0
            for index in 0..<count {
                let d = a[index] - b[index]
                total += d * d
            }
            return total
        #else
            let ra = UnsafeRawPointer(a)
            let rb = UnsafeRawPointer(b)
            var acc0 = SIMD16<Float>()
            var acc1 = SIMD16<Float>()
            var index = 0
            while index + 32 <= count {
                let offset = index &* 4
                let d0 =
                    ra.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                    - rb.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                let d1 =
                    ra.loadUnaligned(fromByteOffset: offset &+ 64, as: SIMD16<Float>.self)
                    - rb.loadUnaligned(fromByteOffset: offset &+ 64, as: SIMD16<Float>.self)
                acc0 += d0 * d0
                acc1 += d1 * d1
                index &+= 32
            }
            if index + 16 <= count {
                let offset = index &* 4
                let d0 =
                    ra.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                    - rb.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                acc0 += d0 * d0
                index &+= 16
            }
            var sum = horizontalSum(acc0 + acc1)
            while index < count {
                let d = a[index] - b[index]
                sum += d * d
                index &+= 1
            }
            return sum
        #endif
    }
}
