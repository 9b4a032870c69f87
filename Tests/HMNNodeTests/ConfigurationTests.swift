import Foundation
import HMNCoherence
import HMNNode
import HMNPrimitives
import Testing

@Suite("Node configuration and home directories")
struct ConfigurationTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hmn-config-\(UUID().uuidString)").path
    }

    @Test("testnet init writes loadable homes with distinct ports, shared genesis and full peer lists")
    func testnetLayout() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let layout = try Testnet.initialize(validators: 3, directory: directory, basePort: 30_000)
        let homes = try layout.homes.map { try NodeHome.load($0) }
        #expect(Set(homes.map(\.configuration.listenPort)).count == 3)
        #expect(Set(homes.map(\.configuration.httpPort) + homes.map(\.configuration.listenPort)).count == 6)
        #expect(Set(homes.map(\.genesis.hash)).count == 1)
        for (index, home) in homes.enumerated() {
            #expect(home.signingKey.publicKey == layout.validatorKeys[index].publicKey)
            let peers = try home.configuration.peerAddresses()
            #expect(peers.count == 2)
            #expect(!peers.contains { $0.key == home.signingKey.publicKey })
            let account = try #require(home.genesis.accounts.first { $0.publicKey == home.signingKey.publicKey })
            #expect(account.stake >= home.genesis.parameters.minStake)
        }
        #expect(try NodeKeyFile.read("\(directory)/faucet_key").publicKey == layout.faucetKey.publicKey)
        // Initializing over an existing testnet would replace its keys: refused.
        #expect(throws: NodeConfigurationError.self) {
            try Testnet.initialize(validators: 3, directory: directory, basePort: 30_000)
        }
        #expect(try NodeHome.load(layout.homes[0]).signingKey.publicKey == layout.validatorKeys[0].publicKey)
        let mode = try FileManager.default.attributesOfItem(atPath: "\(layout.homes[0])/node_key")[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o600)
    }

    @Test("per-validator stakes reach the genesis; a wrong count or a zero stake is refused")
    func unequalStakes() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = Testnet.Options()
        options.stakes = [30_000, 30_000, 30_000, 40_000]
        let layout = try Testnet.initialize(validators: 4, directory: directory, basePort: 30_100, options: options)
        let genesis = try NodeHome.load(layout.homes[0]).genesis
        let stakes = layout.validatorKeys.map { key in genesis.accounts.first { $0.publicKey == key.publicKey }?.stake }
        #expect(stakes == [30_000, 30_000, 30_000, 40_000])
        for bad in [[UInt64(1), 2, 3], [1, 2, 3, 0]] {
            options.stakes = bad
            #expect(throws: NodeConfigurationError.self) {
                try Testnet.initialize(validators: 4, directory: directory + "-bad", basePort: 30_200, options: options)
            }
        }
    }

    @Test("missing and malformed files are typed errors naming the file")
    func badFiles() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: NodeConfigurationError.self) { try NodeHome.load(directory) }
        let layout = try Testnet.initialize(validators: 1, directory: directory, basePort: 31_000)
        let home = layout.homes[0]

        try "{ not json".write(toFile: "\(home)/config.json", atomically: true, encoding: .utf8)
        do {
            _ = try NodeHome.load(home)
            Issue.record("malformed config loaded")
        } catch {
            #expect(error.code == .malformedFile)
            #expect(error.path == "\(home)/config.json")
        }
        try #"{"chainID": "hmn-devnet", "listenPort": "eight"}"#.write(
            toFile: "\(home)/config.json", atomically: true, encoding: .utf8)
        #expect(throws: NodeConfigurationError.self) { try NodeHome.load(home) }
        try #"{"chainID": "other-chain"}"#.write(toFile: "\(home)/config.json", atomically: true, encoding: .utf8)
        do {
            _ = try NodeHome.load(home)
            Issue.record("chain mismatch accepted")
        } catch {
            #expect(error.code == .invalidValue)
        }
        try #"{"chainID": "hmn-devnet"}"#.write(toFile: "\(home)/config.json", atomically: true, encoding: .utf8)
        #expect(try NodeHome.load(home).configuration.listenPort == 26_656, "defaults fill missing fields")

        try "zz".write(toFile: "\(home)/node_key", atomically: true, encoding: .utf8)
        do {
            _ = try NodeHome.load(home)
            Issue.record("bad key loaded")
        } catch {
            #expect(error.code == .malformedFile)
        }
        try FileManager.default.removeItem(atPath: "\(home)/genesis.json")
        do {
            _ = try NodeHome.load(home)
            Issue.record("missing genesis loaded")
        } catch {
            #expect(error.code == .missingFile)
        }
    }

    @Test("λ policies are chosen by name; unknown names and parameters are refused")
    func lambdaPolicies() throws {
        for name in ["fixed", "threshold", "pid", "aimd"] {
            #expect(try LambdaPolicyConfiguration(name: name).makePolicy().name == name)
        }
        var fixed = try LambdaPolicyConfiguration(name: "fixed", parameters: ["lambda": 0.4]).makePolicy()
        let observation = try LambdaObservation(coherenceHistory: [1], currentLambda: 1)
        #expect(try fixed.proposeLambda(observation) == FixedPoint(ratio: 2, 5))
        #expect(throws: NodeConfigurationError.self) { try LambdaPolicyConfiguration(name: "magic").makePolicy() }
        #expect(throws: NodeConfigurationError.self) {
            try LambdaPolicyConfiguration(name: "pid", parameters: ["tagret": 0.9]).makePolicy()
        }
        #expect(throws: NodeConfigurationError.self) {
            try LambdaPolicyConfiguration(name: "pid", parameters: ["target": 3]).makePolicy()
        }
    }

    @Test("the genesis document's coherence overrides and ledger parameters reach the chain's parameters")
    func coherenceParameters() throws {
        var parameters = GenesisDocument.Parameters()
        parameters.miningEpochLength = 7
        let document = GenesisDocument(
            chainID: "c", genesisTimeMilliseconds: 1,
            accounts: [.init(publicKey: SigningKey.derived(from: "v").publicKey.hex, balance: 0, stake: 5_000)],
            parameters: parameters, coherence: .init(baseEpochMilliseconds: 250))
        let coherence = try document.coherenceParameters()
        #expect(coherence.baseEpochMilliseconds == 250)
        #expect(coherence.miningEpochHeights == 7)
        #expect(coherence.minStake == document.parameters.ledgerParameters.minStake)
        let encoded = try JSONEncoder().encode(document)
        #expect(try JSONDecoder().decode(GenesisDocument.self, from: encoded) == document)
    }
}
