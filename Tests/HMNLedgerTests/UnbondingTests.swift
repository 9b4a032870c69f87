import HMNPrimitives
import Testing

@testable import HMNLedger

/// Unbonding: stake leaves only after the unbonding period, and evidence is judged against the
/// power the offender had at the offence, so neither unbonding nor rotating out evades a slash.
@Suite("Unbonding and slashing at the offence height")
struct UnbondingTests {
    /// Evidence is usable for 5 heights, so unbonded stake is released 6 heights after the unbond.
    static let parameters = LedgerParameters(maxEvidenceAgeBlocks: 5)

    @discardableResult
    func commit(
        _ chain: TestChain, _ transactions: [SignedTransaction] = [], evidence: [DuplicateVoteEvidence] = []
    ) throws -> ExecutedBlock {
        chain.time += 1_000
        let (proposed, rejected) = try chain.ledger.propose(
            timeMilliseconds: chain.time, proposer: chain.proposer, candidates: transactions,
            lastCommit: chain.lastCertificate, evidence: evidence)
        #expect(rejected.isEmpty, "\(rejected)")
        let validated = try chain.ledger.execute(blockBytes: proposed.bytes)
        let certificate = try chain.certificate(for: validated)
        try chain.ledger.commit(validated, certificate: certificate)
        chain.lastCertificate = certificate
        return validated
    }

    func transaction(_ chain: TestChain, _ key: SigningKey, _ body: TransactionBody) -> SignedTransaction {
        SignedTransaction.make(
            chainID: TestChain.chainID, key: key, nonce: chain.ledger.account(key.publicKey)?.nonce ?? 0, body: body)
    }

    /// Two conflicting prevotes by `key` at `height`.
    func equivocation(by key: SigningKey, atHeight height: UInt64) -> DuplicateVoteEvidence {
        let votes = [Hash256.of([1]), Hash256.of([2])].map {
            Vote.signed(
                chainID: TestChain.chainID, height: height, round: 0, type: .prevote, blockID: $0,
                voteExtension: nil, key: key)
        }
        return DuplicateVoteEvidence(votes[0], votes[1])
    }

    @Test("unbonded stake leaves the validator set at once but reaches the balance only after the period")
    func releaseAfterPeriod() throws {
        let chain = try TestChain(parameters: Self.parameters)
        let validator = chain.validatorKeys[3]
        let supply = chain.ledger.state.totalSupply
        let start = try commit(chain, [transaction(chain, validator, .unbond(amount: 10_000))]).height
        let release = start + Self.parameters.unbondingPeriodHeights
        #expect(Self.parameters.unbondingPeriodHeights == 6)
        var account = try #require(chain.ledger.account(validator.publicKey))
        #expect(account.stake == 0 && account.balance == 1_000)
        #expect(account.unbonding == [UnbondingEntry(amount: 10_000, startHeight: start, releaseHeight: release)])
        #expect(chain.ledger.state.totalSupply == supply)
        // Stake changes reach the set two heights later.
        #expect(try chain.ledger.validators(atHeight: start + 1).contains { $0.publicKey == validator.publicKey })
        #expect(try !chain.ledger.validators(atHeight: start + 2).contains { $0.publicKey == validator.publicKey })

        while chain.ledger.height < release - 2 { try commit(chain) }
        // Not spendable before the release: at height release − 1 a transfer of it is refused.
        let early = transaction(chain, validator, .transfer(recipient: chain.userKeys[0].publicKey, amount: 5_000))
        let (_, rejected) = try chain.ledger.propose(
            timeMilliseconds: chain.time + 1, proposer: chain.proposer, candidates: [early],
            lastCommit: chain.lastCertificate)
        #expect(rejected.map(\.transaction.id) == [early.id])
        try commit(chain)
        account = try #require(chain.ledger.account(validator.publicKey))
        #expect(account.balance == 1_000 && account.unbonding.count == 1)

        try commit(chain)
        account = try #require(chain.ledger.account(validator.publicKey))
        #expect(chain.ledger.height == release)
        #expect(account.balance == 11_000 && account.unbonding.isEmpty && account.stake == 0)
        #expect(chain.ledger.state.totalSupply == supply)
        // The entries survive a reopen (they are part of the account and the state root).
        try chain.reopen()
        #expect(chain.ledger.account(validator.publicKey)?.balance == 11_000)
        #expect(try chain.ledger.checkStorage() == release)
    }

