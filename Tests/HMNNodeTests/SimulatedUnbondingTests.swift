import Foundation
import HMNCoherence
import HMNLedger
import HMNPrimitives
import HMNSimulator
import Logging
import Testing

@testable import HMNNode

/// The real chain application (HMNLedger with the coherence Layer 2, as `FullNode` composes it) on
/// the deterministic simulator: a validator that equivocates from its first vote and unbonds its
/// whole stake in the first block is still slashed, from its unbonding stake.
@Suite("Simulator: equivocate, then unbond")
struct SimulatedUnbondingTests {
    static let power: UInt64 = 10_000

    /// The ledger applications the simulation created, by node index.
    final class Applications {
        var byIndex: [Int: LedgerApplication] = [:]
        var unbond: SignedTransaction?
    }

    static func application(
        _ context: SimulatedNodeContext, directory: String, byzantine: Int, applications: Applications
    ) throws -> LedgerApplication {
        let genesis = Genesis(
            chainID: context.chainID, genesisTimeMilliseconds: 0,
            accounts: context.genesis.map {
                GenesisAccount(publicKey: $0.publicKey, balance: 1_000_000, stake: $0.power)
            })
        let parameters = CoherenceParameters.standard
        let cal = try CALEngine(policy: try FixedLambdaPolicy(), parameters: parameters)
        let ledger = try Ledger(
            path: (directory as NSString).appendingPathComponent("ledger-\(context.index).sqlite"), genesis: genesis,
            engine: CoherenceLayer2Engine(parameters: parameters, cal: cal), logger: LocalTestnet.quiet)
        let application = LedgerApplication(ledger: ledger, logger: LocalTestnet.quiet)
        applications.byIndex[context.index] = application
        if context.index == byzantine {
            // Its whole stake, unbonded by a transaction every mempool holds before the first block.
            applications.unbond = SignedTransaction.make(
                chainID: context.chainID, key: context.signingKey, nonce: 0, body: .unbond(amount: Self.power))
        }
        if let unbond = applications.unbond {
            for app in applications.byIndex.values { _ = app.checkTransaction(unbond.canonicalBytes) }
        }
        return application
    }

    @Test(
        "the equivocator unbonds at height 1; the evidence of each height it equivocated at while bonded lands later and burns 5 % from its unbonding entry; the honest keep their stake",
        arguments: [UInt64(3), 17])
    func equivocateThenUnbond(seed: UInt64) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hmn-sim-unbond-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let byzantine = 3
        var configuration = SimulationConfiguration(seed: seed, powers: Array(repeating: Self.power, count: 4))
        configuration.faults.byzantine = [byzantine: .equivocate]
        configuration.minimumHeight = 6
        configuration.livenessBoundMilliseconds = 120_000
        let applications = Applications()
        let simulation = try Simulation(
            configuration: configuration,
            factory: ClosureApplicationFactory { context in
                try Self.application(context, directory: directory, byzantine: byzantine, applications: applications)
            })
        let report = simulation.run()
        #expect(report.violations.isEmpty, "\(report.violations)")

        let unbond = try #require(applications.unbond)
        let honest = try #require(applications.byIndex[0])
        let ledger = honest.ledger
        let record = try #require(try ledger.transaction(withID: unbond.id))
        let equivocator = try #require(ledger.account(unbond.sender))
        #expect(equivocator.stake == 0, "the unbond left stake bonded")
        #expect(equivocator.slashedThroughHeight >= 1, "the equivocation was never slashed")
        // The slash came after the unbond committed, and was taken from the unbonding entry.
        #expect(equivocator.slashedThroughHeight >= record.height)
        // Offences: the heights whose equivocation evidence a block committed. It kept voting (and
        // equivocating) while it was in the validator set: the unbond at height 1 removes it from
        // the set of height 3 on, so heights 1 and 2 are offences, each slashed once.
        var offences: Set<UInt64> = []
        for h in 1...ledger.height {
            for evidence in try #require(try ledger.block(atHeight: h)).block.evidence {
                #expect(evidence.validator == unbond.sender)
                offences.insert(evidence.height)
            }
        }
        let inSet = try (1...ledger.height).filter { h in
            try ledger.validators(atHeight: h).contains { $0.publicKey == unbond.sender }
        }
        #expect(record.height == 1)
        #expect(offences == Set(inSet), "offences \(offences.sorted()), in the set at \(inSet)")
        #expect(equivocator.slashedThroughHeight == inSet.max())
        // Each offence burns 5 % of the power it had then (all of it, 10,000), from the unbonding entry.
        let slashed = UInt64(offences.count) * (Self.power / 20)
        #expect(equivocator.unbonding.map(\.amount) == [Self.power - slashed], "\(equivocator.unbonding)")
        // Every honest validator kept its whole stake.
        for validator in try ledger.validators(atHeight: ledger.height + 1) {
            #expect(validator.power == Self.power, "an honest validator lost power")
        }
        #expect(try ledger.validators(atHeight: ledger.height + 1).count == 3)
    }
}
