import HMNNode
import HMNPrimitives

/// `GET /v1/status`: height, λ, Ĉ, validators with Ψ and power, peers.
public struct StatusJSON: Codable, Hashable, Sendable {
    public var chainId: String
    public var nodeKey: String
    public var height: UInt64
    public var lastBlockId: String
    public var round: UInt32
    /// λ(t) after the last committed block.
    public var lambda: FixedPointJSON
    /// Ĉ(t) after the last committed block.
    public var coherence: FixedPointJSON
    public var nextHeightIsEmergency: Bool
    public var lastFinalityMilliseconds: UInt64?
    public var validators: [ValidatorStatusJSON]
    public var peers: [String]
    public var mempoolSize: Int
    public var memoryRecords: Int
    /// Catching up by block sync; transactions are refused with 503 meanwhile.
    public var syncing: Bool

    public init(_ status: NodeStatus) {
        chainId = status.chainID
        nodeKey = status.nodeKey.hex
        height = status.height
        lastBlockId = status.lastBlockID.hex
        round = status.round
        lambda = FixedPointJSON(status.lambda)
        coherence = FixedPointJSON(status.coherence)
        nextHeightIsEmergency = status.nextHeightIsEmergency
        lastFinalityMilliseconds = status.lastFinalityMilliseconds
        validators = status.validators.map(ValidatorStatusJSON.init)
        peers = status.peers.map(\.hex)
        mempoolSize = status.mempoolSize
        memoryRecords = status.memoryRecords
        syncing = status.syncing
    }
}

/// A validator in the status: key, voting power and Ψ.
public struct ValidatorStatusJSON: Codable, Hashable, Sendable {
    public var key: String
    public var power: UInt64
    public var psi: FixedPointJSON

    public init(_ validator: ValidatorStatus) {
        key = validator.key.hex
        power = validator.power
        psi = FixedPointJSON(validator.psi)
    }
}

/// `GET /health`: `{"status": "ok"}` while the server answers.
public struct HealthJSON: Codable, Hashable, Sendable {
    public var status: String
    public var height: UInt64

    public init(status: String, height: UInt64) {
        self.status = status
        self.height = height
    }
}
