import Foundation
import HMNCoherence
import HMNLedger
import HMNNode
import HMNPrimitives
import Testing

@Suite("Chain timing profiles", .serialized)
struct ChainProfileTests {
    @Test("low-latency sets a 1 ms base epoch and no minimum; the emergency rules are the standard ones")
    func lowLatencyParameters() throws {
        var options = Testnet.Options()
        options.apply(.lowLatency)
        let document = GenesisDocument(
            chainID: "profile", genesisTimeMilliseconds: 0, accounts: [], coherence: options.coherence)
        let low = try document.coherenceParameters()
        let standard = try GenesisDocument(chainID: "profile", genesisTimeMilliseconds: 0, accounts: [])
            .coherenceParameters()
        #expect(low.baseEpochMilliseconds == 1 && low.minEpochMilliseconds == 0)
        #expect(standard.baseEpochMilliseconds == 1_000 && standard.minEpochMilliseconds == 50)
        #expect(low.emergencyThreshold == standard.emergencyThreshold)
        #expect(low.slashRate == standard.slashRate && low.boostRate == standard.boostRate)
        #expect(low.psiLow == standard.psiLow && low.psiHigh == standard.psiHigh)
        #expect(ChainProfile(rawValue: "low-latency") == .lowLatency)
    }

    @Test("low-latency waits for transactions: idle it makes no block, a transfer starts its height at once")
    func lowLatencyWaitsForTransactions() async throws {
        var options = LocalTestnet.fastOptions
        options.apply(.lowLatency)
        #expect(options.coherence.emptyBlockWaitMilliseconds == 1_000)
        // The longest wait a genesis may ask for, so that an empty block in this test can only come
        // from the wait ending early, never from its timeout.
        options.coherence.emptyBlockWaitMilliseconds = GenesisDocument.Coherence.maxEmptyBlockWaitMilliseconds
        try await LocalTestnet.withTestnet(options: options) { net in
            let faucet = net.layout.faucetKey
            let chainID = net.homes[0].genesis.chainID
            let recipient = SigningKey.derived(from: "low-latency").publicKey
            // Idle: the first height waits. Without the wait this profile commits ~100 blocks a second.
            try await Task.sleep(for: .seconds(2))
            for node in net.running { #expect(await node.status().height == 0) }
            for nonce in 0..<3 {
                let transfer = SignedTransaction.make(
                    chainID: chainID, key: faucet, nonce: UInt64(nonce),
                    body: .transfer(recipient: recipient, amount: 10))
                // Through node 1..3 in turn: the entry node is not always the proposer, which learns
                // of the transfer by gossip or by the others' votes.
                _ = try await net.node(1 + nonce % 3).submitTransaction(transfer.canonicalBytes)
                try await LocalTestnet.eventually("transfer \(nonce) committed on every node", within: 30) {
                    for node in net.running where try await node.transaction(id: transfer.id) == nil { return false }
                    return true
                }
                let height = await net.height(0)
                let delay = try await net.node(0).driver.read { $0.layer2.nextBlockDelayMilliseconds }
                #expect(delay <= 2)
                // Idle again: no further block follows the transfer's.
                try await Task.sleep(for: .milliseconds(500))
                #expect(await net.height(0) == height, "a block followed transfer \(nonce) with nothing to order")
            }
            let genesis = try String(contentsOfFile: net.homes[0].directory + "/genesis.json", encoding: .utf8)
            #expect(genesis.contains("\"baseEpochMilliseconds\" : 1"), "\(genesis)")
            #expect(genesis.contains("\"emptyBlockWaitMilliseconds\" : 60000"), "\(genesis)")
        }
    }

    @Test("emptyBlockWaitMilliseconds above a minute is refused when the home loads")
    func emptyBlockWaitBound() throws {
        var options = Testnet.Options()
        options.coherence.emptyBlockWaitMilliseconds = GenesisDocument.Coherence.maxEmptyBlockWaitMilliseconds + 1
        let document = GenesisDocument(
            chainID: "profile", genesisTimeMilliseconds: 0, accounts: [], coherence: options.coherence)
        #expect(throws: NodeConfigurationError.self) { try document.emptyBlockWaitMilliseconds() }
        options.coherence.emptyBlockWaitMilliseconds = nil
        let absent = GenesisDocument(
            chainID: "profile", genesisTimeMilliseconds: 0, accounts: [], coherence: options.coherence)
        #expect(try absent.emptyBlockWaitMilliseconds() == 0)
    }
}
