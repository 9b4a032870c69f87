/// Lower-case hexadecimal, for logs, JSON and configuration files.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String { encode(Array(bytes)) }

    public static func encode(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { encode($0) } }

    /// Encodes contiguous bytes straight into the string's storage: ids, keys and signatures are
    /// hex-encoded for every log line, JSON answer and transaction result, so this sits on the
    /// admission path (a saturation profile of 2026-12-07 had 7 % of a node's CPU in `short`, which
    /// encoded a whole key to keep 8 digits).
    public static func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard !bytes.isEmpty else { return "" }
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = digit(byte >> 4)
                out[2 * index + 1] = digit(byte & 0x0f)
            }
            return bytes.count * 2
        }
    }

    /// The first `count` bytes (all of them if fewer), e.g. the 8-digit ids of log lines.
    public static func encodePrefix(_ bytes: [UInt8], count: Int) -> String {
        bytes.withUnsafeBufferPointer { encode(UnsafeBufferPointer(rebasing: $0.prefix(count))) }
    }

    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Decodes hex (either case); nil on odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
