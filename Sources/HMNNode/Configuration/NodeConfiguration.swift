import Foundation
import HMNConsensus
import HMNLedger
import HMNTransport

/// A node's `config.json`: who it is, where it listens, whom it dials, where it keeps its data,
/// its consensus timeouts, its λ policy and the memory mesh's vector dimension.
///
/// ```json
/// {
///   "chainID": "hmn-devnet",
///   "moniker": "node0",
///   "nodeKeyFile": "node_key",
///   "listenHost": "127.0.0.1",
///   "listenPort": 26656,
///   "httpPort": 26657,
///   "peers": ["<hex key>@127.0.0.1:26666"],
///   "dataDirectory": "data",
///   "timeouts": {"proposeMilliseconds": 1000, "prevoteMilliseconds": 500, "precommitMilliseconds": 500,
///                "deltaMilliseconds": 250, "gossipMilliseconds": 500},
///   "lambdaPolicy": {"name": "threshold", "parameters": {}},
///   "vectorDimension": 64,
///   "vectorBackend": {"kind": "embedded"}
/// }
/// ```
/// Relative paths are relative to the home directory. Every field but `chainID` has a default.
/// `"faults"` (``NodeFaults``, absent by default) injects faults for tests and drills.
/// `"submissionBacklog"` and `"maxProposalTransactions"` (absent by default) are
/// ``submissionBacklog`` and ``maxProposalTransactions``.
public struct NodeConfiguration: Hashable, Sendable, Codable {
    public var chainID: String
    /// A human name for logs.
    public var moniker: String
    /// The file holding the node's Ed25519 seed in hex (64 characters).
    public var nodeKeyFile: String
    public var listenHost: String
    public var listenPort: Int
    /// Port of the HTTP API (served by the HTTP front end, not by the node itself).
    public var httpPort: Int
    /// Peers to dial, as `hexkey@host:port`.
    public var peers: [String]
    public var dataDirectory: String
    public var timeouts: Timeouts
    public var lambdaPolicy: LambdaPolicyConfiguration
    public var vectorDimension: Int
    /// Where memory records are kept: the embedded store (default) or a Milvus collection.
    public var vectorBackend: VectorBackendConfiguration
    /// Injected faults, for tests and drills only; nil (absent from the file) on a healthy node.
    public var faults: NodeFaults?
    /// Pending transactions above which the API refuses new submissions (`429 overloaded`,
    /// `Retry-After`); nil (absent from the file): ``defaultSubmissionBacklog``. Transactions from
    /// peers are still admitted up to the chain's mempool capacity: a peer acknowledged them.
    ///
    /// Why a limit below the mempool's capacity: on a loaded machine every transaction admitted is
    /// verified and projected by every node, on the same cores that decide blocks. A backlog past
    /// what the next blocks can carry does not make the chain commit sooner; it only takes CPU
    /// from the height being decided (a closed-loop flood once stretched heights from 0.4 s to 5 s
    /// and pushed a node into block sync) and makes every acknowledged transaction wait longer.
    public var submissionBacklog: Int?
    /// Most transactions this node puts in a block it proposes (a proposer's policy, not a validity
    /// rule: blocks of other proposers are checked against the chain's `maxBlockBytes` only); nil
    /// (absent from the file): `LedgerApplication.defaultMaxProposalTransactions` (8,192).
    ///
    /// Under the standard profile a height starts only after the epoch delay (≈ 1.2 s), so a
    /// saturated chain commits at most this many transactions per delay plus round: raise it to
    /// carry more per height, at the price of longer rounds (every validator executes the block
    /// within the round's timeouts).
    public var maxProposalTransactions: Int?

    /// Twice what one proposal carries: the block being decided and the next one.
    public static func defaultSubmissionBacklog(maxProposalTransactions: Int?) -> Int {
        2 * (maxProposalTransactions ?? LedgerApplication.defaultMaxProposalTransactions)
    }

