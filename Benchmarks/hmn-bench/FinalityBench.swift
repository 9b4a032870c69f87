import ArgumentParser
import Foundation
import HMNDevnet
import HMNLedger
import HMNNode
import HMNNodeHTTP
import HMNPrimitives

/// `hmn-bench finality`: submit → finalized latency on 4 validator processes, one sequential
/// client (submit, wait until the transaction is committed, next) and then N concurrent such
/// clients. The etcd comparison (Benchmarks/etcd-vs-hmn) runs it beside etcd's put latency.
///
/// Two figures per transaction: `observed` is what the client sees (request sent → the node's
/// answer to `POST /v1/transactions?waitMilliseconds=5000`, which comes when the transaction is
/// committed; a long poll `GET /v1/transactions/{id}?waitMilliseconds=5000` follows if it is not),
/// `node` is request sent → the submitting node's own commit time of the block (`localCommit`,
/// same machine clock), which excludes the answer's way back.
struct FinalityBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finality",
        abstract: "Submit → finalized latency on 4 validator processes: one sequential client, then N concurrent.")

    @Option(help: "The hmn executable (default: the one next to hmn-bench).")
    var hmn: String?

    @Option(help: "Working directory for the testnet.")
    var dir = "/tmp/hmn-bench-finality"

    @Option(help: "First port.")
    var basePort = 27_400

    @Option(help: "Timing profile: standard or low-latency.")
    var profile: ChainProfile = .lowLatency

    @Option(help: "Transactions of the sequential client.")
    var sequential = 300

    @Option(help: "Concurrent clients of the second phase.")
    var concurrent = 16

    @Option(help: "Transactions per concurrent client.")
    var perClient = 50

    @Option(help: "Write the figures as JSON here.")
    var report: String?

    struct Phase: Codable {
        var name: String
        var clients: Int
        var transactions: Int
        var seconds: Double
        var observed: LatencySummary
        var node: LatencySummary
        var throughputPerSecond: Double
    }

    struct Report: Codable {
        var date: String
        var profile: String
        var validators: Int
        var sequential: Phase
        var concurrent: Phase
        var roundLatency: LatencySummary
    }

    func validate() throws {
        guard sequential >= 1, concurrent >= 1, perClient >= 1 else {
            throw ValidationError("--sequential, --concurrent and --per-client must be at least 1")
        }
    }

    func run() async throws {
        let executable =
            hmn
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("hmn").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("no hmn executable at \(executable)")
        }
        try? FileManager.default.removeItem(atPath: dir)
        var options = Testnet.Options()
        options.apply(profile)
        let cluster = try LocalCluster.create(
            validators: 4, directory: dir, basePort: basePort, executable: executable, options: options)
        try cluster.startAll()
        let result: Report
        do {
            result = try await measure(cluster)
        } catch {
            await cluster.stopAll()
            throw error
        }
        await cluster.stopAll()
        try? FileManager.default.removeItem(atPath: dir)
        print("hmn finality (\(profile.rawValue), 4 validators)")
        print("  sequential: observed \(result.sequential.observed); node \(result.sequential.node)")
        print(
            "  \(concurrent) concurrent: observed \(result.concurrent.observed); node \(result.concurrent.node); "
                + "\(Int(result.concurrent.throughputPerSecond)) tx/s")
        print("  round latency (round 0 start → commit, all nodes): \(result.roundLatency)")
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(result).write(to: URL(fileURLWithPath: report))
        }
    }

    private func measure(_ cluster: LocalCluster) async throws -> Report {
        try await cluster.waitForHeight(2, timeout: .seconds(90))
        var generator = SeededGenerator(seed: 5)
        let keys = (0...concurrent).map { _ in SigningKey(using: &generator) }
        try await cluster.clients[0].fundFromFaucetForBench(keys.map(\.publicKey), cluster: cluster)
        let startHeight = await cluster.statuses().compactMap { $0?.height }.min() ?? 0

        let sequentialStart = ContinuousClock.now
        let lone = try await Self.client(
            cluster, key: keys[0], node: 0, count: sequential, log: "sequential")
        let sequentialPhase = Self.phase(
            "sequential", clients: 1, samples: [lone], since: sequentialStart)

        let concurrentStart = ContinuousClock.now
        let samples = try await withThrowingTaskGroup(of: Samples.self) { group in
            for index in 1...concurrent {
                let key = keys[index]
                let count = perClient
                group.addTask {
                    try await Self.client(cluster, key: key, node: index % cluster.count, count: count, log: nil)
                }
            }
            var all: [Samples] = []
            for try await samples in group { all.append(samples) }
            return all
        }
        let concurrentPhase = Self.phase(
            "concurrent", clients: concurrent, samples: samples, since: concurrentStart)

        let endHeight = await cluster.statuses().compactMap { $0?.height }.min() ?? 0
        var rounds: [Double] = []
        if endHeight > startHeight {
            for height in (startHeight + 1)...endHeight {
                for client in cluster.clients {
                    if let ms = try? await client.block(height: height).localCommit?.finalityMilliseconds {
                        rounds.append(Double(ms))
                    }
                }
            }
        }
        return Report(
            date: ISO8601DateFormatter().string(from: Date()), profile: profile.rawValue, validators: 4,
            sequential: sequentialPhase, concurrent: concurrentPhase, roundLatency: LatencySummary(rounds))
    }

    struct Samples: Sendable {
        var observed: [Double] = []
        var node: [Double] = []
    }

    static func phase(_ name: String, clients: Int, samples: [Samples], since start: ContinuousClock.Instant) -> Phase {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let observed = samples.flatMap(\.observed)
        return Phase(
            name: name, clients: clients, transactions: observed.count, seconds: seconds,
            observed: LatencySummary(observed), node: LatencySummary(samples.flatMap(\.node)),
            throughputPerSecond: Double(observed.count) / max(seconds, 0.001))
    }

    /// One client: its own connection, submit and wait for the commit, next.
    static func client(
        _ cluster: LocalCluster, key: SigningKey, node: Int, count: Int, log: String?
    ) async throws -> Samples {
        let client = NodeClient(port: cluster.configurations[node].httpPort, timeoutSeconds: 10)
        // Funding was awaited on node 0; this client's node may commit it a moment later.
        var account: AccountJSON?
        for _ in 0..<500 where account == nil {
            account = try? await client.account(key.publicKey)
            if account == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard var nonce = account?.nonce else {
            throw ValidationError("sender \(key.publicKey.short) was never funded")
        }
        let sink = SigningKey.derived(from: "finality sink").publicKey
        let transactions = (0..<count).map { offset in
            SignedTransaction.make(
                chainID: cluster.chainID, key: key, nonce: nonce + UInt64(offset),
                body: .transfer(recipient: sink, amount: 1))
        }
        nonce += UInt64(count)
        var samples = Samples()
        for (index, transaction) in transactions.enumerated() {
            let sent = Date().timeIntervalSince1970 * 1_000
            // Submit and wait for the commit in one request, as an etcd put does. Until 2026-12-08
            // this client submitted, then long-polled; until 2026-12-07 it polled every millisecond,
            // which cost the node more CPU than the commits it measured.
            var record = try await client.submit(transaction, waitMilliseconds: 5_000).record
            while record == nil {
                record = try? await client.transaction(id: transaction.id, waitMilliseconds: 5_000)
            }
            let seen = Date().timeIntervalSince1970 * 1_000
            samples.observed.append(seen - sent)
            if let height = record?.height, let commit = try? await client.block(height: height).localCommit {
                samples.node.append(Double(commit.committedAtMilliseconds) - sent)
            }
            if let log, (index + 1) % 50 == 0 {
                FileHandle.standardError.write(Data("[\(log)] \(index + 1)/\(count)\n".utf8))
            }
        }
        return samples
    }
}

extension NodeClient {
    /// Funds the benchmark's senders from the faucet through this node and waits for the last payment.
    func fundFromFaucetForBench(_ recipients: [PublicKey], cluster: LocalCluster) async throws {
        let first = try await account(cluster.faucet.publicKey).nonce
        var last: Hash256?
        for (offset, recipient) in recipients.enumerated() {
            let transaction = SignedTransaction.make(
                chainID: cluster.chainID, key: cluster.faucet, nonce: first + UInt64(offset),
                body: .transfer(recipient: recipient, amount: 1_000_000))
            _ = try await submit(transaction)
            last = transaction.id
        }
        if let last { _ = try await waitForCommit(id: last, timeoutSeconds: 60, pollMilliseconds: 20) }
    }
}
