import HMNPrimitives
import HMNStorage
import Synchronization

/// The node's pending transactions on disk (`mempool.sqlite` in the data directory), so that a
/// transaction answered `202 Accepted` survives `kill -9` of the node right after the answer.
///
/// The in-memory mempool stays the source of truth while the node runs; the journal mirrors it:
/// a submission is written (and fsynced: WAL, `synchronous=FULL`) **before** it is acknowledged,
/// transactions admitted from gossip are written without waiting and without an fsync of their
/// own (they keep a sender's nonce run gapless on reload after `kill -9`), and after each commit
/// the entries that left the mempool (committed, stale or invalid) are deleted, also without an
/// fsync. On start the node re-admits every entry (see
/// ``FullNode/reloadJournal()``) and sends its mempool to each peer that connects, as before.
///
/// Writes are group-committed: whoever finds the journal idle writes everything queued so far in
/// one SQLite transaction (one fsync), then what queued meanwhile, until the queue is empty; the
/// others wait for the write that carries their entry. Concurrent submitters therefore share fsyncs
/// instead of queueing one each.
public final class MempoolJournal: Sendable {
    /// The SQLite file.
    public let path: String
    private let connection: Mutex<Connection>
    private let queue = Mutex(Queue())
    private let durableWrites = Atomic<Int>(0)

    /// The SQLite connection and the last `seq` written: kept here, not read back with
    /// `MAX(seq)` per write, which scanned the whole table (`seq` has no index) and, with 8,000
    /// pending transactions under load, read pages back from the file 2,000 times a second.
    private struct Connection: ~Copyable {
        let database: SQLiteDatabase
        var lastSequence: Int64
        /// Whether the connection is at `synchronous=FULL` (as opened) rather than `NORMAL`: the
        /// pragma is issued only when a write needs the other mode.
        var fullSync = true
    }

    private struct Queue: ~Copyable {
        var inserts: [(id: Hash256, bytes: [UInt8])] = []
        var deletes: [Hash256] = []
        var waiters: [CheckedContinuation<StorageError?, Never>] = []
        var draining = false
        /// Ids written or queued for writing and not deleted.
        var ids: Set<Hash256> = []
    }

    static let migrations = [
        """
        CREATE TABLE pending (
            id BLOB PRIMARY KEY,
            bytes BLOB NOT NULL,
            seq INTEGER NOT NULL
        );
        """
    ]

    /// Opens (creating if needed) the journal at `path`.
    public init(path: String) throws(StorageError) {
        self.path = path
        // 16 MiB of page cache: 20,000 pending transfers are about 5 MiB of rows, and with
        // SQLite's default 2 MiB a loaded node read pages back from the WAL a few hundred times a second.
        let database = try SQLiteDatabase(path: path, options: .init(cacheKibibytes: 16 * 1_024))
        do {
            try database.migrate(Self.migrations)
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(.sqlite, "migrating \(path): \(error)")
        }
        let rows: [(id: Hash256?, sequence: Int64)]
        do {
            rows = try database.statement("SELECT id, seq FROM pending").all {
                (try? Hash256(bytes: $0.blob(0)), $0.int64(1))
            }
        } catch {
            throw StorageError(.sqlite, "reading \(path): \(error)")
        }
        self.connection = Mutex(Connection(database: database, lastSequence: rows.map(\.sequence).max() ?? 0))
        queue.withLock { $0.ids = Set(rows.compactMap(\.id)) }
    }

    /// Every journaled transaction, oldest first.
    public func entries() throws(StorageError) -> [(id: Hash256, bytes: [UInt8])] {
        try connection.withLock { connection throws(StorageError) in
            do {
                return try connection.database.statement("SELECT id, bytes FROM pending ORDER BY seq").all { row in
                    (try? Hash256(bytes: row.blob(0))).map { ($0, row.blob(1)) }
                }.compactMap { $0 }
            } catch let error as StorageError {
                throw error
            } catch {
                throw StorageError(.sqlite, "reading \(path): \(error)")
            }
        }
    }

    /// Ids held (written or queued).
    public var ids: Set<Hash256> { queue.withLock { $0.ids } }

    /// Number of entries held.
    public var count: Int { queue.withLock { $0.ids.count } }

    /// SQLite transactions written with an fsync (those an acknowledgement waited for), since open.
    public var durableWriteCount: Int { durableWrites.load(ordering: .relaxed) }

