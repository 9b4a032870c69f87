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

    /// The SQLite connection, the last `seq` written and each entry's `seq`: kept here, not read
    /// back with `MAX(seq)` per write, which scanned the whole table and, with 8,000 pending
    /// transactions under load, read pages back from the file 2,000 times a second.
    private struct Connection: ~Copyable {
        let database: SQLiteDatabase
        var lastSequence: Int64
        /// The row of each journaled id: a deletion goes straight to it by `seq`, the table's key.
        var sequences: [Hash256: Int64]
        /// Whether the connection is at `synchronous=FULL` (as opened) rather than `NORMAL`: the
        /// pragma is issued only when a write needs the other mode.
        var fullSync = true
    }

    /// A queued change, applied in the order queued: an id removed and then admitted again (or
    /// the reverse) within one batch ends as it was last queued.
    private enum Operation {
        case insert(id: Hash256, bytes: [UInt8])
        case delete(Hash256)
    }

    private struct Queue: ~Copyable {
        var operations: [Operation] = []
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
        """,
        // Version 2: rows keyed by `seq` alone. The unique index on the id put every insert and
        // every deletion at a random place in a B-tree: under load each gossiped transaction
        // rewrote about a page (4 KiB) of the journal's WAL. Ids are unique by construction (the
        // queue admits an id only when it is not held) and deletions find their row by `seq`.
        """
        CREATE TABLE pending_by_seq (seq INTEGER PRIMARY KEY, id BLOB NOT NULL, bytes BLOB NOT NULL);
        INSERT INTO pending_by_seq (id, bytes) SELECT id, bytes FROM pending ORDER BY seq;
        DROP TABLE pending;
        ALTER TABLE pending_by_seq RENAME TO pending;
        """,
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
            rows = try database.statement("SELECT id, seq FROM pending ORDER BY seq").all {
                (try? Hash256(bytes: $0.blob(0)), $0.int64(1))
            }
        } catch {
            throw StorageError(.sqlite, "reading \(path): \(error)")
        }
        var sequences: [Hash256: Int64] = [:]
        for row in rows { if let id = row.id { sequences[id] = row.sequence } }
        self.connection = Mutex(
            Connection(database: database, lastSequence: rows.last?.sequence ?? 0, sequences: sequences))
        queue.withLock { $0.ids = Set(sequences.keys) }
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
                queue.operations.append(.delete(id))
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
            queue.operations.append(.insert(id: transaction.id, bytes: transaction.bytes))
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
            let (operations, waiters) = queue.withLock { queue in
                defer {
                    queue.operations = []
                    queue.waiters = []
                    if queue.operations.isEmpty { queue.draining = false }
                }
                return (queue.operations, queue.waiters)
            }
            if operations.isEmpty && waiters.isEmpty { return }
            let failure = write(operations, durable: !waiters.isEmpty)
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
    private func write(_ operations: [Operation], durable: Bool) -> StorageError? {
        connection.withLock { connection in
            let database = connection.database
            do {
                if durable { durableWrites.add(1, ordering: .relaxed) }
                if connection.fullSync != durable {
                    try database.execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
                    connection.fullSync = durable
                }
                var sequence = connection.lastSequence
                // This batch's rows (nil: deleted), applied to `sequences` only once it committed.
                var changed: [Hash256: Int64?] = [:]
                try database.transaction {
                    for operation in operations {
                        switch operation {
                        case .insert(let id, let bytes):
                            sequence += 1
                            try database.statement("INSERT INTO pending (seq, id, bytes) VALUES (?, ?, ?)")
                                .bind(.integer(sequence), .blob(id.bytes), .blob(bytes)).run()
                            changed[id] = .some(sequence)
                        case .delete(let id):
                            guard let row = changed[id] ?? connection.sequences[id] else { continue }
                            try database.statement("DELETE FROM pending WHERE seq = ?").bind(.integer(row)).run()
                            changed[id] = .some(nil)
                        }
                    }
                }
                // Only once the transaction committed: a failed one leaves the numbers unused.
                connection.lastSequence = sequence
                for (id, row) in changed { connection.sequences[id] = row }
                return nil
            } catch let error as StorageError {
                return error
            } catch {
                return StorageError(.sqlite, "writing \(path): \(error)")
            }
        }
    }
}
