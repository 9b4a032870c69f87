import Foundation
import HMNLedger
import HMNMesh
import HMNNodeHTTP
import HMNPrimitives

/// Sample traffic for a devnet: transfers from the faucet and memory records, submitted through the
/// HTTP API. Deterministic from its seed, so a failing run can be repeated.
public actor DevnetLoad {
    private let cluster: LocalCluster
    private var generator: SeededGenerator
    private var nextNonce: UInt64?
    /// Ids of the transactions nodes acknowledged (accepted into a mempool).
    public private(set) var acknowledged: [Hash256] = []
    /// Ids of the memory records nodes acknowledged.
    public private(set) var memories: [Hash256] = []

    public init(cluster: LocalCluster, seed: UInt64) {
        self.cluster = cluster
        generator = SeededGenerator(seed: seed)
    }

    /// A fresh recipient key, derived from the seed.
    private func recipient() -> PublicKey {
        SigningKey(using: &generator).publicKey
    }

    /// Signs a faucet transfer of `amount` to a fresh key and submits it to node `index`.
    /// Returns the transaction id and the recipient.
    @discardableResult
    public func transfer(amount: UInt64, via index: Int) async throws(DevnetError) -> (id: Hash256, to: PublicKey) {
        let client = cluster.clients[index]
        if nextNonce == nil {
            do {
                nextNonce = try await client.account(cluster.faucet.publicKey).nonce
            } catch {
                throw DevnetError(.node, "node\(index): cannot read the faucet account: \(error)")
            }
        }
        let to = recipient()
        let transaction = SignedTransaction.make(
            chainID: cluster.chainID, key: cluster.faucet, nonce: nextNonce!,
            body: .transfer(recipient: to, amount: amount))
        do {
            _ = try await client.submit(transaction)
        } catch {
            // A refused nonce means our count drifted (e.g. a node restarted): re-read it next time.
            nextNonce = nil
            throw DevnetError(.node, "node\(index) refused a transfer: \(error)")
        }
        nextNonce! += 1
        acknowledged.append(transaction.id)
        return (transaction.id, to)
    }

    /// Puts one memory record with a random unit vector of `dimension` on node `index`; returns its
    /// id and vector.
    @discardableResult
    public func putMemory(
        dimension: Int, via index: Int, note: String
    ) async throws(DevnetError) -> (id: Hash256, vector: [Float]) {
        var vector = (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        vector = vector.map { $0 / max(norm, 1e-6) }
        let idBytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let id = Hash256.of(idBytes)
        let record = MemoryRecord(
            id: id, vector: vector, payload: Array(note.utf8), author: cluster.faucet.publicKey,
            createdAtMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000)
        ).signed(chainID: cluster.chainID, key: cluster.faucet)
        do {
            _ = try await cluster.clients[index].putMemory(MemoryRecordJSON(record))
        } catch {
            throw DevnetError(.node, "node\(index) refused a memory record: \(error)")
        }
        memories.append(id)
        return (id, vector)
    }
}
