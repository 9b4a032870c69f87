import HMNConsensus
import HMNPrimitives
import Testing

@testable import HMNSimulator

@Suite("Simulation scenarios")
struct SimulationTests {
    @Test("a clean 4-validator network finalizes heights with all checkers quiet")
    func cleanNetwork() throws {
        var configuration = SimulationConfiguration(seed: 1, powers: [1, 1, 1, 1])
        configuration.minimumHeight = 10
        let report = try Simulation(configuration: configuration).run()
        #expect(report.passed, "\(report)")
        #expect(report.committedHeight >= 10)
        // 4 validators: 1 proposal + 4 prevotes + 4 precommits, each to 3 peers, per height; at
        // most one gossip re-send round (4 × 3) in the whole run, during a long epoch delay.
        let extra = report.messagesSent - 27 * Int(report.committedHeight)
        #expect((0...12).contains(extra), "\(report.messagesSent) messages, \(report.committedHeight) heights")
    }

    @Test("the same seed gives the same trace hash; another seed a different one")
    func replay() throws {
        for seed: UInt64 in [3, 11] {
            let first = try Simulation(configuration: .random(seed: seed)).run()
            let second = try Simulation(configuration: .random(seed: seed)).run()
            #expect(first.traceHash == second.traceHash)
            #expect(first.finalHeights == second.finalHeights && first.eventsProcessed == second.eventsProcessed)
        }
        let a = try Simulation(configuration: .random(seed: 3)).run()
        let b = try Simulation(configuration: .random(seed: 4)).run()
        #expect(a.traceHash != b.traceHash)
    }

    @Test("emergency path: disagreeing shard digests drive Ĉ down; the next block carries exactly the actions")
    func emergency() throws {
        var configuration = SimulationConfiguration(seed: 5, powers: [100, 100, 100, 100])
        configuration.faults.maxDelayMilliseconds = 5
        configuration.faults.faultyShardDigests = [3]
        configuration.minimumHeight = 12
        let application = try KVApplicationConfiguration(emergencyThreshold: FixedPoint(raw: 800_000))
        let simulation = try Simulation(
            configuration: configuration, factory: KVApplicationFactory(configuration: application))
        var emergencyStarts: [UInt64: UInt64] = [:]
        var emergencyLatencies: [UInt64] = []
        var checkedRejection = false
        var expectedActions: [UInt64: [EmergencyAction]] = [:]
        var nonEmptyEmergencyBlocks = 0
        simulation.onFinalized = { [unowned simulation] node, finalized in
            guard let app = simulation.nodes[node].application as? KVApplication else { return }
            if let start = emergencyStarts[finalized.height], node == 0 {
                emergencyLatencies.append(simulation.now - start)
                let block = try! KVBlock(canonicalBytes: finalized.block.bytes)
                #expect(block.actions == expectedActions[finalized.height])
                if !block.actions.isEmpty { nonEmptyEmergencyBlocks += 1 }
            }
            guard finalized.response.nextHeightIsEmergency, node == 0 else { return }
            #expect(finalized.response.nextBlockDelayMilliseconds == 0)
            emergencyStarts[finalized.height + 1] = simulation.now
            expectedActions[finalized.height + 1] = app.state.requiredActions
            if !checkedRejection {
                checkedRejection = true
                let required = app.state.requiredActions
                #expect(!required.isEmpty)
                for (actions, accepted) in [([], false), (Array(required.dropLast()), false), (required, true)] {
                    let block = KVBlock(
                        height: finalized.height + 1, proposer: simulation.nodes[1].signingKey.publicKey,
                        timeMilliseconds: 0, lastCommit: finalized.commit, evidence: [], actions: actions,
                        transactions: ["a=b"]
                    ).proposedBlock
                    let verdict = app.processProposal(
                        ProcessProposalRequest(
                            height: finalized.height + 1, round: 0, proposer: simulation.nodes[1].signingKey.publicKey,
                            block: block))
                    #expect((verdict == .accept) == accepted)
                }
            }
        }
        let report = simulation.run()
        #expect(report.passed, "\(report)")
        #expect(checkedRejection)
        #expect(nonEmptyEmergencyBlocks >= 1)
        #expect(!emergencyLatencies.isEmpty)
        // SPEC §6 target: the emergency block finalizes within 500 ms of the block that revealed Ĉ < threshold.
        #expect(emergencyLatencies.allSatisfy { $0 < 500 }, "\(emergencyLatencies)")
        let app = try #require(simulation.nodes[0].application as? KVApplication)
        #expect(!app.state.emergencyHeights.isEmpty)
    }