    /// Writes the transactions and returns once they are durable (nil), or the write's error.
    public func append(_ transactions: [(id: Hash256, bytes: [UInt8])]) async -> StorageError? {
        guard !transactions.isEmpty else { return nil }
        return await withCheckedContinuation { continuation in
            let leads = queue.withLock { queue in
                enqueue(transactions, into: &queue)
                queue.waiters.append(continuation)
                return startDraining(&queue)
            }
            if leads { drain() }
        }
    }

    /// Queues the transactions for the next write without waiting for it (gossip).
    public func appendInBackground(_ transactions: [(id: Hash256, bytes: [UInt8])]) {
        guard !transactions.isEmpty else { return }
        let leads = queue.withLock { queue in
            enqueue(transactions, into: &queue)
            return startDraining(&queue)
        }
        if leads { Task { self.drain() } }
    }

    /// Queues deletions (entries that left the mempool); written with the next batch.
    public func remove(_ ids: some Sequence<Hash256>) {
        let leads = queue.withLock { queue in
            var any = false
            for id in ids where queue.ids.remove(id) != nil {
                queue.deletes.append(id)
                any = true
            }
            return any && startDraining(&queue)
        }
        if leads { Task { self.drain() } }
    }

    /// Closes the file; later writes fail.
    public func close() {
        connection.withLock { $0.database.close() }
    }

    private func enqueue(_ transactions: [(id: Hash256, bytes: [UInt8])], into queue: inout Queue) {
        for transaction in transactions where queue.ids.insert(transaction.id).inserted {
            queue.inserts.append(transaction)
        }
    }

    /// Marks the journal as draining; true when the caller must drain (it was idle).
    private func startDraining(_ queue: inout Queue) -> Bool {
        guard !queue.draining else { return false }
        queue.draining = true
        return true
    }

    /// Writes queued work batch by batch until none is left; then the journal is idle again.
    private func drain() {
        while true {
            let (inserts, deletes, waiters) = queue.withLock { queue in
                defer {
                    queue.inserts = []
                    queue.deletes = []
                    queue.waiters = []
                    if queue.inserts.isEmpty && queue.deletes.isEmpty { queue.draining = false }
                }
                return (queue.inserts, queue.deletes, queue.waiters)
            }
            if inserts.isEmpty && deletes.isEmpty && waiters.isEmpty { return }
            let failure = write(inserts: inserts, deletes: deletes, durable: !waiters.isEmpty)
            for waiter in waiters { waiter.resume(returning: failure) }
        }
    }

    /// One SQLite transaction. `durable` (someone waits to acknowledge an entry): fsynced before
    /// it returns. Otherwise (gossip, pruning) `synchronous=NORMAL`: in WAL mode the commit is in
    /// the OS's cache, so it survives `kill -9` of the node but not a power cut, and the next
    /// durable write's fsync carries it too. Nothing is lost that mattered: a gossiped entry is
    /// still journaled (fsynced) by the node that acknowledged it, and an undone deletion only
    /// brings back a committed transaction that the reload drops. Before 2026-12-07 every write
    /// was fsynced: a 1-transaction block cost each node two journal fsyncs (the gossiped
    /// transaction, then its deletion after the commit) besides the ledger's and its votes'.
    private func write(
        inserts: [(id: Hash256, bytes: [UInt8])], deletes: [Hash256], durable: Bool
    ) -> StorageError? {
        connection.withLock { connection in
            let database = connection.database
            do {
                if durable { durableWrites.add(1, ordering: .relaxed) }
                if connection.fullSync != durable {
                    try database.execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
                    connection.fullSync = durable
                }
                let sequence = connection.lastSequence
                try database.transaction {
                    for (offset, insert) in inserts.enumerated() {
                        try database.statement("INSERT OR IGNORE INTO pending (id, bytes, seq) VALUES (?, ?, ?)")
                            .bind(.blob(insert.id.bytes), .blob(insert.bytes), .integer(sequence + Int64(offset) + 1))
                            .run()
                    }
                    for id in deletes {
                        try database.statement("DELETE FROM pending WHERE id = ?").bind(.blob(id.bytes)).run()
                    }
                }
                // Only once the transaction committed: a failed one leaves the numbers unused.
                connection.lastSequence = sequence + Int64(inserts.count)
                return nil
            } catch let error as StorageError {
                return error
            } catch {
                return StorageError(.sqlite, "writing \(path): \(error)")
            }
        }
    }
}
