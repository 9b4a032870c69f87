import ArgumentParser
import Foundation
import HMNLedger
import HMNPrimitives
import Logging

/// `hmn demo`: creates a small chain on disk, drives it through the consensus application
/// boundary with real signed commits, then reopens it and verifies every block.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a ledger, apply signed blocks, print heights, hashes and balances, reopen and verify."
    )

    @Option(help: "Directory for the demo chain (wiped first).")
    var dir: String = "./.hmn-demo"

    func run() throws {
        let logger = Logger(label: "hmn.demo", factory: { _ in SwiftLogNoOpLogHandler() })
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: dir).appendingPathComponent("ledger.sqlite").path

        let validators = (0..<4).map { SigningKey.derived(from: "demo-validator-\($0)") }
        let names = ["alice", "bob", "carol"]
        let users = Dictionary(uniqueKeysWithValues: names.map { ($0, SigningKey.derived(from: "demo-\($0)")) })
        let genesis = Genesis(
            chainID: "hmn-demo", genesisTimeMilliseconds: 1_700_000_000_000,
            accounts: validators.map { GenesisAccount(publicKey: $0.publicKey, balance: 0, stake: 10_000) }
                + names.map { GenesisAccount(publicKey: users[$0]!.publicKey, balance: 1_000_000) },
            parameters: LedgerParameters(miningEpochLength: 2))
        let app = LedgerApplication(ledger: try Ledger(path: path, genesis: genesis, logger: logger), logger: logger)
        let signer = LocalCommitSigner(keys: validators)
        print("chain \(genesis.chainID) created in \(path)")
        print("genesis \(genesis.hash.short)…  validators: 4 × stake 10000")

        var nonces: [String: UInt64] = [:]
        func submit(_ name: String, _ body: TransactionBody, key: SigningKey? = nil) {
            let signer = key ?? users[name]!
            let nonce = nonces[name, default: 0]
            let transaction = SignedTransaction.make(chainID: genesis.chainID, key: signer, nonce: nonce, body: body)
            switch app.checkTransaction(transaction.canonicalBytes) {
            case .accepted: nonces[name] = nonce + 1
            case .rejected(let code, let message):
                print("  mempool rejected \(name)'s \(body.kind): \(code): \(message)")
            }
        }
        let proof = MemoryProof.signed(
            chainID: genesis.chainID, recordID: Hash256.of(Array("record-1".utf8)),
            contentHash: Hash256.of(Array("v1".utf8)),
            timestampMilliseconds: genesis.genesisTimeMilliseconds, rphv: FixedPoint(raw: 920_000), key: users["carol"]!
        )
        let plan: [UInt64: () -> Void] = [
            1: {
                submit("alice", .transfer(recipient: users["bob"]!.publicKey, amount: 2_500))
                submit("bob", .transfer(recipient: users["carol"]!.publicKey, amount: 400))
            },
            2: {
                submit("carol", .bond(amount: 5_000))
                submit("alice", .memoryProof(proof))
            },
            3: {
                // Mining epoch 1 (heights 1–2) has ended: each staker mints its one exact T0 amount.
                for (index, key) in validators.enumerated() {
                    let name = "validator-\(index)"
                    let amount = app.ledger.layer2.mintT0Amount(for: key.publicKey, epoch: 1, atHeight: 3) ?? 0
                    submit(name, .mintT0(epoch: 1, amount: amount), key: key)
                }
                let carolT0 = app.ledger.layer2.mintT0Amount(for: users["carol"]!.publicKey, epoch: 1, atHeight: 3) ?? 0
                submit("carol", .mintT0(epoch: 1, amount: carolT0))
                submit("carol", .mintT1(proofID: proof.proofID, amount: 1_000))
            },
            4: { submit("bob", .transfer(recipient: users["alice"]!.publicKey, amount: 1_234)) },
            5: { submit("alice", .unbond(amount: 1)) },  // alice has no stake: rejected at the door
        ]

        var lastCommit: CommitCertificate?
        for height in 1...5 as ClosedRange<UInt64> {
            plan[height]?()
            let info = try app.info()
            let proposer = info.validators[Int(height) % info.validators.count].publicKey
            let proposal = try app.prepareProposal(
                PrepareProposalRequest(
                    height: height, round: 0, timeMilliseconds: genesis.genesisTimeMilliseconds + height * 1_000,
                    proposer: proposer, lastCommit: lastCommit, evidence: [], maxBlockBytes: 1 << 20))
            guard
                app.processProposal(
                    ProcessProposalRequest(height: height, round: 0, proposer: proposer, block: proposal))
                    == .accept
            else { throw ValidationError("the ledger rejected its own proposal at height \(height)") }
            let voteExtension = app.extendVote(height: height, round: 0, blockID: proposal.id)
            let commit = signer.certificate(
                chainID: genesis.chainID, height: height, blockID: proposal.id,
                validators: info.validators, voteExtension: voteExtension)
            let response = try app.finalizeBlock(FinalizeBlockRequest(height: height, block: proposal, commit: commit))
            try app.commit()
            lastCommit = commit
            let updates = response.validatorUpdates.map { "\($0.publicKey.short)→\($0.power)" }
            print(
                "height \(height)  block \(proposal.id.short)…  txs \(response.transactionResults.count)  "
                    + "app hash \(response.appHash.short)…  signers \(commit.signatures.count)"
                    + (updates.isEmpty ? "" : "  validator updates (at h+2): \(updates.joined(separator: ", "))"))
            for result in response.transactionResults { print("    \(result.log)") }
        }

        print("balances:")
        for name in names {
            let account = app.ledger.account(users[name]!.publicKey)!
            print(
                "  \(name.padding(toLength: 6, withPad: " ", startingAt: 0)) balance \(account.balance)  "
                    + "stake \(account.stake)  nonce \(account.nonce)")
        }
        let tip = app.ledger.tip
        app.ledger.close()

        let reopened = try Ledger.open(path: path, logger: logger)
        defer { reopened.close() }
        let checked = try reopened.verifyChain()
        guard reopened.tip == tip, checked == 5 else {
            throw ValidationError("reopened ledger differs: \(reopened.tip) vs \(tip)")
        }
        print(
            "reopened at height \(reopened.height), block \(reopened.tip.blockID.short)…, "
                + "app hash \(reopened.tip.appHash.short)…: "
                + "\(checked) blocks, hashes, commits and state root verified")
        print("verified")
    }
}
