import Foundation
import HMNLedger
import HMNPrimitives

/// A node's home directory:
///
/// ```
/// <home>/config.json      NodeConfiguration
/// <home>/genesis.json     GenesisDocument (identical on every node of a chain)
/// <home>/node_key         Ed25519 seed, hex (mode 0600)
/// <home>/data/ledger.sqlite    Layer-1 blocks, accounts, Layer-2 state
/// <home>/data/consensus.wal    consensus write-ahead log
/// <home>/data/memory.sqlite    the vector memory store
/// ```
public struct NodeHome: Sendable {
    public let directory: String
    public let configuration: NodeConfiguration
    public let genesisDocument: GenesisDocument
    public let genesis: Genesis
    public let signingKey: SigningKey

    public static let configurationFile = "config.json"
    public static let genesisFile = "genesis.json"

    /// Loads and validates everything in `directory`; each missing or malformed file is a typed
    /// error naming it. Creates the data directory if needed.
    public static func load(_ directory: String) throws(NodeConfigurationError) -> NodeHome {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw NodeConfigurationError(.missingFile, "home directory does not exist", path: directory)
        }
        let configuration = try readJSON(
            NodeConfiguration.self, path: path(directory, configurationFile), what: "configuration")
        try configuration.validate()
        let document = try readJSON(GenesisDocument.self, path: path(directory, genesisFile), what: "genesis")
        let genesis = try document.genesis()
        guard genesis.chainID == configuration.chainID else {
            throw NodeConfigurationError(
                .invalidValue,
                "config.json names chain '\(configuration.chainID)' but genesis.json is for '\(genesis.chainID)'")
        }
        _ = try document.coherenceParameters()
        _ = try document.meshDigestSettleMilliseconds()
        _ = try document.emptyBlockWaitMilliseconds()
        _ = try document.meshLayout(dimension: configuration.vectorDimension)
        _ = try document.meshSplitPlanner()
        let key = try NodeKeyFile.read(path(directory, configuration.nodeKeyFile))
        let home = NodeHome(
            directory: directory, configuration: configuration, genesisDocument: document, genesis: genesis,
            signingKey: key)
        do {
            try FileManager.default.createDirectory(atPath: home.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw NodeConfigurationError(.io, "cannot create data directory: \(error)", path: home.dataDirectory)
        }
        return home
    }

    public var dataDirectory: String { Self.path(directory, configuration.dataDirectory) }
    public var ledgerPath: String { Self.path(dataDirectory, "ledger.sqlite") }
    public var walPath: String { Self.path(dataDirectory, "consensus.wal") }
    public var memoryPath: String { Self.path(dataDirectory, "memory.sqlite") }
    /// Pending transactions acknowledged or admitted here (see ``MempoolJournal``).
    public var mempoolPath: String { Self.path(dataDirectory, "mempool.sqlite") }

    /// `name` inside `directory` unless it is absolute.
    static func path(_ directory: String, _ name: String) -> String {
        name.hasPrefix("/") ? name : URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }

    static func readJSON<T: Decodable>(_ type: T.Type, path: String, what: String) throws(NodeConfigurationError) -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw NodeConfigurationError(.missingFile, "\(what) file does not exist", path: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeConfigurationError(.io, "cannot read \(what) file", path: path)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw NodeConfigurationError(.malformedFile, "\(what): missing field '\(key.stringValue)'", path: path)
        } catch let DecodingError.typeMismatch(_, context) {
            throw NodeConfigurationError(
                .malformedFile,
                "\(what): wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'",
                path: path)
        } catch {
            throw NodeConfigurationError(.malformedFile, "\(what) is not valid JSON: \(error)", path: path)
        }
    }

    static func writeJSON<T: Encodable>(_ value: T, path: String) throws(NodeConfigurationError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(value).write(to: URL(fileURLWithPath: path))
        } catch {
            throw NodeConfigurationError(.io, "cannot write: \(error)", path: path)
        }
    }
}
