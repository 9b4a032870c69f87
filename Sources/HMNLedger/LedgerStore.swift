import HMNPrimitives
import HMNStorage

/// The ledger's SQLite schema and every statement it runs. Owned by one ``Ledger``; not shared.
///
/// Integrity: each block row carries its id (the header hash) and the hash of its commit
/// certificate; ``block(atHeight:)`` recomputes both and every body root before returning a block,
/// so a flipped byte is reported as ``LedgerError/Code/corrupt`` and never served. Transaction index
/// rows and validator-set rows carry a ``LedgerRowChecksum`` (schema version 2), checked on read.
final class LedgerStore {
    /// Schema migrations; index i upgrades user_version i → i + 1.
    static let migrations: [String] = [
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE blocks (
            height INTEGER PRIMARY KEY,
            id BLOB NOT NULL UNIQUE,
            block BLOB NOT NULL,
            commit_certificate BLOB NOT NULL,
            commit_hash BLOB NOT NULL
        );
        CREATE TABLE transactions (
            id BLOB PRIMARY KEY,
            height INTEGER NOT NULL,
            position INTEGER NOT NULL,
            result BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE accounts (public_key BLOB PRIMARY KEY, account BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE memory_proofs (proof_id BLOB PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE validator_sets (height INTEGER PRIMARY KEY, validators BLOB NOT NULL);
        """,
        // Rows written before version 2 get their checksums from ``backfillChecksums()``.
        """
        ALTER TABLE transactions ADD COLUMN checksum BLOB;
        ALTER TABLE validator_sets ADD COLUMN checksum BLOB;
        """,
        // Committed shard-map proposals, so a node rebuilds its memory shard map without reading
        // every block (schema version 3; older chains hold none: the transaction kind is newer).
        """
        CREATE TABLE shard_map_proposals (
            height INTEGER NOT NULL,
            position INTEGER NOT NULL,
            payload BLOB NOT NULL,
            checksum BLOB NOT NULL,
            PRIMARY KEY (height, position)
        ) WITHOUT ROWID;
        """,
        // Schema version 4: the transaction index in commit order, found by id through an index of
        // the id's first 8 bytes. Keyed by the whole id, a block's rows went to random places in
        // one B-tree: after 327,000 rows one 8,192-transaction block rewrote 27.5 MB of pages
        // (the WAL), 40 MB after 983,000, growing with the chain. Appended in commit order, with
        // 8-byte index entries, it rewrites 7.3 MB and 17 MB (see ``transactionIndexByID``).
        """
        CREATE TABLE transactions_by_commit (
            id BLOB NOT NULL,
            height INTEGER NOT NULL,
            position INTEGER NOT NULL,
            result BLOB NOT NULL,
            checksum BLOB
        );
        INSERT INTO transactions_by_commit (id, height, position, result, checksum)
            SELECT id, height, position, result, checksum FROM transactions ORDER BY height, position;
        DROP TABLE transactions;
        ALTER TABLE transactions_by_commit RENAME TO transactions;
        CREATE INDEX transactions_by_id ON transactions (substr(id, 1, 8));
        """,
    ]

    /// Selects a transaction index row by id through the `transactions_by_id` index (SQLite uses
    /// an index on an expression only where the query repeats the expression): bind the id as `?1`.
    static let transactionIndexByID = "substr(id, 1, 8) = substr(?1, 1, 8) AND id = ?1"

    /// The meta key set once every row has its checksum.
    static let checksumsComplete = "row_checksums_complete"

    static let maxValidators = 100_000

    let database: SQLiteDatabase

    /// The ledger connection's page cache. SQLite's default 2 MiB held too little of the
    /// transaction index under load: committing 4,096-transaction blocks, a node read pages back
    /// from the file (`pread`) at about 240 a second, 4 % of its CPU in a saturation profile.
    static let cacheKibibytes = 64 * 1_024

    init(path: String) throws(LedgerError) {
        do {
            database = try SQLiteDatabase(path: path, options: .init(cacheKibibytes: Self.cacheKibibytes))
            try database.migrate(Self.migrations)
        } catch {
            throw LedgerError.wrap(error)
        }
        try backfillChecksums()
    }

    /// Gives rows written before schema version 2 their checksums, once, in one transaction (a
    /// crash before the commit repeats it at the next open). Damage such rows already carried is
    /// blessed here; the block checks still catch what they cover.
    private func backfillChecksums() throws(LedgerError) {
        guard try meta(Self.checksumsComplete) == nil else { return }
        try transaction {
            let transactions = try database.statement(
                "SELECT id, height, position, result FROM transactions WHERE checksum IS NULL")
            var transactionRows: [(Hash256, UInt64, Int, [UInt8])] = []
            while try transactions.step() {
                transactionRows.append(
                    (
                        try Hash256(bytes: transactions.blob(0)), transactions.uint64(1), Int(transactions.int64(2)),
                        transactions.blob(3)
                    ))
            }
            let setTransaction = try database.statement(
                "UPDATE transactions SET checksum = ?2 WHERE \(Self.transactionIndexByID)")
            for (id, height, position, result) in transactionRows {
                let checksum = LedgerRowChecksum.transaction(id: id, height: height, position: position, result: result)
                try setTransaction.bind(.blob(id.bytes), .blob(checksum)).run()
            }
            let sets = try database.statement("SELECT height, validators FROM validator_sets WHERE checksum IS NULL")
            var setRows: [(UInt64, [UInt8])] = []
            while try sets.step() { setRows.append((sets.uint64(0), sets.blob(1))) }
            let setChecksum = try database.statement("UPDATE validator_sets SET checksum = ? WHERE height = ?")
            for (height, bytes) in setRows {
                try setChecksum.bind(
                    .blob(LedgerRowChecksum.validatorSet(height: height, bytes: bytes)), .unsigned(height)
                )
                .run()
            }
            try setMeta(Self.checksumsComplete, [1])
        }
    }

    func close() { database.close() }

    // MARK: Meta

    func meta(_ key: String) throws(LedgerError) -> [UInt8]? {
        do {
            let statement = try database.statement("SELECT value FROM meta WHERE key = ?").bind(.text(key))
            return try statement.row { $0.blob(0) }
        } catch {
            throw LedgerError.from(error)
        }
    }

    func setMeta(_ key: String, _ value: [UInt8]) throws(StorageError) {
        try database.statement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
            .bind(.text(key), .blob(value)).run()
    }

    // MARK: Writes (called inside one transaction)

    func transaction<T>(_ body: () throws -> T) throws(LedgerError) -> T {
        do {
            return try database.transaction(body)
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    func writeState(_ state: LedgerState) throws(StorageError) {
        let putAccount = try database.statement("INSERT OR REPLACE INTO accounts (public_key, account) VALUES (?, ?)")
        for key in state.changedAccounts {
            try putAccount.bind(.blob(key.bytes), .blob(state.accounts[key]!.canonicalBytes)).run()
        }
        let putProof = try database.statement("INSERT OR REPLACE INTO memory_proofs (proof_id, entry) VALUES (?, ?)")
        for id in state.changedProofs {
            try putProof.bind(.blob(id.bytes), .blob(state.memoryProofs[id]!.canonicalBytes)).run()
        }
    }

    func writeValidators(_ validators: [ValidatorPower], atHeight height: UInt64) throws(StorageError) {
        var encoder = CanonicalEncoder()
        encoder.encode(validators)
        let checksum = LedgerRowChecksum.validatorSet(height: height, bytes: encoder.bytes)
        try database.statement("INSERT OR REPLACE INTO validator_sets (height, validators, checksum) VALUES (?, ?, ?)")
            .bind(.unsigned(height), .blob(encoder.bytes), .blob(checksum)).run()
    }

    func writeBlock(_ executed: ExecutedBlock, certificate: CommitCertificate) throws(StorageError) {
        let certificateBytes = certificate.canonicalBytes
        try database.statement(
            "INSERT INTO blocks (height, id, block, commit_certificate, commit_hash) VALUES (?, ?, ?, ?, ?)"
        ).bind(
            .unsigned(executed.height), .blob(executed.id.bytes), .blob(executed.bytes), .blob(certificateBytes),
            .blob(Hash256.of(certificateBytes).bytes)
        ).run()
        let putTransaction = try database.statement(
            "INSERT INTO transactions (id, height, position, result, checksum) VALUES (?, ?, ?, ?, ?)")
        let putProposal = try database.statement(
            "INSERT INTO shard_map_proposals (height, position, payload, checksum) VALUES (?, ?, ?, ?)")
        for (position, transaction) in executed.block.transactions.enumerated() {
            let result = executed.results[position].canonicalBytes
            let checksum = LedgerRowChecksum.transaction(
                id: transaction.id, height: executed.height, position: position, result: result)
            try putTransaction.bind(
                .blob(transaction.id.bytes), .unsigned(executed.height), .integer(Int64(position)),
                .blob(result), .blob(checksum)
            ).run()
            guard case .shardMapProposal(let payload) = transaction.body else { continue }
            try putProposal.bind(
                .unsigned(executed.height), .integer(Int64(position)), .blob(payload),
                .blob(LedgerRowChecksum.shardMapProposal(height: executed.height, position: position, payload: payload))
            ).run()
        }
    }

    /// Committed shard-map proposals in `heights`, in chain order, each checked against its checksum.
    func shardMapProposals(in heights: ClosedRange<UInt64>) throws(LedgerError) -> [CommittedShardMapProposal] {
        var proposals: [CommittedShardMapProposal] = []
        do {
            let rows = try database.statement(
                "SELECT height, position, payload, checksum FROM shard_map_proposals "
                    + "WHERE height >= ? AND height <= ? ORDER BY height, position"
            ).bind(.unsigned(heights.lowerBound), .unsigned(heights.upperBound))
            while try rows.step() {
                let (height, position, payload) = (rows.uint64(0), Int(rows.int64(1)), rows.blob(2))
                guard
                    LedgerRowChecksum.shardMapProposal(height: height, position: position, payload: payload)
                        == rows.blob(3)
                else {
                    throw LedgerError(.corrupt, "shard-map proposal row (\(height), \(position)) fails its checksum")
                }
                proposals.append(CommittedShardMapProposal(height: height, position: position, payload: payload))
            }
        } catch {
            throw LedgerError.wrap(error)
        }
        return proposals
    }

    // MARK: Reads

    /// Every stored account and memory proof (verified against the state root by the caller).
    func loadState() throws(LedgerError) -> LedgerState {
        var state = LedgerState()
        do {
            let accounts = try database.statement("SELECT public_key, account FROM accounts")
            while try accounts.step() {
                let key = try PublicKeyCache.key(accounts.blob(0))
                state.setAccount(try Account(canonicalBytes: accounts.blob(1)), for: key)
            }
            let proofs = try database.statement("SELECT proof_id, entry FROM memory_proofs")
            while try proofs.step() {
                let id = try Hash256(bytes: proofs.blob(0))
                state.setMemoryProof(try MemoryProofEntry(canonicalBytes: proofs.blob(1)), for: id)
            }
        } catch let error as StorageError {
            throw LedgerError.from(error)
        } catch {
            throw LedgerError(.corrupt, "undecodable account or proof row: \(error)")
        }
        state.clearChanges()
        return state
    }

    func validators(atHeight height: UInt64) throws(LedgerError) -> [ValidatorPower]? {
        let row: ([UInt8], [UInt8])?
        do {
            let statement = try database.statement("SELECT validators, checksum FROM validator_sets WHERE height = ?")
                .bind(.unsigned(height))
            row = try statement.row { ($0.blob(0), $0.blob(1)) }
        } catch {
            throw LedgerError.from(error)
        }
        guard let (bytes, checksum) = row else { return nil }
        return try Self.decodeValidatorSet(bytes, checksum: checksum, height: height)
    }

    /// A validator-set row checked against its checksum, then decoded.
    static func decodeValidatorSet(_ bytes: [UInt8], checksum: [UInt8], height: UInt64) throws(LedgerError)
        -> [ValidatorPower]
    {
        guard LedgerRowChecksum.validatorSet(height: height, bytes: bytes) == checksum else {
            throw LedgerError(.corrupt, "validator set of height \(height) fails its checksum")
        }
        do {
            var decoder = CanonicalDecoder(bytes)
            let validators: [ValidatorPower] = try decoder.decodeArray(maxCount: Self.maxValidators)
            try decoder.finish()
            return validators
        } catch {
            throw LedgerError(.corrupt, "validator set of height \(height) does not decode: \(error)")
        }
    }

    /// Every stored validator set, each checked against its checksum and decoded; returns the count.
    /// Old sets are read by nothing but evidence and `full` signature checks, so without this pass
    /// their damage would go unnoticed until the day it mattered.
    func verifyValidatorSets() throws(LedgerError) -> Int {
        var count = 0
        do {
            let rows = try database.statement("SELECT height, validators, checksum FROM validator_sets")
            while try rows.step() {
                _ = try Self.decodeValidatorSet(rows.blob(1), checksum: rows.blob(2), height: rows.uint64(0))
                count += 1
            }
        } catch {
            throw LedgerError.wrap(error)
        }
        return count
    }

    var lastHeight: UInt64 {
        get throws(LedgerError) {
            do {
                let statement = try database.statement("SELECT MAX(height) FROM blocks")
                return try statement.row { $0.isNull(0) ? 0 : $0.uint64(0) } ?? 0
            } catch {
                throw LedgerError.from(error)
            }
        }
    }

    func height(ofBlock id: Hash256) throws(LedgerError) -> UInt64? {
        do {
            let statement = try database.statement("SELECT height FROM blocks WHERE id = ?").bind(.blob(id.bytes))
            return try statement.row { $0.uint64(0) }
        } catch {
            throw LedgerError.from(error)
        }
    }

    /// A stored block and its certificate, verified against the row's hashes; nil if absent.
    func block(atHeight height: UInt64, maxBytes: Int) throws(LedgerError) -> (Block, [UInt8], CommitCertificate)? {
        let row: (id: [UInt8], block: [UInt8], certificate: [UInt8], certificateHash: [UInt8])
        do {
            let statement = try database.statement(
                "SELECT id, block, commit_certificate, commit_hash FROM blocks WHERE height = ?"
            ).bind(.unsigned(height))
            guard let read = try statement.row({ ($0.blob(0), $0.blob(1), $0.blob(2), $0.blob(3)) }) else { return nil }
            row = read
        } catch {
            throw LedgerError.from(error)
        }
        func corrupt(_ why: String) -> LedgerError { LedgerError(.corrupt, "block row \(height): \(why)") }
        let block: Block
        let certificate: CommitCertificate
        do {
            block = try Block(canonicalBytes: row.block, maxLength: maxBytes)
            certificate = try CommitCertificate(canonicalBytes: row.certificate)
        } catch {
            throw corrupt("does not decode (\(error.description))")
        }
        guard block.id.bytes == row.id else { throw corrupt("header hash \(block.id.short) ≠ stored id") }
        guard block.height == height else { throw corrupt("header says height \(block.height)") }
        do {
            try block.verifyBodyRoots()
        } catch {
            throw corrupt(error.message)
        }
        guard Hash256.of(row.certificate).bytes == row.certificateHash,
            certificate.blockID == block.id, certificate.height == height
        else { throw corrupt("commit certificate does not match its hash or block") }
        return (block, row.block, certificate)
    }

    /// Where a transaction was committed: (height, position, result bytes), checked against the
    /// row's checksum.
    func transactionLocation(_ id: Hash256) throws(LedgerError) -> (UInt64, Int, [UInt8])? {
        let row: (UInt64, Int, [UInt8], [UInt8])?
        do {
            let statement = try database.statement(
                "SELECT height, position, result, checksum FROM transactions WHERE \(Self.transactionIndexByID)"
            ).bind(.blob(id.bytes))
            row = try statement.row { ($0.uint64(0), Int($0.int64(1)), $0.blob(2), $0.blob(3)) }
        } catch {
            throw LedgerError.from(error)
        }
        guard let (height, position, result, checksum) = row else { return nil }
        guard LedgerRowChecksum.transaction(id: id, height: height, position: position, result: result) == checksum
        else {
            throw LedgerError(.corrupt, "transaction index row of \(id.short) fails its checksum")
        }
        return (height, position, result)
    }

    /// Index rows of heights ≥ `height` (one scan of the index).
    func transactionCount(fromHeight height: UInt64) throws(LedgerError) -> Int {
        do {
            let statement = try database.statement("SELECT COUNT(*) FROM transactions WHERE height >= ?")
                .bind(.unsigned(height))
            return try statement.row { Int($0.int64(0)) } ?? 0
        } catch {
            throw LedgerError.from(error)
        }
    }
}