    @Test("equivocate, then unbond everything: the evidence still slashes the unbonding stake")
    func equivocateThenUnbond() throws {
        let chain = try TestChain(parameters: Self.parameters)
        let offender = chain.validatorKeys[3]
        try commit(chain)
        let offence = try commit(chain).height
        let evidence = equivocation(by: offender, atHeight: offence)
        try commit(chain, [transaction(chain, offender, .unbond(amount: 10_000))])
        #expect(chain.ledger.account(offender.publicKey)?.stake == 0)

        let supply = chain.ledger.state.totalSupply
        let block = try commit(chain, evidence: [evidence])
        #expect(block.block.evidence == [evidence])
        let account = try #require(chain.ledger.account(offender.publicKey))
        // 5 % of the power it had at the offence (10,000), taken from the unbonding entry.
        #expect(account.unbonding.map(\.amount) == [9_500])
        #expect(account.slashedThroughHeight == offence)
        #expect(chain.ledger.state.totalSupply == supply - 500)
        // Released later, minus the slash.
        while chain.ledger.height < account.unbonding[0].releaseHeight { try commit(chain) }
        #expect(chain.ledger.account(offender.publicKey)?.balance == 1_000 + 9_500)
    }

    @Test("an equivocating joiner is slashed even after it unbonds; the slash follows its power at the offence")
    func equivocatingJoiner() throws {
        let chain = try TestChain(parameters: Self.parameters)
        let joiner = chain.userKeys[0]
        let bonded = try commit(chain, [transaction(chain, joiner, .bond(amount: 4_000))]).height
        while chain.ledger.height < bonded + 2 { try commit(chain) }
        let offence = chain.ledger.height
        #expect(try chain.ledger.validators(atHeight: offence).contains { $0.publicKey == joiner.publicKey })
        try commit(chain, [transaction(chain, joiner, .unbond(amount: 4_000))])
        // Bonding more after the offence does not raise the slash: the power at the offence counts.
        try commit(chain, [transaction(chain, joiner, .bond(amount: 6_000))])
        try commit(chain, evidence: [equivocation(by: joiner, atHeight: offence)])
        let account = try #require(chain.ledger.account(joiner.publicKey))
        #expect(account.stake == 6_000 - 200)
        #expect(account.unbonding.map(\.amount) == [4_000])
    }

    @Test("stake that had left the set before the offence is not slashed; a key with no power then is refused")
    func onlyStakeThatBackedTheOffence() throws {
        let chain = try TestChain(parameters: Self.parameters)
        let offender = chain.validatorKeys[2]
        let unbondHeight = try commit(chain, [transaction(chain, offender, .unbond(amount: 4_000))]).height
        // At unbondHeight + 1 the 4,000 still count; from unbondHeight + 2 the power is 6,000.
        while chain.ledger.height < unbondHeight + 2 { try commit(chain) }
        let offence = chain.ledger.height
        #expect(
            try chain.ledger.validators(atHeight: offence).first { $0.publicKey == offender.publicKey }?.power == 6_000)
        let outsider = chain.userKeys[1]
        let block = try commit(
            chain, evidence: [equivocation(by: offender, atHeight: offence), equivocation(by: outsider, atHeight: offence)])
        #expect(block.block.evidence.map(\.validator) == [offender.publicKey])
        let account = try #require(chain.ledger.account(offender.publicKey))
        #expect(account.stake == 6_000 - 300)
        #expect(account.unbonding.map(\.amount) == [4_000])
    }

    @Test("account encoding: no unbonding entries is the old encoding; entries round-trip; an empty list is refused")
    func accountEncoding() throws {
        let plain = Account(balance: 5, nonce: 1, stake: 7)
        #expect(plain.canonicalBytes.count == 5 * 8)
        let unbonding = Account(
            balance: 5, stake: 7, unbonding: [UnbondingEntry(amount: 3, startHeight: 9, releaseHeight: 15)])
        #expect(try Account(canonicalBytes: unbonding.canonicalBytes) == unbonding)
        #expect(throws: CodecError.self) { try Account(canonicalBytes: plain.canonicalBytes + [0, 0, 0, 0]) }
        var zero = CanonicalEncoder()
        zero.encode(UInt64(0))
        zero.encode(UInt64(1))
        zero.encode(UInt64(2))
        #expect(throws: CodecError.self) { try UnbondingEntry(canonicalBytes: zero.bytes) }
    }
}
