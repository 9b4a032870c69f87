import ArgumentParser
import Foundation
import HMNLedger
import HMNPrimitives
import Logging

/// `hmn-bench ledger`: applies blocks of signed transfers to an on-disk ledger (fsync per block)
/// and compares the throughput with raw single-thread libsodium verification of the same
/// transactions, measured in the same run.
struct LedgerBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Ledger throughput (blocks of signed transfers, fsync per block) vs raw Ed25519 verify/s."
    )

    @Option(help: "Blocks to apply.")
    var blocks: Int = 100

    @Option(help: "Signed transfers per block.")
    var transactions: Int = 1_000

    @Option(help: "Directory for the ledger files (a fresh temporary one by default).")
    var dir: String?

    func run() throws {
        let logger = Logger(label: "hmn.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let directory =
            dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("hmn-bench-ledger-\(UUID().uuidString)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let validators = (0..<4).map { SigningKey.derived(from: "bench-validator-\($0)") }
        let users = (0..<transactions).map { SigningKey.derived(from: "bench-user-\($0)") }
        let genesis = Genesis(
            chainID: "hmn-bench", genesisTimeMilliseconds: 1_700_000_000_000,
            accounts: validators.map { GenesisAccount(publicKey: $0.publicKey, balance: 0, stake: 10_000) }
                + users.map { GenesisAccount(publicKey: $0.publicKey, balance: 1_000_000_000_000) },
            parameters: LedgerParameters(maxBlockBytes: 64 << 20, mempoolCapacity: 1_000_000))
        let signer = LocalCommitSigner(keys: validators)

        print("preparing \(blocks) blocks × \(transactions) signed transfers (not timed)…")
        let builder = try Ledger(
            path: directory.appendingPathComponent("builder.sqlite").path, genesis: genesis,
            logger: logger)
        var prepared: [(bytes: [UInt8], certificate: CommitCertificate)] = []
        var lastCommit: CommitCertificate?
        for height in 1...UInt64(blocks) {
            let transfers = users.enumerated().map { index, key in
                SignedTransaction.make(
                    chainID: genesis.chainID, key: key, nonce: height - 1,
                    body: .transfer(recipient: users[(index + Int(height)) % users.count].publicKey, amount: 1 + height)
                )
            }
            let (block, rejected) = try builder.propose(
                timeMilliseconds: genesis.genesisTimeMilliseconds + height * 1_000,
                proposer: validators[Int(height % 4)].publicKey, candidates: transfers, lastCommit: lastCommit)
            guard rejected.isEmpty, block.block.transactions.count == transactions else {
                throw ValidationError(
                    "builder left out \(rejected.count) transactions: \(rejected.first?.error.description ?? "")")
            }
            let certificate = try signer.certificate(for: block, ledger: builder)
            try builder.commit(block, certificate: certificate)
            prepared.append((block.bytes, certificate))
            lastCommit = certificate
        }
        builder.close()

        let cores = ProcessInfo.processInfo.activeProcessorCount
        var figures: [(concurrency: Int, txPerSecond: Double, executeMs: Double, commitMs: Double)] = []
        for concurrency in Set([1, cores]).sorted() {
            let path = directory.appendingPathComponent("ledger-\(concurrency).sqlite").path
            let ledger = try Ledger(path: path, genesis: genesis, logger: logger)
            ledger.verificationConcurrency = concurrency
            var executeSeconds = 0.0
            var commitSeconds = 0.0
            let start = DispatchTime.now()
            for (bytes, certificate) in prepared {
                let t0 = DispatchTime.now()
                let executed = try ledger.execute(blockBytes: bytes)
                let t1 = DispatchTime.now()
                try ledger.commit(executed, certificate: certificate)
                let t2 = DispatchTime.now()
                executeSeconds += Self.seconds(t0, t1)
                commitSeconds += Self.seconds(t1, t2)
            }
            let total = Self.seconds(start, DispatchTime.now())
            guard ledger.height == UInt64(blocks) else { throw ValidationError("ledger stopped at \(ledger.height)") }
            ledger.close()
            figures.append(
                (
                    concurrency, Double(blocks * transactions) / total,
                    executeSeconds * 1_000 / Double(blocks), commitSeconds * 1_000 / Double(blocks)
                ))
        }

        // Block sync: the same checks, with the next block's signatures verified while the current
        // block executes and commits.
        let syncLedger = try Ledger(
            path: directory.appendingPathComponent("ledger-sync.sqlite").path, genesis: genesis, logger: logger)
        let syncStart = DispatchTime.now()
        try syncLedger.sync(prepared.map { (bytes: $0.bytes, certificate: $0.certificate) })
        let syncPerSecond = Double(blocks * transactions) / Self.seconds(syncStart, DispatchTime.now())
        guard syncLedger.height == UInt64(blocks) else { throw ValidationError("sync stopped at \(syncLedger.height)") }
        syncLedger.close()

        // Raw libsodium verification of the same transactions, one thread, sign bytes precomputed.
        var inputs: [(PublicKey, Signature, [UInt8])] = []
        for (bytes, _) in prepared {
            let block = try Block(canonicalBytes: bytes)
            inputs += block.transactions.map { ($0.sender, $0.signature, $0.transaction.signBytes) }
        }
        let verifyStart = DispatchTime.now()
        var valid = 0
        for (key, signature, message) in inputs where key.isValidSignature(signature, for: message) { valid += 1 }
        let verifySeconds = Self.seconds(verifyStart, DispatchTime.now())
        guard valid == inputs.count else { throw ValidationError("\(inputs.count - valid) signatures failed") }
        let verifyPerSecond = Double(inputs.count) / verifySeconds

        // Where a block's time goes (warm key cache), averaged over the prepared blocks.
        var decodeSeconds = 0.0
        var verifySeconds1 = 0.0
        var verifySecondsN = 0.0
        for (bytes, _) in prepared {
            let t0 = DispatchTime.now()
            let block = try Block.decode(bytes, maxBytes: Int(genesis.parameters.maxBlockBytes))
            let t1 = DispatchTime.now()
            _ = SignatureBatch.failures(in: block.transactions, concurrency: 1)
            let t2 = DispatchTime.now()
            _ = SignatureBatch.failures(in: block.transactions, concurrency: cores)
            let t3 = DispatchTime.now()
            decodeSeconds += Self.seconds(t0, t1)
            verifySeconds1 += Self.seconds(t1, t2)
            verifySecondsN += Self.seconds(t2, t3)
        }

        print("ledger: \(blocks) blocks × \(transactions) transfers, fsync per block (WAL, synchronous=FULL)")
        for figure in figures {
            print(
                String(
                    format: "  ledger, %d verify thread(s): %8.0f tx/s  (per block: execute %.1f ms, commit %.1f ms)"
                        + "  = %3.0f%% of single-core verify",
                    figure.concurrency, figure.txPerSecond, figure.executeMs, figure.commitMs,
                    100 * figure.txPerSecond / verifyPerSecond))
        }
        print(
            String(
                format: "  ledger sync (verify ahead), %d threads: %8.0f tx/s  = %3.0f%% of single-core verify",
                cores, syncPerSecond, 100 * syncPerSecond / verifyPerSecond))
        print(String(format: "  raw libsodium Ed25519 verify, 1 thread: %8.0f verify/s", verifyPerSecond))
        print(
            String(
                format: "  per block: decode %.1f ms, signature batch %.1f ms (1 thread) / %.1f ms (%d threads)",
                decodeSeconds * 1_000 / Double(blocks), verifySeconds1 * 1_000 / Double(blocks),
                verifySecondsN * 1_000 / Double(blocks), cores))
        try Self.measureStorageCheck(path: directory.appendingPathComponent("ledger-sync.sqlite").path, logger: logger)
    }

    static func seconds(_ start: DispatchTime, _ end: DispatchTime) -> Double {
        Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
