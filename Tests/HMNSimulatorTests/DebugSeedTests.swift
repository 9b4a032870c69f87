@testable import HMNConsensus
import HMNPrimitives
import Logging
import Testing

@testable import HMNSimulator

@Suite("Debug")
struct DebugSeedTests {
    @Test func debugSeed() throws {
        var configuration = SimulationConfiguration.random(seed: 23)
        configuration.livenessBoundMilliseconds = 3000
        print(configuration.powers, configuration.faults)
        print(configuration.faults.crashes, configuration.faults.partitions)
        let simulation = try Simulation(configuration: configuration)
        let report = simulation.run()
        print(report)
        let stuck = simulation.nodes[2]
        print("sync", stuck.engine!.lastSyncRequest as Any, stuck.engine!.peerHeights.values.sorted(), stuck.isUp)
        let block = try simulation.nodes[0].application!.committedBlock(atHeight: 1)!
        var engine = stuck.engine!
        let actions = engine.handle(.message(.blockResponse(block), from: simulation.nodes[0].signingKey.publicKey), now: 99999, application: stuck.application!)
        print("actions", actions.map { "\($0)".prefix(80) })
        if case .reject(let reason) = stuck.application!.processProposal(ProcessProposalRequest(height: 1, round: block.commit.round, proposer: engine.validators.proposer(forRound: block.commit.round), block: block.block)) { print("reject", reason) }
        print(try stuck.application!.info().lastHeight, try simulation.nodes[0].application!.info().lastHeight)
        for node in simulation.nodes {
            if let e = node.engine {
                print(node.index, "h", e.height, "r", e.round, e.step, "locked", e.lockedRound, "valid", e.validRound, "started", e.isStarted, "proposer", e.validators.proposer(forRound: e.round).short, "me", node.signingKey.publicKey.short, "vals", e.validators.powers.map { "\($0.publicKey.short):\($0.power)" })
            }
        }
    }
}
