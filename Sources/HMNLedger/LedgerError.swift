import HMNPrimitives
import HMNStorage

/// Why the ledger refused something: a transaction, a block, a query or a stored row.
///
/// Every rejection is one of these, with a stable ``Code`` for programs and a message naming the
/// exact rule and value for people. A rejected input never changes committed state.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons (the raw value is what `checkTransaction` reports).
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// Bytes did not decode (truncated, trailing bytes, oversize length, unknown tag, bad key length).
        case malformed
        /// A transaction or block names another chain.
        case wrongChain
        /// A signature does not verify or is not canonical.
        case badSignature
        /// A key had the wrong length or is not a valid Ed25519 point.
        case badKey
        /// The sender nonce was already used.
        case replayedNonce
        /// The sender nonce leaves a gap.
        case skippedNonce
        /// The same transaction id appears twice (in a block, or already pending or committed).
        case duplicateTransaction
        /// The sender has no account.
        case unknownSender
        /// Checked arithmetic overflowed.
        case overflow
        /// Balance or stake does not cover the amount.
        case insufficientBalance
        /// A zero or otherwise invalid amount.
        case invalidAmount
        /// A transaction or block exceeds its byte limit.
        case oversize
        /// A block's height is not the last committed height + 1.
        case wrongHeight
        /// A block's previous hash is not the last block id.
        case wrongParent
        /// A block's time is not after its parent's.
        case timeWentBackwards
        /// A header root (transactions, state, L2, last commit, evidence, actions) does not match the body.
        case rootMismatch
        /// The proposer is not a validator at that height.
        case unknownProposer
        /// The last-commit certificate or the block's own commit does not verify.
        case invalidCommit
        /// Duplicate-vote evidence is invalid, stale or already punished.
        case invalidEvidence
        /// The Layer-2 action list differs from the one the chain data requires.
        case invalidActions
        /// A mint is not allowed now or has the wrong amount.
        case invalidMint
        /// A memory proof is invalid or already committed.
        case invalidMemoryProof
        /// A shard-map proposal came from an account that is not a validator, or is empty.
        case invalidShardMapProposal
        /// The mempool is at capacity.
        case mempoolFull
        /// A stored row failed its integrity check; it is never served.
        case corrupt
        /// A genesis document or parameter set is invalid, or does not match the stored chain.
        case invalidGenesis
        /// The underlying SQLite store failed.
        case storage
        /// A call came in the wrong order (e.g. commit without a finalized block).
        case invalidState
    }

    /// Which rule was broken.
    public var code: Code
    /// What was wrong, naming the value involved.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "LedgerError.\(code.rawValue): \(message)" }

    static func from(_ error: CodecError, _ what: String) -> LedgerError {
        LedgerError(.malformed, "\(what): \(error.description)")
    }

    /// SQLite's `SQLITE_CORRUPT` and `SQLITE_NOTADB` (a damaged page, a file that is not a
    /// database) are corruption like a failed row check; other SQLite failures are `storage`.
    static func from(_ error: StorageError) -> LedgerError {
        let primary = error.sqliteCode.map { $0 & 0xFF }
        let corrupt = error.code == .corrupt || primary == 11 || primary == 26
        return LedgerError(corrupt ? .corrupt : .storage, error.description)
    }

    /// Wraps any error from a storage closure, keeping ledger errors as they are.
    static func wrap(_ error: any Error) -> LedgerError {
        switch error {
        case let error as LedgerError: return error
        case let error as StorageError: return from(error)
        case let error as CodecError: return from(error, "stored row")
        default: return LedgerError(.storage, "\(error)")
        }
    }
}

/// Checked UInt64 arithmetic that reports overflow as a ledger error naming the quantity.
enum Checked {
    static func add(_ a: UInt64, _ b: UInt64, _ what: @autoclosure () -> String) throws(LedgerError) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw LedgerError(.overflow, "\(what()) overflows: \(a) + \(b)") }
        return sum
    }

    static func subtract(
        _ a: UInt64, _ b: UInt64, _ what: @autoclosure () -> String
    ) throws(LedgerError) -> UInt64 {
        guard b <= a else { throw LedgerError(.insufficientBalance, "\(what()): have \(a), need \(b)") }
        return a - b
    }
}
