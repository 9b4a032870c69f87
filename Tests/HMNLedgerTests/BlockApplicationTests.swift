import Foundation
import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("Block application and the bad-input rules")
struct BlockApplicationTests {
    /// Executes a tampered block and expects `code`; checks nothing changed.
    func expectRejected(
        _ chain: TestChain, _ block: Block, _ code: LedgerError.Code,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let before = (chain.ledger.tip, chain.ledger.state.stateRoot)
        do {
            _ = try chain.ledger.execute(block)
            Issue.record("block accepted, expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        }
        #expect(chain.ledger.tip == before.0, sourceLocation: sourceLocation)
        #expect(chain.ledger.state.stateRoot == before.1, sourceLocation: sourceLocation)
    }

    @Test("transfers apply, balances move, blocks link and results are recorded")
    func happyPath() throws {
        let chain = try TestChain()
        let a = chain.userKeys[0].publicKey
        let b = chain.userKeys[1].publicKey
        let first = try chain.commitBlock([chain.transfer(0, 1, 100)])
        let second = try chain.commitBlock([chain.transfer(0, 1, 50), chain.transfer(1, 0, 7)])
        #expect(chain.ledger.height == 2)
        #expect(second.block.header.previousHash == first.id)
        #expect(first.block.header.previousHash == chain.genesis.hash)
        #expect(chain.ledger.account(a)?.balance == 1_000_000 - 150 + 7)
        #expect(chain.ledger.account(b)?.balance == 1_000_000 + 150 - 7)
        #expect(chain.ledger.account(a)?.nonce == 2)
        #expect(second.results.count == 2 && second.results.allSatisfy { $0.code == 0 })
        #expect(second.validatorUpdates.isEmpty)
        #expect(chain.ledger.tip.appHash == chain.ledger.state.stateRoot)
    }

    @Test("each bad transaction is a typed error and leaves the ledger unchanged")
    func badTransactions() throws {
        let chain = try TestChain()
        try chain.commitBlock([chain.transfer(0, 1, 10)])
        let (valid, _) = try chain.propose([chain.transfer(0, 1, 1)])
        chain.time -= 1_000
        func with(_ transactions: [SignedTransaction]) -> Block {
            var block = valid.block
            block.transactions = transactions
            return TestChain.resealed(block)
        }
        let stranger = SigningKey.derived(from: "stranger")
        let wrongChain = SignedTransaction.make(
            chainID: "other", key: chain.userKeys[0], nonce: 1,
            body: .transfer(recipient: stranger.publicKey, amount: 1))
        expectRejected(chain, with([wrongChain]), .wrongChain)

        var badSignature = chain.transfer(0, 1, 1)
        var signatureBytes = badSignature.signature.bytes
        signatureBytes[3] ^= 1
        badSignature.signature = try Signature(bytes: signatureBytes)
        expectRejected(chain, with([badSignature]), .badSignature)

        // Non-canonical S (S + L, RFC 8032 §5.1.7): same point, must still be refused.
        var malleable = chain.transfer(0, 1, 1)
        malleable.signature = try Signature(bytes: Self.addOrder(toS: malleable.signature.bytes))
        expectRejected(chain, with([malleable]), .badSignature)

        expectRejected(chain, with([chain.transfer(0, 1, 1, nonce: 0)]), .replayedNonce)
        expectRejected(chain, with([chain.transfer(0, 1, 1, nonce: 2)]), .skippedNonce)
        let once = chain.transfer(0, 1, 1)
        expectRejected(chain, with([once, once]), .duplicateTransaction)
        let unknown = SignedTransaction.make(
            chainID: TestChain.chainID, key: stranger, nonce: 0,
            body: .transfer(recipient: chain.userKeys[0].publicKey, amount: 1))
        expectRejected(chain, with([unknown]), .unknownSender)
        expectRejected(chain, with([chain.transfer(0, 1, 2_000_000)]), .insufficientBalance)
        expectRejected(chain, with([chain.transfer(0, 1, 0)]), .invalidAmount)
        let unbond = SignedTransaction.make(
            chainID: TestChain.chainID, key: chain.userKeys[2], nonce: 0, body: .unbond(amount: 1))
        expectRejected(chain, with([unbond]), .insufficientBalance)
        let mint = SignedTransaction.make(
            chainID: TestChain.chainID, key: chain.validatorKeys[0], nonce: 0,
            body: .mintT0(epoch: 1, amount: 1))
        expectRejected(chain, with([mint]), .invalidMint)

        // The untampered block still applies.
        let executed = try chain.ledger.execute(valid.block)
        try chain.ledger.commit(executed, certificate: chain.certificate(for: executed))
        #expect(chain.ledger.height == 2)
    }

    @Test("each bad header or body is a typed error and leaves the ledger unchanged")
    func badBlocks() throws {
        let chain = try TestChain()
        try chain.commitBlock([chain.transfer(0, 1, 10)])
        let (valid, _) = try chain.propose([chain.transfer(1, 2, 3)])
        let block = valid.block

        var wrongHeight = block
        wrongHeight.header.height += 1
        expectRejected(chain, wrongHeight, .wrongHeight)
        var wrongParent = block
        wrongParent.header.previousHash = Hash256.of([1])
        expectRejected(chain, wrongParent, .wrongParent)
        var backwards = block
        backwards.header.timeMilliseconds = chain.ledger.tip.timeMilliseconds
        expectRejected(chain, backwards, .timeWentBackwards)
        var merkle = block
        merkle.header.transactionsRoot = Hash256.of([2])
        expectRejected(chain, merkle, .rootMismatch)
        var stateRoot = block
        stateRoot.header.stateRoot = Hash256.of([3])
        expectRejected(chain, stateRoot, .rootMismatch)
        var layer2 = block
        layer2.header.layer2Root = Hash256.of([4])
        expectRejected(chain, layer2, .rootMismatch)
        var proposer = block
        proposer.header.proposer = chain.userKeys[0].publicKey
        expectRejected(chain, proposer, .unknownProposer)
        var actions = block
        actions.actions = [.boost(validator: chain.validatorKeys[0].publicKey, amount: 1)]
        expectRejected(chain, TestChain.resealed(actions), .invalidActions)
        var weakCommit = block
        weakCommit.lastCommit!.signatures = Array(weakCommit.lastCommit!.signatures.prefix(2))
        expectRejected(chain, TestChain.resealed(weakCommit), .invalidCommit)
        var missingCommit = block
        missingCommit.lastCommit = nil
        expectRejected(chain, TestChain.resealed(missingCommit), .invalidCommit)

        // Oversize block bytes are refused before decoding.
        do {
            _ = try chain.ledger.execute(
                blockBytes: [UInt8](repeating: 0, count: Int(chain.ledger.parameters.maxBlockBytes) + 1))
            Issue.record("oversize block accepted")
        } catch {
            #expect(error.code == .oversize)
        }
        do {
            _ = try chain.ledger.execute(blockBytes: Array(valid.bytes.dropLast()))
            Issue.record("truncated block accepted")
        } catch {
            #expect(error.code == .malformed)
        }

        // A certificate that does not reach 2/3 cannot commit the valid block either.
        let executed = try chain.ledger.execute(block)
        var weak = try chain.certificate(for: executed)
        weak.signatures = Array(weak.signatures.prefix(2))
        #expect(throws: LedgerError.self) { try chain.ledger.commit(executed, certificate: weak) }
        try chain.ledger.commit(executed, certificate: chain.certificate(for: executed))
        #expect(chain.ledger.height == 2)
    }

    @Test("an oversize transaction is refused in blocks and left out of proposals")
    func oversizeTransaction() throws {
        let chain = try TestChain(parameters: LedgerParameters(maxTransactionBytes: 256))
        let proof = MemoryProof.signed(
            chainID: TestChain.chainID, recordID: Hash256.of([1]), contentHash: Hash256.of([2]),
            timestampMilliseconds: 5, rphv: .one, key: chain.userKeys[0])
        let big = SignedTransaction.make(
            chainID: TestChain.chainID, key: chain.userKeys[0], nonce: 0, body: .memoryProof(proof))
        #expect(big.canonicalBytes.count > 256)
        let (proposed, rejected) = try chain.propose([big])
        #expect(proposed.block.transactions.isEmpty)
        #expect(rejected.first?.error.code == .oversize)
        var block = proposed.block
        block.transactions = [big]
        expectRejected(chain, TestChain.resealed(block), .oversize)
    }

    @Test("T0 mints: one exact amount per epoch after the boundary; overflow is a typed error")
    func miningAndOverflow() throws {
        let chain = try TestChain(parameters: LedgerParameters(epochReward: UInt64.max, miningEpochLength: 1))
        let validator = chain.validatorKeys[0]
        try chain.commitBlock()
        let share = UInt64.max / 4
        #expect(chain.ledger.layer2.mintT0Amount(for: validator.publicKey, epoch: 1, atHeight: 2) == share)
        func mint(_ epoch: UInt64, _ amount: UInt64) -> SignedTransaction {
            SignedTransaction.make(
                chainID: TestChain.chainID, key: validator,
                nonce: chain.ledger.account(validator.publicKey)!.nonce, body: .mintT0(epoch: epoch, amount: amount))
        }
        let (wrongAmount, rejectedAmount) = try chain.propose([mint(1, share - 1)])
        #expect(wrongAmount.block.transactions.isEmpty && rejectedAmount.first?.error.code == .invalidMint)
        chain.time -= 1_000
        let (wrongEpoch, rejectedEpoch) = try chain.propose([mint(2, share)])
        #expect(wrongEpoch.block.transactions.isEmpty && rejectedEpoch.first?.error.code == .invalidMint)
        chain.time -= 1_000
        let block = try chain.commitBlock([mint(1, share)])
        #expect(block.supply.minted == share)
        #expect(chain.ledger.account(validator.publicKey)?.balance == 1_000 + share)
        for epoch in 2...3 as ClosedRange<UInt64> { try chain.commitBlock([mint(epoch, share)]) }
        let (overflowing, rejected) = try chain.propose([mint(4, share)])
        #expect(overflowing.block.transactions.isEmpty)
        #expect(rejected.first?.error.code == .overflow)
    }

    /// Adds the group order L to the S half of a signature (little-endian), giving a
    /// non-canonical encoding of the same scalar.
    static func addOrder(toS signature: [UInt8]) -> [UInt8] {
        let order: [UInt8] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]
        var result = signature
        var carry: UInt16 = 0
        for index in 0..<32 {
            let sum = UInt16(signature[32 + index]) + UInt16(order[index]) + carry
            result[32 + index] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        return result
    }
}

@Suite("Proposals and genesis")
struct ProposalAndGenesisTests {
    @Test("a proposal never exceeds the byte limit it was given, and keeps sender nonce order")
    func byteLimit() throws {
        let chain = try TestChain()
        let candidates = (0..<40).map { chain.transfer($0 % 6, ($0 + 1) % 6, 1, nonce: UInt64($0 / 6)) }
        for limit in [600, 2_000, 5_000] {
            let (proposal, _) = try chain.ledger.propose(
                timeMilliseconds: chain.time + 1_000, proposer: chain.proposer, candidates: candidates,
                lastCommit: nil, maxBytes: limit)
            #expect(proposal.bytes.count <= limit)
            #expect(proposal.block.transactions.count < candidates.count)
            #expect(try chain.ledger.execute(blockBytes: proposal.bytes).id == proposal.id)
        }
    }

    @Test("a genesis without validators, with duplicate accounts or an overflowing supply is refused")
    func invalidGenesis() throws {
        let key = SigningKey.derived(from: "genesis-a")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-genesis-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let cases = [
            Genesis(
                chainID: "g", genesisTimeMilliseconds: 0,
                accounts: [GenesisAccount(publicKey: key.publicKey, balance: 5)]),
            Genesis(
                chainID: "g", genesisTimeMilliseconds: 0,
                accounts: [GenesisAccount(publicKey: key.publicKey, balance: .max, stake: 1_000)]),
            Genesis(
                chainID: "", genesisTimeMilliseconds: 0,
                accounts: [GenesisAccount(publicKey: key.publicKey, balance: 0, stake: 1_000)]),
            Genesis(
                chainID: "g", genesisTimeMilliseconds: 0,
                accounts: Array(repeating: GenesisAccount(publicKey: key.publicKey, balance: 0, stake: 1_000), count: 2)
            ),
        ]
        for genesis in cases {
            do {
                _ = try Ledger(path: path, genesis: genesis, logger: TestChain.quiet)
                Issue.record("accepted \(genesis)")
            } catch {
                #expect(error.code == .invalidGenesis || error.code == .overflow, "\(error)")
            }
        }
    }
}