    /// The default backlog with the default proposal size (2 × 8,192).
    public static let defaultSubmissionBacklog = defaultSubmissionBacklog(maxProposalTransactions: nil)

    /// The backlog this configuration gives: ``submissionBacklog``, or twice
    /// ``maxProposalTransactions``.
    public var effectiveSubmissionBacklog: Int {
        submissionBacklog ?? Self.defaultSubmissionBacklog(maxProposalTransactions: maxProposalTransactions)
    }

    /// Consensus round timeouts (Tendermint's `timeout_propose` etc.).
    public struct Timeouts: Hashable, Sendable, Codable {
        public var proposeMilliseconds: UInt64
        public var prevoteMilliseconds: UInt64
        public var precommitMilliseconds: UInt64
        /// Added per round to each timeout.
        public var deltaMilliseconds: UInt64
        /// Re-broadcast interval of the node's own votes (lost-message repair).
        public var gossipMilliseconds: UInt64

        public init(
            proposeMilliseconds: UInt64 = 1_000, prevoteMilliseconds: UInt64 = 500,
            precommitMilliseconds: UInt64 = 500, deltaMilliseconds: UInt64 = 250, gossipMilliseconds: UInt64 = 500
        ) {
            self.proposeMilliseconds = proposeMilliseconds
            self.prevoteMilliseconds = prevoteMilliseconds
            self.precommitMilliseconds = precommitMilliseconds
            self.deltaMilliseconds = deltaMilliseconds
            self.gossipMilliseconds = gossipMilliseconds
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Timeouts()
            proposeMilliseconds =
                try c.decodeIfPresent(UInt64.self, forKey: .proposeMilliseconds) ?? d.proposeMilliseconds
            prevoteMilliseconds =
                try c.decodeIfPresent(UInt64.self, forKey: .prevoteMilliseconds) ?? d.prevoteMilliseconds
            precommitMilliseconds =
                try c.decodeIfPresent(UInt64.self, forKey: .precommitMilliseconds) ?? d.precommitMilliseconds
            deltaMilliseconds = try c.decodeIfPresent(UInt64.self, forKey: .deltaMilliseconds) ?? d.deltaMilliseconds
            gossipMilliseconds = try c.decodeIfPresent(UInt64.self, forKey: .gossipMilliseconds) ?? d.gossipMilliseconds
        }

        /// The engine configuration these timeouts give.
        public var consensus: ConsensusConfiguration {
            var configuration = ConsensusConfiguration()
            configuration.proposeTimeoutMilliseconds = proposeMilliseconds
            configuration.proposeTimeoutDeltaMilliseconds = deltaMilliseconds * 2
            configuration.prevoteTimeoutMilliseconds = prevoteMilliseconds
            configuration.prevoteTimeoutDeltaMilliseconds = deltaMilliseconds
            configuration.precommitTimeoutMilliseconds = precommitMilliseconds
            configuration.precommitTimeoutDeltaMilliseconds = deltaMilliseconds
            configuration.gossipIntervalMilliseconds = gossipMilliseconds
            return configuration
        }
    }

