import HMNPrimitives
import HMNStorage
import Testing

@testable import HMNLedger

/// `shard-map-proposal` transactions: only validators may send them, committed ones are kept in
/// chain order for a node to rebuild its memory shard map from, and a damaged row is found.
@Suite("Shard-map proposals")
struct ShardMapProposalTests {
    func proposal(_ chain: TestChain, _ key: SigningKey, _ payload: [UInt8]) -> SignedTransaction {
        SignedTransaction.make(
            chainID: TestChain.chainID, key: key, nonce: chain.ledger.account(key.publicKey)?.nonce ?? 0,
            body: .shardMapProposal(payload: payload))
    }

    @Test("a validator's proposal is committed and listed in chain order; a non-validator's is refused")
    func onlyValidators() throws {
        let chain = try TestChain()
        let (_, rejected) = try chain.propose([proposal(chain, chain.userKeys[0], [1, 2, 3])])
        #expect(rejected.map(\.error.code) == [.invalidShardMapProposal])
        let (_, empty) = try chain.propose([proposal(chain, chain.validatorKeys[1], [])])
        #expect(empty.map(\.error.code) == [.invalidShardMapProposal])

        try chain.commitBlock()
        try chain.commitBlock([proposal(chain, chain.validatorKeys[1], [7, 7])])
        try chain.commitBlock([
            proposal(chain, chain.validatorKeys[2], [8]), chain.transfer(0, 1, 5),
            proposal(chain, chain.validatorKeys[3], [9, 9, 9]),
        ])
        let listed = try chain.ledger.shardMapProposals(in: 1...chain.ledger.height)
        #expect(listed.map(\.height) == [2, 3, 3])
        #expect(listed.map(\.payload) == [[7, 7], [8], [9, 9, 9]])
        #expect(listed.map(\.position) == [0, 0, 2])
        #expect(try chain.ledger.shardMapProposals(in: 3...3).count == 2)
        #expect(try chain.ledger.checkStorage() == 3)

        try chain.reopen()
        #expect(try chain.ledger.shardMapProposals(in: 1...3) == listed)
    }

    @Test("a damaged or missing proposal row is found by the storage check and never served")
    func damagedRow() throws {
        let chain = try TestChain()
        try chain.commitBlock([proposal(chain, chain.validatorKeys[1], [1, 2, 3, 4])])
        try chain.commitBlock([proposal(chain, chain.validatorKeys[1], [5])])
        chain.ledger.close()

        func tamper(_ sql: String, _ values: [SQLiteValue] = []) throws {
            let database = try SQLiteDatabase(path: chain.path)
            try database.statement(sql).bind(values).run()
            database.close()
        }

        try tamper("UPDATE shard_map_proposals SET payload = ? WHERE height = 1", [.blob([1, 2, 3, 5])])
        chain.ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
        TestChain.expectCorrupt("a flipped payload") { _ = try chain.ledger.shardMapProposals(in: 1...2) }
        TestChain.expectCorrupt("a flipped payload") { try chain.ledger.checkStorage() }
        chain.ledger.close()

        try tamper("DELETE FROM shard_map_proposals WHERE height = 1")
        chain.ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
        #expect(try chain.ledger.shardMapProposals(in: 1...2).map(\.payload) == [[5]])
        TestChain.expectCorrupt("a missing row") { try chain.ledger.checkStorage() }
    }
}
