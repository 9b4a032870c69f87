import Foundation

/// A policy by name with parameter overrides: `pid:kp=0.5,ki=0.1` on the command line, or
/// `{"name": "pid", "parameters": {"kp": 0.5}}` (or the same string) in a scenario file.
/// Parameters not given take the policy's defaults (see ``PolicyRegistry``).
public struct PolicySpec: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var parameters: [String: Double]

    public init(name: String, parameters: [String: Double] = [:]) {
        self.name = name
        self.parameters = parameters
    }

    /// Parses `name` or `name:key=value,key=value`.
    ///
    /// - Throws: ``WorkbenchError/Code/invalidParameter`` naming the malformed part.
    public init(parsing text: String) throws(WorkbenchError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else {
            throw WorkbenchError(.invalidParameter, "policy spec '\(text)' has no name (expected name:key=value,…)")
        }
        var parameters: [String: Double] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = keyValue.first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
                guard keyValue.count == 2, !key.isEmpty else {
                    throw WorkbenchError(
                        .invalidParameter, "policy spec '\(text)': '\(pair)' is not key=value")
                }
                guard let value = Double(keyValue[1].trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw WorkbenchError(
                        .invalidParameter, "policy spec '\(text)': value of '\(key)' is not a finite number")
                }
                guard parameters[key] == nil else {
                    throw WorkbenchError(.invalidParameter, "policy spec '\(text)': '\(key)' given twice")
                }
                parameters[key] = value
            }
        }
        self.init(name: name, parameters: parameters)
    }

    /// `name:key=value,…` with keys sorted: parseable back, stable across runs.
    public var description: String {
        guard !parameters.isEmpty else { return name }
        return name + ":"
            + parameters.keys.sorted().map { "\($0)=\(Self.format(parameters[$0]!))" }
            .joined(separator: ",")
    }

    /// A file-name-safe label: `pid`, `pid-kp0.5-ki0.1`.
    public var label: String {
        let raw = ([name] + parameters.keys.sorted().map { "\($0)\(Self.format(parameters[$0]!))" })
            .joined(separator: "-")
        return String(raw.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "_" })
    }

    /// Shortest round-tripping text of a parameter value (`0.5`, `2`, `1e-06`).
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

extension PolicySpec: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case name, parameters }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer(), let text = try? container.decode(String.self) {
            do {
                self = try PolicySpec(parsing: text)
            } catch {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
            }
            return
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            parameters: try c.decodeIfPresent([String: Double].self, forKey: .parameters) ?? [:])
    }
}
