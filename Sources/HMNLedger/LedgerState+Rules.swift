import HMNPrimitives

/// What the rules need to know about the block being executed.
struct ExecutionContext {
    var chainID: String
    var height: UInt64
    var parameters: LedgerParameters
    /// The Layer-2 engine as of the previous block.
    var engine: any Layer2Engine
    /// The validator sets of the heights the block's evidence names (the offence heights).
    var offenceValidators: [UInt64: [ValidatorPower]] = [:]
}

/// Supply changes a block made; everything else only moves value (the conservation law tests check).
public struct SupplyChange: Hashable, Sendable {
    /// Units minted (T0, T1, T4).
    public var minted: UInt64 = 0
    /// Units burned (slashes).
    public var burned: UInt64 = 0

    /// Creates a supply change.
    public init(minted: UInt64 = 0, burned: UInt64 = 0) {
        self.minted = minted
        self.burned = burned
    }

    mutating func mint(_ amount: UInt64) throws(LedgerError) {
        minted = try Checked.add(minted, amount, "minted total")
    }
    mutating func burn(_ amount: UInt64) throws(LedgerError) {
        burned = try Checked.add(burned, amount, "burned total")
    }
}

extension LedgerState {
    /// Applies one transaction's rules (not its signature, which is checked in batches). Either
    /// every change of the transaction is made or, on error, none is.
    mutating func apply(
        _ signed: SignedTransaction, _ context: ExecutionContext,
        supply: inout SupplyChange
    ) throws(LedgerError) -> TransactionResult {
        let tx = signed.transaction
        guard tx.chainID == context.chainID else {
            throw LedgerError(
                .wrongChain, "transaction \(signed.id.short) is for chain '\(tx.chainID)', not '\(context.chainID)'")
        }
        guard var sender = accounts[tx.sender] else {
            throw LedgerError(.unknownSender, "sender \(tx.sender.short) has no account")
        }
        if tx.nonce < sender.nonce {
            throw LedgerError(
                .replayedNonce, "nonce \(tx.nonce) of \(tx.sender.short) already used (next is \(sender.nonce))")
        }
        if tx.nonce > sender.nonce {
            throw LedgerError(
                .skippedNonce, "nonce \(tx.nonce) of \(tx.sender.short) skips ahead (next is \(sender.nonce))")
        }
        sender.nonce = try Checked.add(sender.nonce, 1, "nonce")

        switch tx.body {
        case .transfer(let recipientKey, let amount):
            guard amount > 0 else { throw LedgerError(.invalidAmount, "transfer of zero") }
            sender.balance = try Checked.subtract(sender.balance, amount, "balance of \(tx.sender.short)")
            if recipientKey == tx.sender {
                sender.balance += amount
                setAccount(sender, for: tx.sender)
            } else {
                var recipient = accounts[recipientKey] ?? Account()
                recipient.balance = try Checked.add(recipient.balance, amount, "balance of \(recipientKey.short)")
                setAccount(sender, for: tx.sender)
                setAccount(recipient, for: recipientKey)
            }
            return TransactionResult(code: 0, log: "transfer \(amount) to \(recipientKey.short)")

        case .mint(.t0(let epoch, let amount)):
            guard let expected = context.engine.mintT0Amount(for: tx.sender, epoch: epoch, atHeight: context.height)
            else {
                throw LedgerError(
                    .invalidMint, "\(tx.sender.short) may not mint T0 for epoch \(epoch) at height \(context.height)")
            }
            guard amount == expected else {
                throw LedgerError(
                    .invalidMint, "T0 mint of \(amount) for epoch \(epoch); the one valid amount is \(expected)")
            }
            guard sender.lastMintEpoch < epoch else {
                throw LedgerError(.invalidMint, "\(tx.sender.short) already minted for epoch \(epoch)")
            }
            sender.balance = try Checked.add(sender.balance, amount, "balance of \(tx.sender.short)")
            sender.lastMintEpoch = epoch
            try supply.mint(amount)
            setAccount(sender, for: tx.sender)
            return TransactionResult(code: 0, log: "mint T0 \(amount) for epoch \(epoch)")

        case .mint(.t1(let proofID, let amount)):
            guard var entry = memoryProofs[proofID] else {
                throw LedgerError(.invalidMint, "no committed memory proof \(proofID.short)")
            }
            guard entry.author == tx.sender else {
                throw LedgerError(
                    .invalidMint, "only the author \(entry.author.short) may claim proof \(proofID.short)")
            }
            guard !entry.rewardClaimed else {
                throw LedgerError(.invalidMint, "T1 reward of proof \(proofID.short) already claimed")
            }
            guard let expected = context.engine.memoryProofReward(author: entry.author, rphv: entry.rphv) else {
                throw LedgerError(.invalidMint, "proof \(proofID.short) (RΦV \(entry.rphv)) earns no T1 reward")
            }
            guard amount == expected else {
                throw LedgerError(.invalidMint, "T1 mint of \(amount); the one valid amount is \(expected)")
            }
            sender.balance = try Checked.add(sender.balance, amount, "balance of \(tx.sender.short)")
            entry.rewardClaimed = true
            try supply.mint(amount)
            setAccount(sender, for: tx.sender)
            setMemoryProof(entry, for: proofID)
            return TransactionResult(code: 0, log: "mint T1 \(amount) for proof \(proofID.short)")

        case .memoryProof(let proof):
            guard proof.rphv >= .zero, proof.rphv <= .one else {
                throw LedgerError(.invalidMemoryProof, "RΦV \(proof.rphv) is outside [0, 1]")
            }
            let proofID = proof.proofID
            guard memoryProofs[proofID] == nil else {
                throw LedgerError(.invalidMemoryProof, "memory proof \(proofID.short) is already committed")
            }
            setAccount(sender, for: tx.sender)
            setMemoryProof(
                MemoryProofEntry(
                    author: proof.author, rphv: proof.rphv, height: context.height,
                    rewardClaimed: false), for: proofID)
            return TransactionResult(code: 0, log: "memory proof \(proofID.short) RΦV \(proof.rphv)")

        case .bond(let amount):
            guard amount > 0 else { throw LedgerError(.invalidAmount, "bond of zero") }
            sender.balance = try Checked.subtract(sender.balance, amount, "balance of \(tx.sender.short)")
            sender.stake = try Checked.add(sender.stake, amount, "stake of \(tx.sender.short)")
            setAccount(sender, for: tx.sender)
            return TransactionResult(code: 0, log: "bond \(amount)")

        case .unbond(let amount):
            guard amount > 0 else { throw LedgerError(.invalidAmount, "unbond of zero") }
            guard sender.unbonding.count < Account.maxUnbondingEntries else {
                throw LedgerError(
                    .invalidAmount, "\(tx.sender.short) already has \(Account.maxUnbondingEntries) unbondings pending")
            }
            sender.stake = try Checked.subtract(sender.stake, amount, "stake of \(tx.sender.short)")
            let release = context.height + context.parameters.unbondingPeriodHeights
            sender.unbonding.append(UnbondingEntry(amount: amount, startHeight: context.height, releaseHeight: release))
            setAccount(sender, for: tx.sender)
            return TransactionResult(code: 0, log: "unbond \(amount), released at height \(release)")

        case .shardMapProposal(let payload):
            // Only validators host shards and see their load, so only they may propose a new map;
            // the content is the mesh's to judge, in chain order, on every node alike.
            guard sender.stake >= context.parameters.minStake, sender.stake > 0 else {
                throw LedgerError(
                    .invalidShardMapProposal,
                    "\(tx.sender.short) is not a validator (stake \(sender.stake), minimum \(context.parameters.minStake))"
                )
            }
            guard !payload.isEmpty else {
                throw LedgerError(.invalidShardMapProposal, "empty shard-map proposal")
            }
            setAccount(sender, for: tx.sender)
            return TransactionResult(code: 0, log: "shard-map proposal of \(payload.count) bytes")
        }
    }

