import Foundation
import HMNCoherence
import HMNNode
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

    @Test("a low-latency testnet starts each height within 2 ms of the last commit")
    func lowLatencyDelay() async throws {
        var options = LocalTestnet.fastOptions
        options.apply(.lowLatency)
        try await LocalTestnet.withTestnet(options: options) { net in
            try await net.waitForHeight(10)
            for node in net.running {
                let delay = try await node.driver.read { $0.layer2.nextBlockDelayMilliseconds }
                #expect(delay <= 2)
            }
            let genesis = try String(contentsOfFile: net.homes[0].directory + "/genesis.json", encoding: .utf8)
            #expect(genesis.contains("\"baseEpochMilliseconds\" : 1"), "\(genesis)")
        }
    }
}
