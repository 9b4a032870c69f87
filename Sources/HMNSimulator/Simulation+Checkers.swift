import HMNConsensus
import HMNPrimitives

/// The invariants checked as events are processed: agreement, validity, identical app hashes and
/// no honest double-sign. (Liveness is checked by ``Simulation/run()`` after the heal.)
extension Simulation {
    func checkDoubleSign(_ vote: Vote, node: SimulatedNode) {
        guard !node.isByzantine else { return }
        let slot = VoteSlot(validator: vote.validator, height: vote.height, round: vote.round, type: vote.type)
        if let previous = signedVotes[slot] {
            if previous != vote.blockID {
                violate(
                    .doubleSign, node: node.index,
                    "signed \(vote.type) at \(vote.height)/\(vote.round) for \(vote.blockID?.short ?? "nil") "
                        + "after \(previous?.short ?? "nil")")
            }
        } else {
            signedVotes[slot] = vote.blockID
        }
    }

    func checkFinalized(_ finalized: FinalizedHeight, node: SimulatedNode) {
        node.finalizedHeight = finalized.height
        if finalized.viaBlockSync { blocksSynced += 1 }
        guard !node.isByzantine else { return }
        let height = finalized.height
        if !acceptedBlocks.contains(NodeBlock(node: node.index, blockID: finalized.block.id)) {
            violate(
                .validity, node: node.index, "finalized \(finalized.block.id.short) at \(height) without accepting it")
        }
        if let decided = decidedBlocks[height] {
            if decided != finalized.block.id {
                violate(
                    .agreement, node: node.index, "height \(height): \(finalized.block.id.short) vs \(decided.short)")
            }
        } else {
            decidedBlocks[height] = finalized.block.id
            if finalized.response.nextHeightIsEmergency { emergencyHeightsFinalized += 1 }
        }
        if let known = appHashes[height] {
            if known != finalized.response.appHash {
                violate(
                    .appHash, node: node.index,
                    "height \(height): app hash \(finalized.response.appHash.short) vs \(known.short)")
            }
        } else {
            appHashes[height] = finalized.response.appHash
        }
        var latency: UInt64?
        if !finalized.viaBlockSync, let start = node.roundZeroStart[height] {
            latency = now - start
            heightLatencies.append(now - start)
        }
        node.roundZeroStart[height] = nil
        onFinalized?(node.index, finalized)
        onFinalizedWithLatency?(node.index, finalized, latency)
    }
}
