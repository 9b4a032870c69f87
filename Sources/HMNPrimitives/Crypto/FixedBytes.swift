/// Equality of the fixed-size byte strings that keys, hashes and signatures are, a machine word at a
/// time. The synthesized `==` goes through the generic `Array ==` element by element, and in a
/// saturation profile (2026-12-07) `Hash256 ==` alone was 1.1–1.4 % of the machine: every mempool,
/// memo and dictionary lookup keyed by an id ends in one.
enum FixedBytes {
    @inline(__always)
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                var offset = 0
                while offset + 8 <= x.count {
                    guard
                        x.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                            == y.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    else { return false }
                    offset += 8
                }
                while offset < x.count {
                    guard x[offset] == y[offset] else { return false }
                    offset += 1
                }
                return true
            }
        }
    }
}
