import Foundation
import HMNPrimitives
import HMNStorage
import Logging

/// The Layer-1 ledger: a crash-safe, append-only chain of blocks over accounts, stored in SQLite.
///
/// One `Ledger` owns one SQLite writer connection and the in-memory state, so it is deliberately
/// not `Sendable`: confine it to one thread, task or actor (a service wraps it in an actor; the
/// consensus shell calls ``LedgerApplication`` from one task at a time).
///
/// A block moves through two steps: ``execute(_:)`` validates it completely against the committed
/// tip without changing anything, and ``commit(_:certificate:)`` writes the block, its commit
/// certificate, the transaction index, the changed accounts, the next validator set and the Layer-2
/// state in **one** SQLite transaction (WAL, `synchronous=FULL`), then swaps the new state in.
/// A crash at any point leaves either the whole block or none of it.
public final class Ledger {
    /// The genesis document the chain was created from.
    public let genesis: Genesis
    /// The SQLite file.
    public let path: String
    public private(set) var tip: ChainTip
    public private(set) var state: LedgerState
    /// The Layer-2 engine as of the last committed block.
    public private(set) var layer2: any Layer2Engine
    /// Cores used to verify a block's signatures in parallel.
    public var verificationConcurrency: Int
    /// Remembers signatures verified at admission so block building, checking and execution do
    /// not verify them again (one verification per transaction per node).
    public let signatureVerifier = SignatureVerifier()

    let store: LedgerStore
    let logger: Logger
    /// Validator sets of heights tip … tip+2 (from 1); older ones are read from the store.
    private var validatorSets: [UInt64: [ValidatorPower]] = [:]

    /// Opens the ledger at `path`, creating it from `genesis` if the file holds no chain yet.
    /// An existing chain must have been created from the same genesis.
    ///
    /// - Parameter engine: the Layer-2 engine; on a new chain it is started from the genesis, on
    ///   an existing chain its stored state is restored through it.
    public convenience init(
        path: String, genesis: Genesis, engine: any Layer2Engine = UnitLayer2Engine(),
        logger: Logger
    ) throws(LedgerError) {
        try genesis.validate()
        try self.init(path: path, genesis: genesis as Genesis?, engine: engine, logger: logger)
    }

    /// Opens an existing ledger, taking the genesis from the file.
    public static func open(
        path: String, engine: any Layer2Engine = UnitLayer2Engine(),
        logger: Logger
    ) throws(LedgerError) -> Ledger {
        guard path == ":memory:" || FileManager.default.fileExists(atPath: path) else {
            throw LedgerError(.invalidGenesis, "\(path) does not exist")
        }
        return try Ledger(path: path, genesis: nil, engine: engine, logger: logger)
    }

    private init(
        path: String, genesis requested: Genesis?, engine: any Layer2Engine,
        logger: Logger
    ) throws(LedgerError) {
        self.path = path
        self.logger = logger
        self.verificationConcurrency = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let store = try LedgerStore(path: path)
        self.store = store
        let genesis: Genesis
        if let stored = try store.meta("genesis") {
            do {
                genesis = try Genesis(canonicalBytes: stored)
            } catch {
                throw LedgerError(.corrupt, "stored genesis does not decode: \(error)")
            }
            if let requested, requested != genesis {
                throw LedgerError(.invalidGenesis, "\(path) holds chain '\(genesis.chainID)' from another genesis")
            }
        } else {
            guard let requested else { throw LedgerError(.invalidGenesis, "\(path) holds no chain") }
            genesis = requested
            try Self.initialise(store, genesis: genesis, engine: engine)
            logger.info("created ledger", metadata: ["chain": "\(genesis.chainID)", "path": "\(path)"])
        }
        self.genesis = genesis
        self.state = try store.loadState()
        guard let engineBytes = try store.meta("layer2") else {
            throw LedgerError(.corrupt, "Layer-2 state is missing")
        }
        do {
            self.layer2 = try engine.restored(from: engineBytes)
        } catch {
            throw LedgerError(.corrupt, "stored Layer-2 state does not restore: \(error)")
        }
        self.tip = ChainTip(
            height: 0, blockID: genesis.hash, timeMilliseconds: genesis.genesisTimeMilliseconds,
            appHash: LedgerState(genesis: genesis).stateRoot)
        try recover(engineBytes: engineBytes)
    }

