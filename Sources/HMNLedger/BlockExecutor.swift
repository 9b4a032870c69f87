import HMNPrimitives

/// Everything block execution reads: the committed tip, state, engine and the validator sets
/// around the new height. Execution is a pure function of this and the block.
struct ExecutionBase {
    var genesis: Genesis
    var tip: ChainTip
    var state: LedgerState
    var engine: any Layer2Engine
    /// Validator sets of heights h − 1 (empty at h = 1), h and h + 1, where h = tip.height + 1.
    var previousValidators: [ValidatorPower]
    var currentValidators: [ValidatorPower]
    var nextValidators: [ValidatorPower]
    var concurrency: Int
    /// The node's memo of verified signatures (admission fills it; execution reuses it).
    var verifier: SignatureVerifier
    /// Validator sets of the heights named by the evidence being applied (see ``ExecutionContext``).
    var offenceValidators: [UInt64: [ValidatorPower]] = [:]

    var height: UInt64 { tip.height + 1 }
    var parameters: LedgerParameters { genesis.parameters }
    var context: ExecutionContext {
        ExecutionContext(
            chainID: genesis.chainID, height: height, parameters: parameters, engine: engine,
            offenceValidators: offenceValidators)
    }
}

/// Validates and executes blocks (the rules of LEDGER.md, "Block rules"), and builds proposals.
enum BlockExecutor {
    /// Encoded size of a header: version, height and time, 7 hashes, a key, λ and Ĉ.
    static let headerBytes = 2 + 2 * 8 + 7 * 32 + 32 + 2 * 8

    /// Validates `block` against `base` completely and returns the state it leads to.
    ///
    /// - Parameter signatureFailures: the result of ``SignatureBatch/failures(in:concurrency:)`` for
    ///   this block's transactions when it was already computed (block sync verifies ahead); nil
    ///   verifies here.
    static func execute(
        _ block: Block, bytes: [UInt8], base: ExecutionBase, signatureFailures: [Int]? = nil
    ) throws(LedgerError) -> ExecutedBlock {
        let header = block.header
        guard bytes.count <= Int(base.parameters.maxBlockBytes) else {
            throw LedgerError(.oversize, "block of \(bytes.count) bytes exceeds \(base.parameters.maxBlockBytes)")
        }
        try checkPosition(
            height: header.height, previousHash: header.previousHash,
            timeMilliseconds: header.timeMilliseconds, proposer: header.proposer, base: base)
        try block.verifyBodyRoots()
        try checkLastCommit(block.lastCommit, base: base)

        var seen = Set<Hash256>()
        seen.reserveCapacity(block.transactions.count)
        for transaction in block.transactions {
            let size = transaction.canonicalBytes.count
            guard size <= Int(base.parameters.maxTransactionBytes) else {
                throw LedgerError(.oversize, "transaction \(transaction.id.short) of \(size) bytes exceeds the limit")
            }
            guard seen.insert(transaction.id).inserted else {
                throw LedgerError(
                    .duplicateTransaction, "transaction \(transaction.id.short) appears twice in the block")
            }
        }
        let failures =
            signatureFailures
            ?? SignatureBatch.failures(in: block.transactions, concurrency: base.concurrency, verifier: base.verifier)
        if let bad = failures.first {
            try block.transactions[bad].verifySignatures()  // throws the precise error
        }
        let required = base.engine.requiredActions(atHeight: header.height)
        guard block.actions == required else {
            throw LedgerError(
                .invalidActions,
                "block carries \(block.actions.count) Layer-2 actions; "
                    + "the chain requires a different list of \(required.count)")
        }

        var state = base.state
        state.clearChanges()
        var supply = SupplyChange()
        let context = base.context
        var equivocators = Set<PublicKey>()
        for evidence in block.evidence {
            equivocators.insert(try state.apply(evidence, context, supply: &supply))
        }
        for action in block.actions {
            try state.apply(action, supply: &supply)
        }
        try state.releaseUnbonding(atHeight: header.height)
        var results: [TransactionResult] = []
        results.reserveCapacity(block.transactions.count)
        for transaction in block.transactions {
            results.append(try state.apply(transaction, context, supply: &supply))
        }

        let engine = advance(
            base, state: state, header: header, lastCommit: block.lastCommit,
            equivocators: equivocators)
        let stateRoot = state.stateRoot
        guard stateRoot == header.stateRoot else {
            throw LedgerError(.rootMismatch, "state root \(stateRoot.short) ≠ header \(header.stateRoot.short)")
        }
        let layer2Root = Hash256.of(engine.canonicalState)
        guard layer2Root == header.layer2Root, engine.lambda == header.lambda, engine.coherence == header.coherence
        else {
            throw LedgerError(.rootMismatch, "Layer-2 root, λ or Ĉ do not match the header")
        }
        return finish(
            block: block, bytes: bytes, results: results, supply: supply, state: state, engine: engine,
            base: base)
    }

