// The "Embedding" example of Docs/LEDGER.md, compiled and run as a test. Keep the two in sync.
import Foundation
import HMNLedger
import HMNPrimitives
import Logging
import Testing

/// A service that owns a single-validator ledger and settles payments in blocks.
/// `Ledger` is not Sendable: the actor confines it to one executor.
actor Settlement {
    private let ledger: Ledger
    private let validator: SigningKey
    private var lastCommit: CommitCertificate?
    private var pending: [SignedTransaction] = []

    init(path: String, genesis: Genesis, validator: SigningKey, logger: Logger) throws {
        ledger = try Ledger(path: path, genesis: genesis, logger: logger)  // creates or reopens
        self.validator = validator
        lastCommit = try ledger.block(atHeight: ledger.height)?.certificate
    }

    func submit(_ transaction: SignedTransaction) { pending.append(transaction) }

    /// Seals the pending transactions that apply into a block and makes it durable.
    func seal(atMilliseconds now: UInt64) throws -> UInt64 {
        let (block, _) = try ledger.propose(
            timeMilliseconds: now, proposer: validator.publicKey, candidates: pending, lastCommit: lastCommit)
        let certificate = try LocalCommitSigner(keys: [validator]).certificate(for: block, ledger: ledger)
        try ledger.commit(block, certificate: certificate)  // one SQLite transaction, fsynced
        pending.removeAll()
        lastCommit = certificate
        return ledger.height
    }

    func balance(of key: PublicKey) -> UInt64 { ledger.account(key)?.balance ?? 0 }

    func receipt(for id: Hash256) throws -> TransactionRecord? { try ledger.transaction(withID: id) }
}

@Suite("Docs/LEDGER.md embedding example")
struct EmbeddingExampleTests {
    @Test("the settlement service seals a payment and proves it")
    func settlement() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-embed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let validator = SigningKey.derived(from: "settlement-validator")
        let alice = SigningKey.derived(from: "alice")
        let bob = SigningKey.derived(from: "bob")
        let genesis = Genesis(
            chainID: "settlement", genesisTimeMilliseconds: 1_700_000_000_000,
            accounts: [
                GenesisAccount(publicKey: validator.publicKey, balance: 0, stake: 1_000),
                GenesisAccount(publicKey: alice.publicKey, balance: 500),
            ])
        let service = try Settlement(
            path: directory.appendingPathComponent("ledger.sqlite").path, genesis: genesis, validator: validator,
            logger: Logger(label: "settlement", factory: { _ in SwiftLogNoOpLogHandler() }))

        let payment = SignedTransaction.make(
            chainID: "settlement", key: alice, nonce: 0, body: .transfer(recipient: bob.publicKey, amount: 120))
        await service.submit(payment)
        let height = try await service.seal(atMilliseconds: 1_700_000_001_000)

        #expect(height == 1)
        #expect(await service.balance(of: bob.publicKey) == 120)
        let receipt = try #require(try await service.receipt(for: payment.id))
        #expect(receipt.result.code == 0)
        #expect(receipt.isProofValid)  // checkable by anyone holding the block header
    }
}