    private static func initialise(_ store: LedgerStore, genesis: Genesis, engine: any Layer2Engine) throws(LedgerError)
    {
        let state = LedgerState(genesis: genesis)
        let validators = state.validators(minStake: genesis.parameters.minStake)
        var started = engine
        started.start(
            Layer2Genesis(
                chainID: genesis.chainID, genesisTimeMilliseconds: genesis.genesisTimeMilliseconds,
                validators: validators, stakes: state.stakes, miningEpochLength: genesis.parameters.miningEpochLength,
                epochReward: genesis.parameters.epochReward, memoryProofReward: genesis.parameters.memoryProofReward,
                minStake: genesis.parameters.minStake))
        let engineState = started.canonicalState
        try store.transaction {
            try store.setMeta("genesis", genesis.canonicalBytes)
            try store.setMeta("layer2", engineState)
            try store.writeState(state)
            try store.writeValidators(validators, atHeight: 1)
            try store.writeValidators(validators, atHeight: 2)
        }
    }

    /// Re-establishes the tip after open and checks that the stored state is exactly the state
    /// the last committed block's header commits to.
    private func recover(engineBytes: [UInt8]) throws(LedgerError) {
        let height = try store.lastHeight
        if height > 0 {
            guard let (block, _, _) = try store.block(atHeight: height, maxBytes: Int(genesis.parameters.maxBlockBytes))
            else {
                throw LedgerError(.corrupt, "block \(height) vanished")
            }
            tip = ChainTip(
                height: height, blockID: block.id, timeMilliseconds: block.header.timeMilliseconds,
                appHash: block.header.stateRoot)
            guard Hash256.of(engineBytes) == block.header.layer2Root else {
                throw LedgerError(.corrupt, "stored Layer-2 state does not match block \(height)'s L2 root")
            }
        }
        let root = state.stateRoot
        guard root == tip.appHash else {
            throw LedgerError(
                .corrupt, "stored state root \(root.short) ≠ \(tip.appHash.short) committed at height \(height)")
        }
        validatorSets = [:]
        for h in max(1, height)...(height + 2) {
            guard let set = try store.validators(atHeight: h) else {
                throw LedgerError(.corrupt, "validator set of height \(h) is missing")
            }
            validatorSets[h] = set
        }
        logger.debug("opened ledger", metadata: ["height": "\(height)", "appHash": "\(tip.appHash.short)"])
    }

    /// Closes the database; the object is unusable afterwards.
    public func close() { store.close() }

    /// The chain id.
    public var chainID: String { genesis.chainID }
    /// The chain's parameters.
    public var parameters: LedgerParameters { genesis.parameters }
    /// The last committed height (0 before the first block).
    public var height: UInt64 { tip.height }

    /// The committed state of an account, or nil if it does not exist.
    public func account(_ key: PublicKey) -> Account? { state.account(key) }

    /// The validator set of `height`, known for heights up to tip + 2.
    public func validators(atHeight height: UInt64) throws(LedgerError) -> [ValidatorPower] {
        if let cached = validatorSets[height] { return cached }
        guard height >= 1, let stored = try store.validators(atHeight: height) else {
            throw LedgerError(.invalidState, "no validator set for height \(height) (tip is \(tip.height))")
        }
        return stored
    }

    var base: ExecutionBase {
        get throws(LedgerError) { try base(evidence: []) }
    }

