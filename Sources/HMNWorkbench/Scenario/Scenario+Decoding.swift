import Foundation

// The JSON scenario format (Docs/RESEARCH.md, "Scenario files"). Every type rejects fields it
// does not know, so a typo ("validator" for "validators") is an error naming the field, not a
// silently ignored default.

extension Scenario: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, validators, powers, duration, seeds, firstSeed, network, load, faults
        case policies, allowForkStudy, emergencyThreshold, recoveryCoherence, baseEpoch
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), validators: try c.decode(Int.self, forKey: .validators),
            duration: try c.decode(VirtualDuration.self, forKey: .duration))
        summary = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        powers = try c.decodeIfPresent([UInt64].self, forKey: .powers)
        seeds = try c.decodeIfPresent(Int.self, forKey: .seeds) ?? seeds
        firstSeed = try c.decodeIfPresent(UInt64.self, forKey: .firstSeed) ?? firstSeed
        network = try c.decodeIfPresent(NetworkModel.self, forKey: .network) ?? network
        load = try c.decodeIfPresent(LoadModel.self, forKey: .load) ?? load
        faults = try c.decodeIfPresent(ScenarioFaults.self, forKey: .faults) ?? faults
        policies = try c.decodeIfPresent([PolicySpec].self, forKey: .policies) ?? []
        allowForkStudy = try c.decodeIfPresent(Bool.self, forKey: .allowForkStudy) ?? false
        emergencyThreshold = try c.decodeIfPresent(Double.self, forKey: .emergencyThreshold) ?? emergencyThreshold
        recoveryCoherence = try c.decodeIfPresent(Double.self, forKey: .recoveryCoherence)
        baseEpoch = try c.decodeIfPresent(VirtualDuration.self, forKey: .baseEpoch) ?? baseEpoch
    }

    /// Decodes a scenario from JSON bytes. Malformed input throws
    /// ``WorkbenchError/Code/malformedScenario`` naming the field (`faults.crashes[0].at`).
    public static func decode(json data: Data, source: String = "scenario") throws(WorkbenchError) -> Scenario {
        do {
            return try JSONDecoder().decode(Scenario.self, from: data)
        } catch let error as DecodingError {
            throw WorkbenchError(.malformedScenario, "\(source): \(Self.explain(error))")
        } catch {
            throw WorkbenchError(.malformedScenario, "\(source): \(error)")
        }
    }

    static func explain(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == "\(index)" {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "the top level" : "field \(text)"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
            return "missing field '\(key.stringValue)'\(parent)"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.typeName(type)), found null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = (context.underlyingError as NSError?)?.localizedDescription ?? context.debugDescription
                return "not valid JSON (\(underlying))"
            }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is UInt64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "a list" : "an object"
        }
    }
}

extension NetworkModel: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case minDelay, maxDelay, lossPercent, duplicatePercent }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        minDelay = try c.decodeIfPresent(VirtualDuration.self, forKey: .minDelay) ?? minDelay
        maxDelay = try c.decodeIfPresent(VirtualDuration.self, forKey: .maxDelay) ?? maxDelay
        lossPercent = try c.decodeIfPresent(Double.self, forKey: .lossPercent) ?? 0
        duplicatePercent = try c.decodeIfPresent(Double.self, forKey: .duplicatePercent) ?? 0
    }
}

extension LoadModel: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case txPerSecond, spikes }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            transactionsPerSecond: try c.decodeIfPresent(Double.self, forKey: .txPerSecond) ?? 0,
            spikes: try c.decodeIfPresent([Spike].self, forKey: .spikes) ?? [])
    }
}

extension LoadModel.Spike: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case at
        case duration = "for"
        case txPerSecond
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            at: try c.decode(VirtualDuration.self, forKey: .at),
            duration: try c.decode(VirtualDuration.self, forKey: .duration),
            transactionsPerSecond: try c.decode(Double.self, forKey: .txPerSecond))
    }
}

extension ScenarioFaults: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case crashes, partitions, byzantine, memoryDivergence, replicaFaults
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        crashes = try c.decodeIfPresent([Crash].self, forKey: .crashes) ?? []
        partitions = try c.decodeIfPresent([Partition].self, forKey: .partitions) ?? []
        byzantine = try c.decodeIfPresent([Byzantine].self, forKey: .byzantine) ?? []
        memoryDivergence = try c.decodeIfPresent([MemoryDivergence].self, forKey: .memoryDivergence) ?? []
        replicaFaults = try c.decodeIfPresent([ReplicaFault].self, forKey: .replicaFaults) ?? []
    }
}

extension ScenarioFaults.ReplicaFault: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case nodes, kind, at
        case duration = "for"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nodes = try c.decode([Int].self, forKey: .nodes)
        let name = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription: "unknown replica fault '\(name)'; one of \(Kind.allCases.map(\.rawValue))")
        }
        self.kind = kind
        at = try c.decode(VirtualDuration.self, forKey: .at)
        duration = try c.decode(VirtualDuration.self, forKey: .duration)
    }
}

extension ScenarioFaults.Crash: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case node, at
        case duration = "for"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        node = try c.decode(Int.self, forKey: .node)
        at = try c.decode(VirtualDuration.self, forKey: .at)
        duration = try c.decode(VirtualDuration.self, forKey: .duration)
    }
}

extension ScenarioFaults.Partition: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case isolate, at, symmetric
        case duration = "for"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        isolate = try c.decode([Int].self, forKey: .isolate)
        at = try c.decode(VirtualDuration.self, forKey: .at)
        duration = try c.decode(VirtualDuration.self, forKey: .duration)
        symmetric = try c.decodeIfPresent(Bool.self, forKey: .symmetric) ?? true
    }
}

extension ScenarioFaults.Byzantine: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case node, behaviour }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        node = try c.decode(Int.self, forKey: .node)
        behaviour = try c.decodeIfPresent([String].self, forKey: .behaviour) ?? behaviour
    }
}

extension ScenarioFaults.MemoryDivergence: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case nodes, at
        case duration = "for"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nodes = try c.decode([Int].self, forKey: .nodes)
        at = try c.decode(VirtualDuration.self, forKey: .at)
        duration = try c.decode(VirtualDuration.self, forKey: .duration)
    }
}

/// Any JSON object key, to list the keys a container actually holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

extension Decoder {
    /// Throws `DecodingError.dataCorrupted` at the first key that is not one of `Keys`.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let allowed = Keys.allCases.map(\.stringValue)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue })
        where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription: "unknown field (allowed here: \(allowed.joined(separator: ", ")))"))
        }
    }
}