    @Test("equivocation: a byzantine validator double-signs, evidence is committed and it is slashed out of the set")
    func equivocation() throws {
        var configuration = SimulationConfiguration(seed: 9, powers: [10, 10, 10, 10])
        configuration.faults.maxDelayMilliseconds = 5
        configuration.faults.byzantine = [2: .equivocate]
        configuration.minimumHeight = 8
        let simulation = try Simulation(configuration: configuration)
        let report = simulation.run()
        #expect(report.passed, "\(report)")
        #expect(report.evidenceDetected > 0)
        let cheater = simulation.nodes[2].signingKey.publicKey
        for node in simulation.honestNodes {
            let app = try #require(node.application as? KVApplication)
            #expect(app.state.slashedByEvidence.contains(cheater))
            #expect(!app.state.validators.contains { $0.publicKey == cheater })
            #expect(node.engine?.validators.contains(cheater) == false)
        }
    }

    @Test("crashes and restarts from WAL and disk never make an honest node double-sign")
    func crashRestart() throws {
        var configuration = SimulationConfiguration(seed: 13, powers: [1, 1, 1, 1, 1])
        configuration.faults.minDelayMilliseconds = 1
        configuration.faults.maxDelayMilliseconds = 30
        configuration.faults.lossPerMille = 100
        configuration.faults.healMilliseconds = 2_000
        configuration.faults.crashes = [
            CrashEpisode(node: 1, crashMilliseconds: 150, restartMilliseconds: 400),
            CrashEpisode(node: 1, crashMilliseconds: 700, restartMilliseconds: 720),
            CrashEpisode(node: 2, crashMilliseconds: 300, restartMilliseconds: 1_100),
            CrashEpisode(node: 4, crashMilliseconds: 1_000, restartMilliseconds: 1_001),
        ]
        let simulation = try Simulation(configuration: configuration)
        let report = simulation.run()
        #expect(report.passed, "\(report)")
        #expect(report.restarts == 4)
    }

    @Test("block sync: a node down for many heights catches up from peers' committed blocks")
    func blockSync() throws {
        var configuration = SimulationConfiguration(seed: 17, powers: [1, 1, 1, 1])
        configuration.faults.healMilliseconds = 2_500
        configuration.faults.crashes = [CrashEpisode(node: 3, crashMilliseconds: 50, restartMilliseconds: 2_500)]
        let simulation = try Simulation(configuration: configuration)
        let report = simulation.run()
        #expect(report.passed, "\(report)")
        #expect(report.blocksSynced >= 5)
        #expect(simulation.nodes[3].finalizedHeight >= report.committedHeight)
    }

    @Test("the double-sign checker fires on conflicting honest votes")
    func doubleSignChecker() throws {
        let simulation = try Simulation(configuration: SimulationConfiguration(seed: 1, powers: [1, 1, 1, 1]))
        let key = simulation.nodes[0].signingKey
        for block in [Hash256.of([1]), Hash256.of([2])] {
            let vote = Vote.signed(
                chainID: "hmn-sim", height: 1, round: 0, type: .prevote, blockID: block, voteExtension: nil, key: key)
            simulation.checkDoubleSign(vote, node: simulation.nodes[0])
        }
        #expect(simulation.violations.map(\.kind) == [.doubleSign])
    }

    @Test("the liveness checker fires when honest power cannot form a quorum")
    func livenessChecker() throws {
        var configuration = SimulationConfiguration(seed: 2, powers: [1, 1, 1, 1])
        configuration.livenessBoundMilliseconds = 3_000
        let factory = ClosureApplicationFactory { context in
            let app = try KVApplicationFactory().makeApplication(context)
            return context.index >= 2 ? RejectingApplication(app) : app
        }
        let report = try Simulation(configuration: configuration, factory: factory).run()
        #expect(report.violations.map(\.kind) == [.liveness])
    }
}

/// Wraps an application and rejects every proposal (a validator that never agrees).
final class RejectingApplication: ConsensusApplication {
    let inner: any ConsensusApplication

    init(_ inner: any ConsensusApplication) { self.inner = inner }

    func info() throws -> ApplicationInfo { try inner.info() }
    func checkTransaction(_ transaction: [UInt8]) -> TransactionCheck { inner.checkTransaction(transaction) }
    func prepareProposal(_ request: PrepareProposalRequest) throws -> ProposedBlock {
        try inner.prepareProposal(request)
    }
    func processProposal(_ request: ProcessProposalRequest) -> ProposalVerdict { .reject(reason: "never agrees") }
    func extendVote(height: UInt64, round: UInt32, blockID: Hash256) -> VoteExtension {
        inner.extendVote(height: height, round: round, blockID: blockID)
    }
    func verifyVoteExtension(_ voteExtension: VoteExtension, validator: PublicKey, height: UInt64) -> Bool {
        inner.verifyVoteExtension(voteExtension, validator: validator, height: height)
    }
    func finalizeBlock(_ request: FinalizeBlockRequest) throws -> FinalizeBlockResponse {
        try inner.finalizeBlock(request)
    }
    func commit() throws { try inner.commit() }
    func committedBlock(atHeight height: UInt64) throws -> CommittedBlock? {
        try inner.committedBlock(atHeight: height)
    }
}
