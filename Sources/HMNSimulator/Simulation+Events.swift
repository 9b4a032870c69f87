import HMNConsensus
import HMNPrimitives

/// Event processing: node life cycle, the faulty network and action execution.
extension Simulation {
    func process(_ event: SimulationEvent) {
        switch event {
        case .start(let index):
            trace.record(now, 1, UInt64(index))
            boot(nodes[index])
        case .deliver(let from, let to, let bytes):
            trace.record(now, 2, UInt64(from), UInt64(to))
            trace.record(bytes: bytes)
            deliver(bytes, from: from, to: nodes[to])
        case .timer(let index, let incarnation, let timeout):
            let node = nodes[index]
            guard node.isUp, node.incarnation == incarnation else { return }
            trace.record(now, 3, UInt64(index), timeout.height, UInt64(timeout.round), UInt64(timeout.step.rawValue))
            drive(node, .timeout(timeout))
        case .crash(let index):
            trace.record(now, 4, UInt64(index))
            let node = nodes[index]
            node.isUp = false
            node.engine = nil
            node.application = nil
            node.incarnation += 1
        case .restart(let index):
            trace.record(now, 5, UInt64(index))
            let node = nodes[index]
            guard !node.isUp else { return }
            node.restarts += 1
            boot(node)
        case .heal:
            trace.record(now, 6)
            healHeight = honestNodes.map(\.finalizedHeight).max() ?? 0
            for node in nodes where !node.isUp { boot(node) }
        }
    }

    /// Creates the application from the node's disk and the engine from its WAL, then starts it.
    func boot(_ node: SimulatedNode) {
        let context = SimulatedNodeContext(
            index: node.index, signingKey: node.signingKey, chainID: configuration.chainID, genesis: genesis,
            disk: node.disk, reportsFaultyShardDigests: configuration.faults.faultyShardDigests.contains(node.index))
        do {
            let application = try factory.makeApplication(context)
            let records = try node.wal.records()
            node.engine = try ConsensusEngine(
                configuration: configuration.consensus, signingKey: node.signingKey, application: application,
                walRecords: records, logger: logger)
            node.application = application
            node.finalizedHeight = try application.info().lastHeight
        } catch {
            violate(.recovery, node: node.index, "restart failed: \(error)")
            return
        }
        node.isUp = true
        node.incarnation += 1
        drive(node, .start)
    }

    func drive(_ node: SimulatedNode, _ event: ConsensusEvent) {
        guard node.isUp, node.engine != nil, let application = node.application else { return }
        let actions = node.engine!.handle(event, now: node.localTime(now), application: application)
        execute(actions, on: node)
    }

    func deliver(_ bytes: [UInt8], from: Int, to node: SimulatedNode) {
        guard node.isUp else { return }
        guard let message = try? ConsensusMessage.decode(bytes, maxBytes: configuration.consensus.maxMessageBytes)
        else {
            malformedMessages += 1
            return
        }
        drive(node, .message(message, from: nodes[from].signingKey.publicKey))
    }

    func execute(_ actions: [ConsensusAction], on node: SimulatedNode) {
        for action in actions {
            switch action {
            case .persist(let record):
                try? node.wal.append(record)
                switch record {
                case .signedVote(let vote): checkDoubleSign(vote, node: node)
                case .roundStarted(let height, 0): node.roundZeroStart[height] = now
                default: break
                }
            case .checkpoint(let snapshot):
                try? node.wal.checkpoint(snapshot)
            case .broadcast(let message):
                broadcast(message, from: node)
            case .send(let message, let key):
                if let target = indexByKey[key] { send(message.canonicalBytes, from: node.index, to: target) }
            case .scheduleTimeout(let timeout, let delay):
                queue.push(.timer(node: node.index, incarnation: node.incarnation, timeout), at: now + delay)
            case .finalized(let finalized):
                checkFinalized(finalized, node: node)
            case .verdict(_, _, let blockID, let accepted):
                if accepted { acceptedBlocks.insert(NodeBlock(node: node.index, blockID: blockID)) }
            case .evidence:
                evidenceDetected += 1
            case .halted(let error):
                if !node.isByzantine { violate(.halted, node: node.index, "\(error)") }
            }
        }
    }

    func broadcast(_ message: ConsensusMessage, from node: SimulatedNode) {
        let behavior = node.behavior ?? []
        var outgoing = message
        if behavior.contains(.invalidProposals), case .proposal(let proposal) = message {
            let junk = (0..<48).map { _ in UInt8.random(in: 0...255, using: &network) }
            let block = ProposedBlock(id: Hash256.of(junk), bytes: junk)
            outgoing = .proposal(
                Proposal.signed(
                    chainID: configuration.chainID, height: proposal.height, round: proposal.round,
                    validRound: proposal.validRound, block: block,
                    timestampMilliseconds: proposal.timestampMilliseconds,
                    key: node.signingKey))
        }
        let bytes = outgoing.canonicalBytes
        for peer in nodes where peer.index != node.index { send(bytes, from: node.index, to: peer.index) }
        if behavior.contains(.equivocate), case .vote(let vote) = message {
            let fake = Hash256.of(parts: [Array("equivocation".utf8), vote.canonicalBytes])
            let conflicting = Vote.signed(
                chainID: configuration.chainID, height: vote.height, round: vote.round, type: vote.type,
                blockID: vote.blockID == nil ? fake : nil,
                voteExtension: vote.type == .precommit && vote.blockID == nil
                    ? VoteExtension(lambdaProposal: .one) : nil,
                key: node.signingKey)
            let conflictingBytes = ConsensusMessage.vote(conflicting).canonicalBytes
            for peer in nodes where peer.index != node.index && Bool.random(using: &network) {
                send(conflictingBytes, from: node.index, to: peer.index)
            }
        }
        if behavior.contains(.garbage), UInt64.random(in: 0..<4, using: &network) == 0 {
            let target = Int.random(in: 0..<nodes.count, using: &network)
            let junk = (0..<Int.random(in: 0...96, using: &network)).map { _ in
                UInt8.random(in: 0...255, using: &network)
            }
            send(junk, from: node.index, to: target)
            if case .vote(var vote) = message {
                vote.blockID = Hash256.of(junk)
                send(ConsensusMessage.vote(vote).canonicalBytes, from: node.index, to: target)
            }
        }
    }

    func send(_ bytes: [UInt8], from sender: Int, to receiver: Int) {
        let faults = configuration.faults
        messagesSent += 1
        bytesSent += bytes.count
        let healed = now >= faults.healMilliseconds
        if !healed {
            if faults.partitions.contains(where: { $0.blocks(sender, receiver, at: now) })
                || UInt64.random(in: 0..<1000, using: &network) < faults.lossPerMille
            {
                messagesDropped += 1
                return
            }
        }
        let copies = !healed && UInt64.random(in: 0..<1000, using: &network) < faults.duplicatePerMille ? 2 : 1
        for _ in 0..<copies {
            var delay: UInt64
            if healed {
                delay = UInt64.random(in: 1...max(1, faults.healedMaxDelayMilliseconds), using: &network)
            } else {
                delay = UInt64.random(in: faults.minDelayMilliseconds...faults.maxDelayMilliseconds, using: &network)
                if UInt64.random(in: 0..<1000, using: &network) < faults.reorderPerMille {
                    delay += UInt64.random(in: 0...(2 * faults.maxDelayMilliseconds), using: &network)
                }
            }
            queue.push(.deliver(from: sender, to: receiver, bytes: bytes), at: now + delay)
        }
    }
}
