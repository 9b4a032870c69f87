import Foundation
import HMNMesh
import HMNNode
import Testing

@Suite("Shard-digest settings: the genesis settle window and the fault option")
struct ShardDigestConfigurationTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hmn-digest-config-\(UUID().uuidString)").path
    }

    static func configuration(_ json: String) throws -> NodeConfiguration {
        try JSONDecoder().decode(NodeConfiguration.self, from: Data(json.utf8))
    }

    @Test("config.json \"faults\": corruptReplicas and dropWrites decode; absent is nil and is not written back")
    func faultsDecode() throws {
        for fault in ReplicaFault.allCases {
            let decoded = try Self.configuration(#"{"chainID": "c", "faults": {"memory": "\#(fault.rawValue)"}}"#)
            #expect(decoded.faults?.memory == fault)
            let again = try JSONDecoder().decode(NodeConfiguration.self, from: JSONEncoder().encode(decoded))
            #expect(again == decoded)
        }
        let healthy = try Self.configuration(#"{"chainID": "c"}"#)
        #expect(healthy.faults == nil)
        let written = String(decoding: try JSONEncoder().encode(healthy), as: UTF8.self)
        #expect(!written.contains("faults"))
        #expect(try Self.configuration(#"{"chainID": "c", "faults": {}}"#).faults?.isEmpty == true)
    }

    @Test("a misspelt fault key or an unknown fault is an error, never silently ignored")
    func faultsStrict() throws {
        for bad in [#"{"memroy": "corruptReplicas"}"#, #"{"memory": "corrupt"}"#, #"{"memory": 1}"#] {
            #expect(throws: DecodingError.self) { try Self.configuration(#"{"chainID": "c", "faults": \#(bad)}"#) }
        }
    }

    @Test("meshDigestSettleMilliseconds: 2,000 by default, 0 allowed, above 10 minutes refused when a home loads")
    func settleWindow() throws {
        let document = GenesisDocument(chainID: "c", genesisTimeMilliseconds: 0, accounts: [])
        #expect(try document.meshDigestSettleMilliseconds() == 2_000)
        var zero = document
        zero.coherence.meshDigestSettleMilliseconds = 0
        #expect(try zero.meshDigestSettleMilliseconds() == 0)
        let decoded = try JSONDecoder().decode(
            GenesisDocument.self,
            from: Data(
                #"{"chainID": "c", "genesisTimeMilliseconds": 0, "accounts": [], "coherence": {"meshDigestSettleMilliseconds": 750}}"#
                    .utf8))
        #expect(try decoded.meshDigestSettleMilliseconds() == 750)

        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = Testnet.Options()
        options.coherence.meshDigestSettleMilliseconds = GenesisDocument.Coherence.maxMeshDigestSettleMilliseconds + 1
        #expect(throws: NodeConfigurationError.self) {
            try Testnet.initialize(validators: 1, directory: directory, basePort: 30_300, options: options)
        }
        // A hand-edited genesis.json is checked when the node loads its home.
        options.coherence.meshDigestSettleMilliseconds = 500
        let layout = try Testnet.initialize(validators: 1, directory: directory, basePort: 30_300, options: options)
        #expect(try NodeHome.load(layout.homes[0]).genesisDocument.meshDigestSettleMilliseconds() == 500)
        let path = layout.homes[0] + "/genesis.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let edited = text.replacingOccurrences(
            of: #""meshDigestSettleMilliseconds" : 500"#, with: #""meshDigestSettleMilliseconds" : 600001"#)
        #expect(edited != text)
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: NodeConfigurationError.self) { try NodeHome.load(layout.homes[0]) }
    }

    @Test("applying a timing profile keeps the settle window")
    func profileKeepsSettle() {
        var options = Testnet.Options()
        options.coherence.meshDigestSettleMilliseconds = 0
        options.apply(.lowLatency)
        #expect(options.coherence.meshDigestSettleMilliseconds == 0)
        #expect(options.coherence.baseEpochMilliseconds == 1)
    }
}
