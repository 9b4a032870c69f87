import Foundation
import HMNConsensus
import HMNLedger
import HMNMesh
import HMNMilvus
import HMNStorage
import Logging

/// Opening each store of a home with its damage mapped to ``NodeError/Code/corruptStorage``.
extension FullNode {
    static func openLedger(
        home: NodeHome, engine: any Layer2Engine, check: StorageCheck, logger: Logger
    ) throws(NodeError) -> Ledger {
        do {
            let ledger = try Ledger(path: home.ledgerPath, genesis: home.genesis, engine: engine, logger: logger)
            if check != .quick {
                let clock = ContinuousClock()
                let start = clock.now
                let blocks = try ledger.checkStorage(
                    verifyingSignatures: check == .full, integrityCheck: check == .full)
                logger.info(
                    "ledger storage checked",
                    metadata: ["blocks": "\(blocks)", "check": "\(check)", "took": "\(clock.now - start)"])
            }
            return ledger
        } catch {
            guard error.code == .corrupt else {
                throw NodeError(.internalError, "opening the ledger \(home.ledgerPath): \(error)")
            }
            logger.critical("ledger storage is damaged", metadata: ["path": "\(home.ledgerPath)", "error": "\(error)"])
            throw StorageFault.ledger(error.message, home: home)
        }
    }

    static func openWAL(home: NodeHome, logger: Logger) throws(NodeError) -> FileWriteAheadLog {
        do {
            let wal = try FileWriteAheadLog(path: home.walPath)
            if wal.truncatedTailBytes > 0 {
                logger.warning(
                    "consensus WAL: dropped a torn tail left by a crash during an append",
                    metadata: ["path": "\(home.walPath)", "bytes": "\(wal.truncatedTailBytes)"])
            }
            return wal
        } catch {
            guard error.code == .walCorrupt else {
                throw NodeError(.internalError, "opening the consensus WAL \(home.walPath): \(error)")
            }
            logger.critical("consensus WAL is damaged", metadata: ["path": "\(home.walPath)", "error": "\(error)"])
            // The consensus error names the file; the fault's message names it already.
            let detail = error.message.replacingOccurrences(of: "\(home.walPath): ", with: "")
            throw StorageFault.wal(detail, home: home)
        }
    }

    /// The store `vectorBackend` names: the embedded one in the home, or a Milvus collection.
    static func openMemoryStore(home: NodeHome, logger: Logger) throws(NodeError) -> any MemoryStore {
        guard case .milvus(let connection) = home.configuration.vectorBackend else {
            return try openEmbeddedMemoryStore(home: home, logger: logger)
        }
        do {
            let store = try MilvusVectorStore(
                connection: connection,
                configuration: VectorStoreConfiguration(
                    dimension: home.configuration.vectorDimension, chainID: home.genesis.chainID),
                logger: logger)
            return MilvusMemoryStore(store: store, logger: logger)
        } catch let error as MilvusError where error.code == .unavailable || error.code == .timeout {
            throw NodeError(.unavailable, "the Milvus vector backend: \(error)")
        } catch {
            throw NodeError(.internalError, "opening the Milvus vector backend: \(error)")
        }
    }

    static func openEmbeddedMemoryStore(home: NodeHome, logger: Logger) throws(NodeError) -> VectorStore {
        do {
            return try VectorStore(
                path: home.memoryPath,
                configuration: VectorStoreConfiguration(
                    dimension: home.configuration.vectorDimension, chainID: home.genesis.chainID),
                logger: logger)
        } catch let error as StorageError where isCorruption(error) {
            logger.critical("memory store is damaged", metadata: ["path": "\(home.memoryPath)", "error": "\(error)"])
            throw StorageFault.memory(error.message, home: home)
        } catch {
            throw NodeError(.internalError, "opening the memory store \(home.memoryPath): \(error)")
        }
    }

    static func openJournal(home: NodeHome, logger: Logger) throws(NodeError) -> MempoolJournal {
        do {
            return try MempoolJournal(path: home.mempoolPath)
        } catch  where isCorruption(error) {
            logger.critical(
                "mempool journal is damaged", metadata: ["path": "\(home.mempoolPath)", "error": "\(error)"])
            throw NodeError(
                .corruptStorage,
                "\(home.mempoolPath): \(error.message). It holds only pending transactions: delete the file "
                    + "(pending transactions acknowledged by this node and not yet committed are lost) and start again")
        } catch {
            throw NodeError(.internalError, "opening the mempool journal \(home.mempoolPath): \(error)")
        }
    }

    /// The signing floor a reset left (0 if none, or once the ledger has passed it and it is removed).
    static func signingFloor(home: NodeHome, ledgerHeight: UInt64, logger: Logger) throws(NodeError) -> UInt64 {
        let floor: UInt64?
        do {
            floor = try home.signingFloorHeight()
        } catch {
            throw NodeError(.internalError, error.description)
        }
        guard let floor else { return 0 }
        guard ledgerHeight < floor else {
            home.clearSigningFloor()
            return 0
        }
        logger.notice(
            "after a reset this node signs nothing until it has resynced past the heights it may have signed at",
            metadata: ["signingFloor": "\(floor)", "height": "\(ledgerHeight)"])
        return floor
    }

    /// A failed row check, or SQLite's `SQLITE_CORRUPT` / `SQLITE_NOTADB`.
    static func isCorruption(_ error: StorageError) -> Bool {
        let primary = error.sqliteCode.map { $0 & 0xFF }
        return error.code == .corrupt || primary == 11 || primary == 26
    }
}
