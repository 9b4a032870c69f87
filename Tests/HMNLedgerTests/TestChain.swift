import Foundation
import HMNLedger
import HMNPrimitives
import Logging
import Testing

/// A temporary on-disk chain with 4 validators and some funded users, driven block by block.
final class TestChain {
    static let chainID = "hmn-test"
    static let quiet = Logger(label: "hmn.test", factory: { _ in SwiftLogNoOpLogHandler() })

    let directory: URL
    let validatorKeys: [SigningKey]
    let userKeys: [SigningKey]
    let genesis: Genesis
    let signer: LocalCommitSigner
    var ledger: Ledger
    var lastCertificate: CommitCertificate?
    var time: UInt64

    var path: String { directory.appendingPathComponent("ledger.sqlite").path }

    init(
        users: Int = 6, userBalance: UInt64 = 1_000_000, validatorStake: UInt64 = 10_000,
        parameters: LedgerParameters = LedgerParameters()
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        validatorKeys = (0..<4).map { SigningKey.derived(from: "test-validator-\($0)") }
        userKeys = (0..<users).map { SigningKey.derived(from: "test-user-\($0)") }
        var accounts = validatorKeys.map {
            GenesisAccount(publicKey: $0.publicKey, balance: 1_000, stake: validatorStake)
        }
        accounts += userKeys.map { GenesisAccount(publicKey: $0.publicKey, balance: userBalance) }
        genesis = Genesis(
            chainID: Self.chainID, genesisTimeMilliseconds: 1_700_000_000_000, accounts: accounts,
            parameters: parameters)
        signer = LocalCommitSigner(keys: validatorKeys)
        time = genesis.genesisTimeMilliseconds
        ledger = try Ledger(
            path: directory.appendingPathComponent("ledger.sqlite").path, genesis: genesis,
            logger: Self.quiet)
    }

    deinit {
        ledger.close()
        try? FileManager.default.removeItem(at: directory)
    }

    var proposer: PublicKey { validatorKeys[0].publicKey }

    /// Records an issue unless `body` throws ``LedgerError/Code/corrupt``.
    static func expectCorrupt(_ what: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(what) passed")
        } catch let error as LedgerError {
            #expect(error.code == .corrupt, "\(error)")
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    /// Closes and reopens the ledger from disk.
    func reopen() throws {
        ledger.close()
        ledger = try Ledger.open(path: path, logger: Self.quiet)
        lastCertificate = try ledger.block(atHeight: ledger.height)?.certificate
    }

    func transfer(_ from: Int, _ to: Int, _ amount: UInt64, nonce: UInt64? = nil) -> SignedTransaction {
        let key = userKeys[from]
        return SignedTransaction.make(
            chainID: Self.chainID, key: key, nonce: nonce ?? ledger.account(key.publicKey)!.nonce,
            body: .transfer(recipient: userKeys[to].publicKey, amount: amount))
    }

    /// Builds a proposal from `candidates` (dropping those that cannot apply).
    func propose(_ candidates: [SignedTransaction]) throws -> (ExecutedBlock, [RejectedTransaction]) {
        time += 1_000
        return try ledger.propose(
            timeMilliseconds: time, proposer: proposer, candidates: candidates,
            lastCommit: lastCertificate)
    }

    func certificate(for block: ExecutedBlock) throws -> CommitCertificate {
        try signer.certificate(for: block, ledger: ledger)
    }

    /// A chain of `blocks` blocks, each with two transfers (0 → 1 and 2 → 3).
    static func withTransferBlocks(_ blocks: Int) throws -> TestChain {
        let chain = try TestChain()
        for _ in 0..<blocks { try chain.commitBlock([chain.transfer(0, 1, 3), chain.transfer(2, 3, 1)]) }
        return chain
    }

    /// Proposes, re-validates independently from the bytes, and commits a block.
    @discardableResult
    func commitBlock(_ candidates: [SignedTransaction] = []) throws -> ExecutedBlock {
        let (proposed, _) = try propose(candidates)
        let validated = try ledger.execute(blockBytes: proposed.bytes)
        let certificate = try certificate(for: validated)
        try ledger.commit(validated, certificate: certificate)
        lastCertificate = certificate
        return validated
    }

    /// Re-signs a modified block header/body as a new block (for negative tests): the caller
    /// changes `block`, the header's body roots are recomputed.
    static func resealed(_ block: Block) -> Block {
        var copy = block
        copy.header.transactionsRoot = Block.transactionsRoot(copy.transactions)
        copy.header.lastCommitHash = Block.lastCommitHash(copy.lastCommit)
        copy.header.evidenceHash = Block.evidenceHash(copy.evidence)
        copy.header.actionsHash = Block.actionsHash(copy.actions)
        return copy
    }
}