    /// Slashes an equivocating validator (SPEC §4): burns `equivocationSlashRate` of its stake,
    /// once per offence height. Returns the validator.
    mutating func apply(
        _ evidence: DuplicateVoteEvidence, _ context: ExecutionContext,
        supply: inout SupplyChange
    ) throws(LedgerError) -> PublicKey {
        do {
            try evidence.verify(chainID: context.chainID)
        } catch {
            throw LedgerError(.invalidEvidence, "evidence against \(evidence.validator.short): \(error.message)")
        }
        guard evidence.height < context.height,
            context.height - evidence.height <= context.parameters.maxEvidenceAgeBlocks
        else {
            throw LedgerError(
                .invalidEvidence, "evidence of height \(evidence.height) is not usable at \(context.height)")
        }
        // The stake at stake is the power the offender had when it offended, not what is left now:
        // unbonding or rotating out after the offence changes nothing (the validator set of that
        // height is kept for exactly this; an offender that was no validator then signed nothing).
        guard let set = context.offenceValidators[evidence.height] else {
            throw LedgerError(.invalidEvidence, "no validator set known for height \(evidence.height)")
        }
        guard let power = set.first(where: { $0.publicKey == evidence.validator })?.power, power > 0 else {
            throw LedgerError(
                .invalidEvidence, "\(evidence.validator.short) was not a validator at height \(evidence.height)")
        }
        guard var account = accounts[evidence.validator] else {
            throw LedgerError(.invalidEvidence, "\(evidence.validator.short) has no account")
        }
        guard account.slashedThroughHeight < evidence.height else {
            throw LedgerError(
                .invalidEvidence, "\(evidence.validator.short) was already slashed for height \(evidence.height)")
        }
        let due = context.parameters.equivocationSlashRate.scaling(power) ?? power
        // Only stake that was power at the offence can pay: entries that had left before it cannot.
        let taken = account.takeSlash(due, offenceHeight: evidence.height)
        guard taken > 0 else {
            throw LedgerError(.invalidEvidence, "\(evidence.validator.short) has nothing left to slash")
        }
        account.slashedThroughHeight = evidence.height
        try supply.burn(taken)
        setAccount(account, for: evidence.validator)
        return evidence.validator
    }

