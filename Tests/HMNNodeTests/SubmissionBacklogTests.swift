import Foundation
import HMNLedger
import HMNNode
import HMNPrimitives
import HMNTransport
import Testing

/// `config.json` `submissionBacklog`: the API refuses new submissions while the mempool holds that
/// many, so that a flood of clients cannot take the CPU that deciding the current block needs.
@Suite("FullNode submission backlog")
struct SubmissionBacklogTests {
    /// Runs `body` with a 1-validator node opened but not run (nothing commits, the mempool only
    /// grows), then stops it and removes its home.
    static func withNode(
        backlog: Int?, maxProposalTransactions: Int? = nil,
        _ body: (_ node: FullNode, _ faucet: SigningKey, _ chainID: String) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hmn-backlog-\(UUID().uuidString)"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var testnet = Testnet.Options()
        testnet.genesisTimeMilliseconds = WallClock.nowMilliseconds() - 1_000
        testnet.vectorDimension = 4
        let layout = try Testnet.initialize(validators: 1, directory: directory, options: testnet)
        let path = URL(fileURLWithPath: layout.homes[0]).appendingPathComponent(NodeHome.configurationFile).path
        var configuration = try JSONDecoder().decode(
            NodeConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        configuration.submissionBacklog = backlog
        configuration.maxProposalTransactions = maxProposalTransactions
        try JSONEncoder().encode(configuration).write(to: URL(fileURLWithPath: path))
        let home = try NodeHome.load(layout.homes[0])
        let transport = try await InMemoryNetwork().join(home.signingKey.publicKey)
        let node = try FullNode.open(home: home, transport: transport, logger: LocalTestnet.quiet)
        do {
            try await body(node, layout.faucetKey, home.genesis.chainID)
        } catch {
            await node.driver.stop()
            throw error
        }
        await node.driver.stop()
    }

    @Test("past the limit submissions are refused as overloaded, garbage too (before decoding); gossip still enters")
    func refusesPastTheLimit() async throws {
        try await Self.withNode(backlog: 2) { node, faucet, chainID in
            #expect(node.submissionBacklog == 2)
            #expect(node.submissionRefusal() == nil)
            let transfers = (0..<3).map { nonce in
                SignedTransaction.make(
                    chainID: chainID, key: faucet, nonce: UInt64(nonce),
                    body: .transfer(recipient: SigningKey.derived(from: "backlog").publicKey, amount: 1))
            }
            let results = await node.submitTransactions(transfers.map(\.canonicalBytes) + [[1, 2, 3]])
            #expect((try? results[0].get()) == transfers[0].id)
            #expect((try? results[1].get()) == transfers[1].id)
            // Full now: the HTTP front end refuses whole requests without parsing them.
            #expect(node.submissionRefusal()?.code == .overloaded)
            for refused in results[2...] {
                #expect(throws: NodeError.self) { try refused.get() }
                if case .failure(let error) = refused { #expect(error.code == .overloaded) }
            }
            // What arrives from a peer (no backlog limit) is still admitted: a peer acknowledged it.
            guard case .accepted(let id) = await node.driver.checkTransaction(transfers[2].canonicalBytes) else {
                Issue.record("gossip admission refused below the mempool's capacity")
                return
            }
            #expect(id == transfers[2].id)
        }
    }

    @Test("absent from config.json: twice a proposal's transactions; out-of-range values are refused")
    func defaultAndValidation() async throws {
        try await Self.withNode(backlog: nil) { node, _, _ in
            #expect(node.submissionBacklog == NodeConfiguration.defaultSubmissionBacklog)
        }
        #expect(NodeConfiguration.defaultSubmissionBacklog == 2 * LedgerApplication.defaultMaxProposalTransactions)

        let decoded = try JSONDecoder().decode(
            NodeConfiguration.self, from: Data(#"{"chainID": "c", "submissionBacklog": 5000}"#.utf8))
        #expect(decoded.submissionBacklog == 5000)
        #expect(
            try JSONDecoder().decode(NodeConfiguration.self, from: Data(#"{"chainID": "c"}"#.utf8)).submissionBacklog
                == nil)
        for bad in [0, -1, 1_000_001] {
            var configuration = NodeConfiguration(chainID: "c")
            configuration.submissionBacklog = bad
            #expect(throws: NodeConfigurationError.self) { try configuration.validate() }
        }
    }

    @Test("maxProposalTransactions: absent means 8,192; it sets the default backlog; out-of-range values are refused")
    func proposalSize() async throws {
        try await Self.withNode(backlog: nil, maxProposalTransactions: 100) { node, _, _ in
            #expect(node.submissionBacklog == 200)
        }
        try await Self.withNode(backlog: 50, maxProposalTransactions: 100) { node, _, _ in
            #expect(node.submissionBacklog == 50)
        }
        let decoded = try JSONDecoder().decode(
            NodeConfiguration.self, from: Data(#"{"chainID": "c", "maxProposalTransactions": 5000}"#.utf8))
        #expect(decoded.maxProposalTransactions == 5000)
        #expect(decoded.effectiveSubmissionBacklog == 10_000)
        #expect(LedgerApplication.defaultMaxProposalTransactions == 8_192)
        let plain = NodeConfiguration(chainID: "c")
        #expect(plain.effectiveSubmissionBacklog == NodeConfiguration.defaultSubmissionBacklog)
        for bad in [0, -5, 100_001] {
            var configuration = NodeConfiguration(chainID: "c")
            configuration.maxProposalTransactions = bad
            #expect(throws: NodeConfigurationError.self) { try configuration.validate() }
        }
    }

    @Test("a submitted batch is decoded and verified before the consensus actor: once per transaction")
    func verifiedOncePerSubmission() async throws {
        try await Self.withNode(backlog: nil) { node, faucet, chainID in
            let transfers = (0..<5).map { nonce in
                SignedTransaction.make(
                    chainID: chainID, key: faucet, nonce: UInt64(nonce),
                    body: .transfer(recipient: SigningKey.derived(from: "once").publicKey, amount: 1))
            }
            var forged = transfers[4]
            forged.signature = transfers[3].signature
            let results = await node.submitTransactions(
                transfers[0..<4].map(\.canonicalBytes) + [forged.canonicalBytes])
            let acknowledged: [Hash256?] = results[0..<4].map { try? $0.get() }
            let expected: [Hash256?] = transfers[0..<4].map(\.id)
            #expect(acknowledged == expected)
            if case .failure(let error) = results[4] {
                #expect(error.code == .badSignature)
            } else {
                Issue.record("a forged signature was acknowledged")
            }
            let (verifications, pending) = try await node.driver.read {
                ($0.signatureVerificationCount, $0.mempoolSize)
            }
            // Four good signatures verified once each; the forged one before the actor and again
            // by admission (failures are never remembered).
            #expect(verifications == 6)
            #expect(pending == 4)
        }
    }
}
