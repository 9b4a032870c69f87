import HMNPrimitives

/// What the rules need to know about the block being executed.
struct ExecutionContext {
    var chainID: String
    var height: UInt64
    var parameters: LedgerParameters
    /// The Layer-2 engine as of the previous block.
    var engine: any Layer2Engine
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
            sender.stake = try Checked.subtract(sender.stake, amount, "stake of \(tx.sender.short)")
            sender.balance = try Checked.add(sender.balance, amount, "balance of \(tx.sender.short)")
            setAccount(sender, for: tx.sender)
            return TransactionResult(code: 0, log: "unbond \(amount)")
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
        guard var account = accounts[evidence.validator], account.stake > 0 else {
            throw LedgerError(.invalidEvidence, "\(evidence.validator.short) has no stake to slash")
        }
        guard account.slashedThroughHeight < evidence.height else {
            throw LedgerError(
                .invalidEvidence, "\(evidence.validator.short) was already slashed for height \(evidence.height)")
        }
        let amount = context.parameters.equivocationSlashRate.scaling(account.stake) ?? account.stake
        account.stake -= min(amount, account.stake)
        account.slashedThroughHeight = evidence.height
        try supply.burn(amount)
        setAccount(account, for: evidence.validator)
        return evidence.validator
    }

    /// Applies one required Layer-2 action (SPEC §6).
    mutating func apply(_ action: Layer2Action, supply: inout SupplyChange) throws(LedgerError) {
        switch action {
        case .slash(let validator, let amount):
            guard var account = accounts[validator] else {
                throw LedgerError(.invalidActions, "slash of unknown account \(validator.short)")
            }
            account.stake = try Checked.subtract(account.stake, amount, "stake of \(validator.short) to slash")
            try supply.burn(amount)
            setAccount(account, for: validator)
        case .boost(let validator, let amount):
            var account = accounts[validator] ?? Account()
            account.balance = try Checked.add(account.balance, amount, "balance of \(validator.short)")
            try supply.mint(amount)
            setAccount(account, for: validator)
        }
    }
}
