import Foundation
import HMNLedger
import Logging

extension LedgerBenchmark {
    /// What a node's open-time storage check costs on the ledger this run built: `standard`
    /// (SQLite `quick_check`, every block row and transaction-index row) and `full` (also
    /// `integrity_check` and every commit signature).
    static func measureStorageCheck(path: String, logger: Logger) throws {
        let ledger = try Ledger.open(path: path, logger: logger)
        defer { ledger.close() }
        let megabytes = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6
        var start = DispatchTime.now()
        let blocks = try ledger.checkStorage()
        let standard = seconds(start, DispatchTime.now())
        start = DispatchTime.now()
        try ledger.checkStorage(verifyingSignatures: true, integrityCheck: true)
        let full = seconds(start, DispatchTime.now())
        print(
            String(
                format: "  open-time storage check of %d blocks (%.0f MB): standard %.2f s (%.0f MB/s), full %.2f s",
                blocks, megabytes, standard, megabytes / standard, full))
    }
}
