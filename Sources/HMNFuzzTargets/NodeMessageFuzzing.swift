import HMNLedger
import HMNNode
import HMNPrimitives

/// The node's wire protocol as `FullNode.handle` receives it: ``NodeMessage/decode(_:maxBytes:)``
/// under the node's message limit, then, for transaction gossip, the mempool's decode of the
/// carried bytes.
///
/// Oracle: accepted bytes re-encode identically, at both levels (a transaction relayed with a
/// different spelling would get a different gossip dedupe hash and a malleable id).
enum NodeMessageFuzzing {
    static func decode(_ bytes: [UInt8]) -> NodeMessage? {
        try? NodeMessage.decode(bytes, maxBytes: NodeMessage.defaultMaxBytes)
    }

    /// Runs one input; returns whether the message decoded.
    @discardableResult
    static func message(_ bytes: [UInt8]) -> Bool {
        guard let message = decode(bytes) else { return false }
        precondition(message.canonicalBytes == bytes, "NodeMessage accepted a non-canonical encoding")
        if case .transaction(let payload) = message,
            let transaction = try? SignedTransaction.decode(
                payload, maxBytes: Int(LedgerParameters().maxTransactionBytes))
        {
            precondition(
                transaction.canonicalBytes == payload, "gossiped transaction decoded from a non-canonical encoding")
        }
        return true
    }
}