    /// Builds the block a proposer offers at the next height: the required actions, the evidence
    /// that verifies, and as many candidates (in order) as apply and fit in `maxBytes`.
    static func build(
        base: ExecutionBase, timeMilliseconds: UInt64, proposer: PublicKey, candidates: [SignedTransaction],
        lastCommit: CommitCertificate?, evidence: [DuplicateVoteEvidence], maxBytes: Int
    ) throws(LedgerError) -> (ExecutedBlock, [RejectedTransaction]) {
        let height = base.height
        try checkPosition(
            height: height, previousHash: base.tip.blockID, timeMilliseconds: timeMilliseconds,
            proposer: proposer, base: base)
        try checkLastCommit(lastCommit, base: base)
        let limit = min(maxBytes, Int(base.parameters.maxBlockBytes))
        let actions = base.engine.requiredActions(atHeight: height)

        var state = base.state
        state.clearChanges()
        var supply = SupplyChange()
        let context = base.context
        var equivocators = Set<PublicKey>()
        var usedEvidence: [DuplicateVoteEvidence] = []
        for item in evidence {
            var trial = state
            var trialSupply = supply
            if let validator = try? trial.apply(item, context, supply: &trialSupply) {
                state = trial
                supply = trialSupply
                equivocators.insert(validator)
                usedEvidence.append(item)
            }
        }
        for action in actions {
            try state.apply(action, supply: &supply)
        }
        try state.releaseUnbonding(atHeight: height)

        var size =
            headerBytes + 4 + 1 + (lastCommit?.canonicalBytes.count ?? 0)
            + 4 + usedEvidence.reduce(0) { $0 + $1.canonicalBytes.count }
            + 4 + actions.reduce(0) { $0 + $1.canonicalBytes.count }
        guard size <= limit else {
            throw LedgerError(.oversize, "commit, evidence and actions alone take \(size) of \(limit) bytes")
        }
        // Verify only the candidates that could fit at all (the mempool may hold far more).
        var room = limit - size
        let fitting = candidates.prefix { candidate in
            room -= candidate.canonicalBytes.count
            return room >= 0
        }
        let badSignatures = Set(
            SignatureBatch.failures(in: Array(fitting), concurrency: base.concurrency, verifier: base.verifier))
        var included: [SignedTransaction] = []
        var results: [TransactionResult] = []
        var rejected: [RejectedTransaction] = []
        var seen = Set<Hash256>()
        for (index, candidate) in fitting.enumerated() {
            let txBytes = candidate.canonicalBytes.count
            if size + txBytes > limit { break }
            do throws(LedgerError) {
                guard txBytes <= Int(base.parameters.maxTransactionBytes) else {
                    throw LedgerError(.oversize, "transaction of \(txBytes) bytes exceeds the limit")
                }
                guard !badSignatures.contains(index) else {
                    throw LedgerError(.badSignature, "signature of \(candidate.id.short) does not verify")
                }
                guard seen.insert(candidate.id).inserted else {
                    throw LedgerError(.duplicateTransaction, "transaction \(candidate.id.short) offered twice")
                }
                results.append(try state.apply(candidate, context, supply: &supply))
                included.append(candidate)
                size += txBytes
            } catch {
                rejected.append(RejectedTransaction(transaction: candidate, error: error))
            }
        }

        var header = BlockHeader(
            height: height, previousHash: base.tip.blockID, timeMilliseconds: timeMilliseconds,
            transactionsRoot: Block.transactionsRoot(included), stateRoot: state.stateRoot, layer2Root: .zero,
            proposer: proposer, lambda: .zero, coherence: .zero, lastCommitHash: Block.lastCommitHash(lastCommit),
            evidenceHash: Block.evidenceHash(usedEvidence), actionsHash: Block.actionsHash(actions))
        let engine = advance(base, state: state, header: header, lastCommit: lastCommit, equivocators: equivocators)
        header.layer2Root = Hash256.of(engine.canonicalState)
        header.lambda = engine.lambda
        header.coherence = engine.coherence
        let block = Block(
            header: header, transactions: included, lastCommit: lastCommit, evidence: usedEvidence,
            actions: actions)
        let executed = finish(
            block: block, bytes: block.canonicalBytes, results: results, supply: supply,
            state: state, engine: engine, base: base)
        return (executed, rejected)
    }