    /// Credits every unbonding entry whose release height has come to its account's balance.
    mutating func releaseUnbonding(atHeight height: UInt64) throws(LedgerError) {
        for key in unbondingAccounts.sorted() {
            var account = accounts[key]!
            let due = account.unbonding.filter { $0.releaseHeight <= height }
            guard !due.isEmpty else { continue }
            for entry in due {
                account.balance = try Checked.add(account.balance, entry.amount, "balance of \(key.short)")
            }
            account.unbonding.removeAll { $0.releaseHeight <= height }
            setAccount(account, for: key)
        }
    }

    /// Applies one required Layer-2 action (SPEC §6).
    mutating func apply(_ action: Layer2Action, supply: inout SupplyChange) throws(LedgerError) {
        switch action {
        case .slash(let validator, let amount):
            guard var account = accounts[validator] else {
                throw LedgerError(.invalidActions, "slash of unknown account \(validator.short)")
            }
            // From the bonded stake first, then from stake still unbonding: leaving does not dodge
            // an emergency slash either, and a stake that shrank since Layer 2 computed the amount
            // pays what it has instead of making the emergency block invalid.
            let taken = account.takeSlash(amount, offenceHeight: 0)
            try supply.burn(taken)
            setAccount(account, for: validator)
        case .boost(let validator, let amount):
            var account = accounts[validator] ?? Account()
            account.balance = try Checked.add(account.balance, amount, "balance of \(validator.short)")
            try supply.mint(amount)
            setAccount(account, for: validator)
        }
    }
}
