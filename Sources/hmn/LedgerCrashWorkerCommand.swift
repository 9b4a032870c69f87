import ArgumentParser
import Foundation
import HMNLedger
import HMNPrimitives
import Logging

/// Hidden worker for HMNLedgerTests' crash test: opens (or creates) a ledger and commits signed
/// blocks in a loop, printing `committed <height>` only after `commit` returned, until killed.
struct LedgerCrashWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_ledger-crash-worker",
        abstract: "Commits blocks in a loop until killed (crash-test worker; not for users).",
        shouldDisplay: false
    )

    @Option(help: "Ledger database file.")
    var path: String

    @Option(help: "Stop after this height.")
    var blocks: UInt64 = 100_000

    @Option(help: "Transfers per block.")
    var transfers: Int = 20

    func run() throws {
        let logger = Logger(label: "hmn.crash-worker", factory: { _ in SwiftLogNoOpLogHandler() })
        let chain = CrashTestChain()
        let ledger = try Ledger(path: path, genesis: chain.genesis, logger: logger)
        defer { ledger.close() }
        var lastCommit = try ledger.block(atHeight: ledger.height)?.certificate
        say("opened \(ledger.height)")
        while ledger.height < blocks {
            let height = ledger.height + 1
            let candidates = chain.transfers(forHeight: height, count: transfers, ledger: ledger)
            let (proposal, _) = try ledger.propose(
                timeMilliseconds: chain.genesis.genesisTimeMilliseconds + height * 1_000,
                proposer: chain.validators[Int(height % 4)].publicKey, candidates: candidates, lastCommit: lastCommit)
            let executed = try ledger.execute(blockBytes: proposal.bytes)
            let certificate = try chain.signer.certificate(for: executed, ledger: ledger)
            try ledger.commit(executed, certificate: certificate)
            lastCommit = certificate
            say("committed \(height)")
        }
    }
}

/// Writes a line straight to fd 1 (unbuffered), so the parent sees it even if killed right after.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The deterministic chain the crash test and its worker share.
struct CrashTestChain {
    let validators = (0..<4).map { SigningKey.derived(from: "crash-validator-\($0)") }
    let users = (0..<20).map { SigningKey.derived(from: "crash-user-\($0)") }
    var signer: LocalCommitSigner { LocalCommitSigner(keys: validators) }

    var genesis: Genesis {
        Genesis(
            chainID: "hmn-crash-test", genesisTimeMilliseconds: 1_700_000_000_000,
            accounts: validators.map { GenesisAccount(publicKey: $0.publicKey, balance: 0, stake: 10_000) }
                + users.map { GenesisAccount(publicKey: $0.publicKey, balance: 1_000_000_000) })
    }

    func transfers(forHeight height: UInt64, count: Int, ledger: Ledger) -> [SignedTransaction] {
        var nonces: [PublicKey: UInt64] = [:]
        return (0..<count).map { index in
            let position = (Int(height) * count + index)
            let sender = users[position % users.count]
            let recipient = users[(position * 7 + 3) % users.count]
            let nonce = nonces[sender.publicKey] ?? ledger.account(sender.publicKey)!.nonce
            nonces[sender.publicKey] = nonce + 1
            return SignedTransaction.make(
                chainID: genesis.chainID, key: sender, nonce: nonce,
                body: .transfer(recipient: recipient.publicKey, amount: UInt64(1 + position % 97)))
        }
    }
}
