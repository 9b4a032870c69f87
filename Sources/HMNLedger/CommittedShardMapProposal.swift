/// A committed ``TransactionBody/shardMapProposal(payload:)``: where the chain put it and its bytes.
/// A node folds these, in chain order, over its genesis shard layout to know the current map.
public struct CommittedShardMapProposal: Hashable, Sendable {
    /// Height of the block that committed it.
    public var height: UInt64
    /// Its index in that block's transactions.
    public var position: Int
    /// The mesh's proposal bytes, as the validator sent them.
    public var payload: [UInt8]

    public init(height: UInt64, position: Int, payload: [UInt8]) {
        self.height = height
        self.position = position
        self.payload = payload
    }
}
