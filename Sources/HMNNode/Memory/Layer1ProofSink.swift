import HMNLedger
import HMNPrimitives

/// Where the memory-mesh service sends a critical record's proof to be committed on Layer 1.
public protocol Layer1ProofSink: Sendable {
    /// Submits `proof`; returns the id of the Layer-1 transaction carrying it.
    func commit(_ proof: MemoryProof) async throws(NodeError) -> Hash256
}

/// The node's own sink: a memory-proof transaction signed by the node key at its next nonce,
/// admitted to the local mempool and gossiped like any transaction.
public struct LedgerProofSink: Layer1ProofSink {
    let driver: ConsensusDriver
    let messenger: any PeerMessenger

    public init(driver: ConsensusDriver, messenger: any PeerMessenger) {
        self.driver = driver
        self.messenger = messenger
    }

    public func commit(_ proof: MemoryProof) async throws(NodeError) -> Hash256 {
        switch await driver.submitOwnTransaction(.memoryProof(proof)) {
        case .success(let submitted):
            await messenger.broadcast(.transaction(submitted.bytes), excluding: nil)
            return submitted.id
        case .failure(let error):
            throw error
        }
    }
}