    static func checkPosition(
        height: UInt64, previousHash: Hash256, timeMilliseconds: UInt64, proposer: PublicKey,
        base: ExecutionBase
    ) throws(LedgerError) {
        guard height == base.height else {
            throw LedgerError(.wrongHeight, "block height \(height), expected \(base.height)")
        }
        guard previousHash == base.tip.blockID else {
            throw LedgerError(.wrongParent, "previous hash \(previousHash.short), expected \(base.tip.blockID.short)")
        }
        let earliest = base.tip.height == 0 ? base.tip.timeMilliseconds : base.tip.timeMilliseconds + 1
        guard timeMilliseconds >= earliest else {
            throw LedgerError(.timeWentBackwards, "block time \(timeMilliseconds) ms is before \(earliest) ms")
        }
        guard base.currentValidators.contains(where: { $0.publicKey == proposer }) else {
            throw LedgerError(.unknownProposer, "proposer \(proposer.short) is not a validator at height \(height)")
        }
    }

    static func checkLastCommit(_ lastCommit: CommitCertificate?, base: ExecutionBase) throws(LedgerError) {
        guard base.height > 1 else {
            guard lastCommit == nil else { throw LedgerError(.invalidCommit, "block 1 cannot carry a last commit") }
            return
        }
        guard let lastCommit else {
            throw LedgerError(.invalidCommit, "block \(base.height) must carry the commit of block \(base.tip.height)")
        }
        guard lastCommit.height == base.tip.height, lastCommit.blockID == base.tip.blockID else {
            throw LedgerError(
                .invalidCommit, "last commit is for height \(lastCommit.height) block \(lastCommit.blockID.short)")
        }
        do {
            try lastCommit.verify(chainID: base.genesis.chainID, validators: base.previousValidators)
        } catch {
            throw LedgerError(.invalidCommit, "last commit: \(error.message)")
        }
    }

    private static func advance(
        _ base: ExecutionBase, state: LedgerState, header: BlockHeader,
        lastCommit: CommitCertificate?, equivocators: Set<PublicKey>
    ) -> any Layer2Engine {
        var engine = base.engine
        engine.advance(
            Layer2BlockFacts(
                height: header.height, timeMilliseconds: header.timeMilliseconds, validators: base.currentValidators,
                lastCommit: lastCommit, lastCommitValidators: base.previousValidators,
                equivocators: equivocators.sorted(), stakes: state.stakes))
        return engine
    }

    private static func finish(
        block: Block, bytes: [UInt8], results: [TransactionResult], supply: SupplyChange,
        state: LedgerState, engine: any Layer2Engine, base: ExecutionBase
    ) -> ExecutedBlock {
        let afterNext = state.validators(minStake: base.parameters.minStake)
        return ExecutedBlock(
            block: block, bytes: bytes, results: results,
            validatorUpdates: validatorUpdates(from: base.nextValidators, to: afterNext),
            validatorsAfterNext: afterNext, supply: supply, state: state, engine: engine)
    }

    /// The CometBFT-style update list turning `old` into `new` (power 0 removes), sorted by key.
    static func validatorUpdates(from old: [ValidatorPower], to new: [ValidatorPower]) -> [ValidatorPower] {
        let before = Dictionary(old.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        let after = Dictionary(new.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        var updates: [ValidatorPower] = []
        for key in Set(before.keys).union(after.keys) where before[key] != after[key] {
            updates.append(ValidatorPower(publicKey: key, power: after[key] ?? 0))
        }
        return updates.sorted { $0.publicKey < $1.publicKey }
    }
}
