import HMNConsensus
import HMNPrimitives

/// Stores committed blocks in the same canonical form block sync sends them in.
enum ConsensusMessageCoding {
    static func encode(_ block: CommittedBlock) -> [UInt8] { ConsensusMessage.blockResponse(block).canonicalBytes }

    static func decodeCommittedBlock(_ bytes: [UInt8]) throws -> CommittedBlock {
        guard case .blockResponse(let block) = try ConsensusMessage.decode(bytes, maxBytes: 64 << 20) else {
            throw KVApplicationError("stored block is not a committed block")
        }
        return block
    }
}
