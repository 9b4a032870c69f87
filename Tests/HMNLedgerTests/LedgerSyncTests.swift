import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("Block sync with signatures verified ahead")
struct LedgerSyncTests {
    /// A source chain of `count` blocks with transfers, as (bytes, certificate) pairs.
    func sourceBlocks(_ count: Int) throws -> (TestChain, [(bytes: [UInt8], certificate: CommitCertificate)]) {
        let source = try TestChain()
        for round in 0..<count {
            try source.commitBlock((0..<5).map { source.transfer($0, ($0 + round + 1) % 6, 10 + UInt64(round)) })
        }
        let blocks = try source.ledger.blocks(in: 1...UInt64(count)).map {
            (bytes: $0.bytes, certificate: $0.certificate)
        }
        return (source, blocks)
    }

    @Test("a fresh node syncs to the same tip and state")
    func sync() throws {
        let (source, blocks) = try sourceBlocks(6)
        let fresh = try TestChain()
        #expect(try fresh.ledger.sync(blocks) == 6)
        #expect(fresh.ledger.tip == source.ledger.tip)
        #expect(fresh.ledger.state.stateRoot == source.ledger.state.stateRoot)
        #expect(try fresh.ledger.verifyChain() == 6)
    }

    @Test("a block with a bad signature stops the sync there; earlier blocks stay committed")
    func badSignatureStops() throws {
        let (_, blocks) = try sourceBlocks(4)
        var block = try Block(canonicalBytes: blocks[2].bytes)
        var signature = block.transactions[1].signature.bytes
        signature[0] ^= 0x20
        block.transactions[1].signature = try Signature(bytes: signature)
        var tampered = blocks
        tampered[2].bytes = TestChain.resealed(block).canonicalBytes
        let fresh = try TestChain()
        do {
            try fresh.ledger.sync(tampered)
            Issue.record("synced a block with a bad signature")
        } catch {
            #expect(error.code == .badSignature)
        }
        #expect(fresh.ledger.height == 2)
        #expect(try fresh.ledger.verifyChain() == 2)
    }
}
