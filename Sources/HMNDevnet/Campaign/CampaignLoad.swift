import Foundation
import HMNLedger
import HMNNodeHTTP
import HMNPrimitives

/// The traffic of a fault campaign: several funded senders, each submitting one transfer at a time
/// to a random live node and waiting until some node reports it committed before using the next
/// nonce (as a wallet would), plus memory records now and then. Every acknowledgement (HTTP 202) is
/// recorded with its node and time, so the checker can tell a lost transaction from one that died
/// with the crashed node's mempool.
///
/// Choices come from a seed, but which node is live when depends on real timing, so the traffic of
/// two runs with one seed differs.
actor CampaignLoad {
    private let clients: [NodeClient]
    private let chainID: String
    private let faucet: SigningKey
    let senders: [SigningKey]
    private let started: ContinuousClock.Instant
    private var live: [Int]
    private(set) var acknowledged: [AcknowledgedTransaction] = []
    private var position: [String: Int] = [:]
    private(set) var refused = 0
    /// Submissions whose answer never came (timeout, connection reset): the node may or may not have
    /// taken them — Jepsen's "indeterminate" operations. Looked up at the end like acknowledged ones.
    private(set) var indeterminate: [AcknowledgedTransaction] = []
    /// A transaction not seen committed for this long is given up on and its nonce reused.
    private let commitTimeout: Duration

    init(
        clients: [NodeClient], chainID: String, faucet: SigningKey, senders: [SigningKey],
        started: ContinuousClock.Instant, commitTimeout: Duration = .seconds(60)
    ) {
        self.clients = clients
        self.chainID = chainID
        self.faucet = faucet
        self.senders = senders
        self.started = started
        self.commitTimeout = commitTimeout
        live = Array(clients.indices)
    }

    /// Milliseconds since the start of the run.
    func elapsedMilliseconds() -> UInt64 {
        let elapsed = ContinuousClock.now - started
        return UInt64(
            max(0, elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
    }

    func setLive(_ nodes: [Int]) { live = nodes }

    /// Funds every sender from the faucet through node `via` and waits until all transfers commit.
    func fundSenders(amount: UInt64, via node: Int) async throws(DevnetError) {
        do {
            try await clients[node].fundFromFaucet(
                senders.map(\.publicKey), amount: amount, faucet: faucet, chainID: chainID,
                timeout: .seconds(90), pollMilliseconds: 250)
        } catch {
            throw DevnetError(.node, "node\(node) did not fund the campaign's senders: \(error)")
        }
    }

    /// One sender's loop until `stop` is set.
    func runSender(_ index: Int, seed: UInt64, stop: CampaignStop) async {
        var generator = SeededGenerator(seed: seed)
        let key = senders[index]
        var nonce: UInt64?
        // The next nonce after the last transaction seen committed: a nonce read from a lagging node
        // may be older, and reusing it would only make a transaction that can never commit.
        var floor: UInt64 = 0
        while !stop.isSet {
            guard let node = live.randomElement(using: &generator) else {
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            let client = clients[node]
            if nonce == nil { nonce = (try? await client.account(key.publicKey).nonce).map { max($0, floor) } }
            guard let current = nonce else {
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            let recipient = SigningKey(using: &generator).publicKey
            let transaction = SignedTransaction.make(
                chainID: chainID, key: key, nonce: current,
                body: .transfer(recipient: recipient, amount: UInt64.random(in: 1...100, using: &generator)))
            do {
                _ = try await client.submit(transaction)
            } catch {
                if error.code == .transport {
                    indeterminate.append(
                        AcknowledgedTransaction(
                            id: transaction.id.hex, sender: key.publicKey.hex, nonce: current, node: node,
                            acknowledgedAtMilliseconds: elapsedMilliseconds()))
                } else {
                    refused += 1
                }
                nonce = nil
                try? await Task.sleep(for: .milliseconds(300))
                continue
            }
            let id = transaction.id.hex
            position[id] = acknowledged.count
            acknowledged.append(
                AcknowledgedTransaction(
                    id: id, sender: key.publicKey.hex, nonce: current, node: node,
                    acknowledgedAtMilliseconds: elapsedMilliseconds()))
            if await waitUntilCommitted(transaction.id, generator: &generator, stop: stop) {
                nonce = current + 1
                floor = current + 1
            } else {
                nonce = nil
            }
        }
    }

    /// Polls random live nodes until one reports `id` committed (true), or the commit timeout or
    /// the stop (false).
    private func waitUntilCommitted(_ id: Hash256, generator: inout SeededGenerator, stop: CampaignStop) async -> Bool {
        let deadline = ContinuousClock.now + commitTimeout
        while ContinuousClock.now < deadline, !stop.isSet {
            try? await Task.sleep(for: .milliseconds(400))
            guard let node = live.randomElement(using: &generator) else { continue }
            if (try? await clients[node].transaction(id: id)) != nil {
                if let index = position[id.hex] {
                    acknowledged[index].seenCommittedAtMilliseconds = elapsedMilliseconds()
                }
                return true
            }
        }
        return false
    }

    /// Marks `id` as seen committed (the settle phase after the faults).
    func markSeen(_ id: String) {
        if let index = position[id], acknowledged[index].seenCommittedAtMilliseconds == nil {
            acknowledged[index].seenCommittedAtMilliseconds = elapsedMilliseconds()
        }
    }

    /// Puts a memory record on a random live node every `interval` until `stop` is set.
    func runMemories(_ devnet: DevnetLoad, dimension: Int, interval: Duration, seed: UInt64, stop: CampaignStop) async {
        var generator = SeededGenerator(seed: seed)
        var count = 0
        while !stop.isSet {
            await CampaignStop.sleep(interval) { stop.isSet }
            if stop.isSet { break }
            guard let node = live.randomElement(using: &generator) else { continue }
            // Acknowledged records are kept by `devnet` (its `memories`), for the final check.
            _ = try? await devnet.putMemory(dimension: dimension, via: node, note: "campaign \(count)")
            count += 1
        }
    }
}