    /// The execution base, with the validator sets of the heights `evidence` names (each
    /// offence is judged against the power its offender had then).
    func base(evidence: [DuplicateVoteEvidence]) throws(LedgerError) -> ExecutionBase {
        let h = tip.height + 1
        var offenceValidators: [UInt64: [ValidatorPower]] = [:]
        for height in Set(evidence.map(\.height)) where height >= 1 && height < h {
            offenceValidators[height] = try store.validators(atHeight: height)
        }
        return ExecutionBase(
            genesis: genesis, tip: tip, state: state, engine: layer2,
            previousValidators: h > 1 ? try validators(atHeight: h - 1) : [],
            currentValidators: try validators(atHeight: h), nextValidators: try validators(atHeight: h + 1),
            concurrency: verificationConcurrency, verifier: signatureVerifier, offenceValidators: offenceValidators)
    }

    /// Validates a block against the committed tip (every rule, signatures, roots) without
    /// changing anything.
    public func execute(_ block: Block) throws(LedgerError) -> ExecutedBlock {
        try BlockExecutor.execute(block, bytes: block.canonicalBytes, base: base(evidence: block.evidence))
    }

    /// Decodes (with the size limit first) and validates a block from its bytes.
    public func execute(blockBytes bytes: [UInt8]) throws(LedgerError) -> ExecutedBlock {
        let block = try Block.decode(bytes, maxBytes: Int(parameters.maxBlockBytes))
        return try BlockExecutor.execute(block, bytes: bytes, base: base(evidence: block.evidence))
    }

    /// Builds a proposal for the next height from `candidates` (in order), leaving out those that
    /// cannot apply, and executes it.
    public func propose(
        timeMilliseconds: UInt64, proposer: PublicKey, candidates: [SignedTransaction],
        lastCommit: CommitCertificate?, evidence: [DuplicateVoteEvidence] = [], maxBytes: Int? = nil
    ) throws(LedgerError) -> (block: ExecutedBlock, rejected: [RejectedTransaction]) {
        try BlockExecutor.build(
            base: base(evidence: evidence), timeMilliseconds: timeMilliseconds, proposer: proposer,
            candidates: candidates,
            lastCommit: lastCommit, evidence: evidence, maxBytes: maxBytes ?? Int(parameters.maxBlockBytes))
    }

    /// Makes an executed block durable with the certificate that finalized it, in one SQLite
    /// transaction, then advances the tip. The certificate must verify against the block's validators.
    public func commit(_ executed: ExecutedBlock, certificate: CommitCertificate) throws(LedgerError) {
        let header = executed.block.header
        guard header.height == tip.height + 1, header.previousHash == tip.blockID else {
            throw LedgerError(
                .invalidState, "block \(header.height) was executed against another tip (now \(tip.height))")
        }
        guard certificate.height == header.height, certificate.blockID == executed.id else {
            throw LedgerError(
                .invalidCommit, "certificate is for block \(certificate.blockID.short) at \(certificate.height)")
        }
        do {
            try certificate.verify(chainID: chainID, validators: try validators(atHeight: header.height))
        } catch let error as CommitVerificationError {
            throw LedgerError(.invalidCommit, "certificate of block \(header.height): \(error.message)")
        } catch {
            throw LedgerError.wrap(error)
        }
        let engineState = executed.engine.canonicalState
        let afterNext = executed.validatorsAfterNext
        try store.transaction {
            try store.writeBlock(executed, certificate: certificate)
            try store.writeState(executed.state)
            try store.writeValidators(afterNext, atHeight: header.height + 2)
            try store.setMeta("layer2", engineState)
        }
        state = executed.state
        state.clearChanges()
        layer2 = executed.engine
        tip = ChainTip(
            height: header.height, blockID: executed.id, timeMilliseconds: header.timeMilliseconds,
            appHash: header.stateRoot)
        validatorSets[header.height + 2] = afterNext
        validatorSets = validatorSets.filter { $0.key >= header.height }
        logger.trace("committed block", metadata: ["height": "\(header.height)", "id": "\(executed.id.short)"])
    }

    /// Executes and commits a block in one call (block sync, replay, tests).
    @discardableResult
    public func apply(_ block: Block, certificate: CommitCertificate) throws(LedgerError) -> ExecutedBlock {
        let executed = try execute(block)
        try commit(executed, certificate: certificate)
        return executed
    }
}
