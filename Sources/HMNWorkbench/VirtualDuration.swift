import Foundation

/// A span of virtual time, written `"10m"`, `"30s"`, `"250ms"`, `"1h"` or `"1m30s"` in scenario
/// files and on the command line (a bare JSON number means seconds).
public struct VirtualDuration: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var milliseconds: UInt64

    public init(milliseconds: UInt64) { self.milliseconds = milliseconds }

    public static func seconds(_ seconds: UInt64) -> VirtualDuration { VirtualDuration(milliseconds: seconds * 1_000) }

    /// Parses `"10m"`, `"1m30s"`, `"250ms"`, `"2h"`, `"45s"`; nil for anything else.
    public init?(parsing text: String) {
        var total: UInt64 = 0
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = UInt64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let scale: UInt64
            switch unit {
            case "ms": scale = 1
            case "s": scale = 1_000
            case "m": scale = 60_000
            case "h": scale = 3_600_000
            default: return nil
            }
            let (product, overflow) = value.multipliedReportingOverflow(by: scale)
            guard !overflow, product <= 1 << 50 else { return nil }
            total += product
        }
        milliseconds = total
    }

    /// The shortest exact spelling: `"10m"`, `"1m30s"`, `"250ms"`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var text = ""
        for (unit, scale) in [("h", UInt64(3_600_000)), ("m", 60_000), ("s", 1_000), ("ms", 1)] where rest >= scale {
            text += "\(rest / scale)\(unit)"
            rest %= scale
        }
        return text
    }

    public static func < (lhs: VirtualDuration, rhs: VirtualDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }
}

extension VirtualDuration: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            guard seconds.isFinite, seconds >= 0, seconds < 1e12 else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "duration must be ≥ 0 seconds")
            }
            self.init(milliseconds: UInt64((seconds * 1_000).rounded()))
            return
        }
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a duration like \"30s\" or a number of seconds")
        }
        guard let parsed = VirtualDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a duration like \"10m\", \"30s\" or \"250ms\"")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