    public init(
        chainID: String, moniker: String = "node", nodeKeyFile: String = "node_key", listenHost: String = "127.0.0.1",
        listenPort: Int = 26656, httpPort: Int = 26657, peers: [String] = [], dataDirectory: String = "data",
        timeouts: Timeouts = Timeouts(), lambdaPolicy: LambdaPolicyConfiguration = LambdaPolicyConfiguration(),
        vectorDimension: Int = 64, vectorBackend: VectorBackendConfiguration = .embedded, faults: NodeFaults? = nil,
        submissionBacklog: Int? = nil, maxProposalTransactions: Int? = nil
    ) {
        self.chainID = chainID
        self.moniker = moniker
        self.nodeKeyFile = nodeKeyFile
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.httpPort = httpPort
        self.peers = peers
        self.dataDirectory = dataDirectory
        self.timeouts = timeouts
        self.lambdaPolicy = lambdaPolicy
        self.vectorDimension = vectorDimension
        self.vectorBackend = vectorBackend
        self.faults = faults
        self.submissionBacklog = submissionBacklog
        self.maxProposalTransactions = maxProposalTransactions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = NodeConfiguration(chainID: "")
        chainID = try c.decode(String.self, forKey: .chainID)
        moniker = try c.decodeIfPresent(String.self, forKey: .moniker) ?? d.moniker
        nodeKeyFile = try c.decodeIfPresent(String.self, forKey: .nodeKeyFile) ?? d.nodeKeyFile
        listenHost = try c.decodeIfPresent(String.self, forKey: .listenHost) ?? d.listenHost
        listenPort = try c.decodeIfPresent(Int.self, forKey: .listenPort) ?? d.listenPort
        httpPort = try c.decodeIfPresent(Int.self, forKey: .httpPort) ?? d.httpPort
        peers = try c.decodeIfPresent([String].self, forKey: .peers) ?? []
        dataDirectory = try c.decodeIfPresent(String.self, forKey: .dataDirectory) ?? d.dataDirectory
        timeouts = try c.decodeIfPresent(Timeouts.self, forKey: .timeouts) ?? Timeouts()
        lambdaPolicy = try c.decodeIfPresent(LambdaPolicyConfiguration.self, forKey: .lambdaPolicy) ?? d.lambdaPolicy
        vectorDimension = try c.decodeIfPresent(Int.self, forKey: .vectorDimension) ?? d.vectorDimension
        vectorBackend = try c.decodeIfPresent(VectorBackendConfiguration.self, forKey: .vectorBackend) ?? .embedded
        faults = try c.decodeIfPresent(NodeFaults.self, forKey: .faults)
        submissionBacklog = try c.decodeIfPresent(Int.self, forKey: .submissionBacklog)
        maxProposalTransactions = try c.decodeIfPresent(Int.self, forKey: .maxProposalTransactions)
    }

    /// Checks ranges and parses the peer list.
    public func validate() throws(NodeConfigurationError) {
        guard !chainID.isEmpty, chainID.utf8.count <= 64 else {
            throw NodeConfigurationError(.invalidValue, "chainID must be 1…64 bytes")
        }
        guard (0...65535).contains(listenPort), (0...65535).contains(httpPort) else {
            throw NodeConfigurationError(.invalidValue, "ports must be in 0…65535")
        }
        guard (1...65_536).contains(vectorDimension) else {
            throw NodeConfigurationError(.invalidValue, "vectorDimension must be in 1…65536, got \(vectorDimension)")
        }
        if let submissionBacklog, !(1...1_000_000).contains(submissionBacklog) {
            throw NodeConfigurationError(
                .invalidValue, "submissionBacklog must be in 1…1000000, got \(submissionBacklog)")
        }
        if let maxProposalTransactions, !(1...100_000).contains(maxProposalTransactions) {
            throw NodeConfigurationError(
                .invalidValue, "maxProposalTransactions must be in 1…100000, got \(maxProposalTransactions)")
        }
        _ = try peerAddresses()
        _ = try lambdaPolicy.makePolicy()
        if case .milvus(let connection) = vectorBackend {
            do {
                try connection.validate()
            } catch {
                throw NodeConfigurationError(.invalidValue, "vectorBackend: \(error.message)")
            }
        }
        do {
            try timeouts.consensus.validate()
        } catch {
            throw NodeConfigurationError(.invalidValue, "timeouts: \(error.message)")
        }
    }

    /// The parsed peer list.
    public func peerAddresses() throws(NodeConfigurationError) -> [PeerAddress] {
        var addresses: [PeerAddress] = []
        for text in peers {
            do {
                addresses.append(try PeerAddress(parsing: text))
            } catch {
                throw NodeConfigurationError(.invalidValue, "peer '\(text)': \(error.message)")
            }
        }
        return addresses
    }
}
