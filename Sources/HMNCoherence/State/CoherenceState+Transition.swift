import HMNPrimitives

extension CoherenceState {
    /// The Layer-2 step for one finalized block: `(state, facts) → (new state, outcome)`.
    ///
    /// Order of evaluation (every node must follow it exactly):
    /// 1. validate the facts (typed error, nothing changes);
    /// 2. add records for joined validators (Ψ = `joinPsi`, inactive);
    /// 3. from the last commit: majority digest per shard, `c_i`, `C(h)`, then `Ĉ(h)`, `Ψ_i(h)` of
    ///    every validator in the set, λ(h) as the bounded weighted median (no commit: nothing moves);
    /// 4. equivocators: Ψ = 0 and an immediate slash of `floor(stake × slashRate)`;
    /// 5. if `h` is the planned emergency height, its actions are due now (and start the cooldown);
    /// 6. validators whose stake after this block's slashes is below `minStake` leave;
    /// 7. if `Ĉ(h) < emergencyThreshold` and the cooldown allows, `h + 1` is an emergency height
    ///    whose actions follow from `Ψ(h)` and the stakes after this block's slashes;
    /// 8. the next block delay, T1 awards for this block's proofs, T0 entitlements at an epoch end.
    public func applying(
        _ facts: BlockFacts, parameters: CoherenceParameters
    ) throws(CoherenceError) -> (state: CoherenceState, outcome: CoherenceOutcome) {
        try facts.validate(against: self, parameters: parameters)
        let h = facts.height
        var next = self
        next.height = h
        next.timeMilliseconds = facts.timeMilliseconds

        // 2. Records: keep pending joiners and current members, drop active validators that left.
        let members = Dictionary(uniqueKeysWithValues: facts.validators.map { ($0.publicKey, $0.power) })
        var records: [PublicKey: ValidatorCoherence] = [:]
        for record in validators where !record.active || members[record.publicKey] != nil {
            records[record.publicKey] = record
        }
        for key in facts.joined {
            records[key] = ValidatorCoherence(publicKey: key, psi: parameters.joinPsi, active: false)
        }
        for key in members.keys { records[key]?.active = true }

        // 3. Measure the commit.
        var contributions: [PublicKey: FixedPoint] = [:]
        var instant: FixedPoint?
        var participation: FixedPoint?
        if let commit = facts.lastCommit {
            let signatures = Dictionary(uniqueKeysWithValues: commit.signatures.map { ($0.validator, $0) })
            let majority = ShardAgreement.majorityDigests(
                commit.signatures.map { (members[$0.validator] ?? 0, $0.voteExtension.shardDigests) })
            var weighted: [(power: UInt64, contribution: FixedPoint)] = []
            for validator in facts.validators {
                let digests = signatures[validator.publicKey]?.voteExtension.shardDigests ?? []
                let c = CoherenceMath.contribution(
                    signed: signatures[validator.publicKey] != nil,
                    matchingShards: ShardAgreement.matchingCount(digests, majority: majority),
                    reportedShards: digests.count)
                contributions[validator.publicKey] = c
                weighted.append((validator.power, c))
            }
            // Validation guaranteed a non-empty set with positive, non-overflowing power.
            let measured = CoherenceMath.instantCoherence(weighted) ?? .zero
            participation = CoherenceMath.instantCoherence(
                facts.validators.map { ($0.power, signatures[$0.publicKey] != nil ? .one : .zero) })
            instant = measured
            next.coherence = CoherenceMath.ewma(previous: coherence, sample: measured, weight: parameters.beta)
            for (key, c) in contributions {
                guard var record = records[key] else { continue }
                record.psi = CoherenceMath.ewma(previous: record.psi, sample: c, weight: parameters.alpha)
                records[key] = record
            }
            next.lambda = LambdaAggregation.blockLambda(
                proposals: commit.signatures.map { ($0.voteExtension.lambdaProposal, members[$0.validator] ?? 0) },
                previous: lambda, parameters: parameters)
        }

        // 4. Equivocation.
        let stakes =
            facts.stakes.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.publicKey, $0.power) }) } ?? members
        var slashed: [PublicKey: UInt64] = [:]
        var equivocationSlashes: [EmergencyAction] = []
        for key in facts.equivocators {
            records[key]?.psi = .zero
            if let stake = stakes[key] {
                let amount = EmergencyRules.equivocationSlash(stake: stake, parameters: parameters)
                equivocationSlashes.append(EmergencyAction(validator: key, kind: .slash, amount: amount))
                slashed[key] = Self.saturatingSum(slashed[key] ?? 0, amount)
            }
        }

        // 5. Emergency actions due at this height.
        var dueActions: [EmergencyAction] = []
        let isEmergency = pendingEmergency?.height == h
        if isEmergency, let plan = pendingEmergency {
            dueActions = plan.actions
            next.lastEmergencyHeight = h
            for action in plan.actions where action.kind == .slash {
                slashed[action.validator] = Self.saturatingSum(slashed[action.validator] ?? 0, action.amount)
            }
        }
        next.pendingEmergency = nil

        // 6. Minimum-stake exit.
        var stakeAfter: [PublicKey: UInt64] = [:]
        for (key, stake) in stakes {
            let cut = slashed[key] ?? 0
            stakeAfter[key] = stake > cut ? stake - cut : 0
        }
        let leaving = stakeAfter.filter { $0.value < parameters.minStake }.map(\.key).sorted()

        next.validators = records.values.sorted { $0.publicKey < $1.publicKey }

        // 7. Emergency detection for h + 1.
        var nextActions: [EmergencyAction] = []
        let nextIsEmergency =
            EmergencyRules.isBelowThreshold(next.coherence, parameters: parameters)
            && EmergencyRules.cooldownAllows(
                height: h + 1, lastEmergencyHeight: next.lastEmergencyHeight, parameters: parameters)
        if nextIsEmergency {
            let candidates = facts.validators.map { validator in
                EmergencyRules.Candidate(
                    publicKey: validator.publicKey, psi: records[validator.publicKey]?.psi ?? .zero,
                    stake: stakeAfter[validator.publicKey] ?? 0)
            }
            nextActions = EmergencyRules.actions(for: candidates, parameters: parameters)
            next.pendingEmergency = EmergencyPlan(height: h + 1, actions: nextActions)
        }

        // 8. Pace and mint.
        let delay = EpochDelay.milliseconds(lambda: next.lambda, emergency: nextIsEmergency, parameters: parameters)
        let epoch = MintSchedule.epoch(ofHeight: h, parameters: parameters)
        if (h - 1) % parameters.miningEpochHeights == 0 { next.t1PaidInEpoch = 0 }
        var t1Awards: [MintAward] = []
        for proof in facts.memoryProofs {
            let amount = MintSchedule.t1Amount(
                value: proof.value, alreadyPaid: next.t1PaidInEpoch, parameters: parameters)
            next.t1PaidInEpoch += amount
            t1Awards.append(MintAward(recipient: proof.node, tier: .t1, epoch: epoch, amount: amount))
        }
        var t0: [MintAward] = []
        if MintSchedule.isEpochEnd(height: h, parameters: parameters) {
            t0 = MintSchedule.t0Entitlements(
                validators: facts.validators, psi: { records[$0]?.psi ?? .zero }, coherence: next.coherence,
                epoch: epoch, parameters: parameters)
            next.t0Entitlements = t0
        }

        let outcome = CoherenceOutcome(
            height: h, lambda: next.lambda, coherence: next.coherence, instantCoherence: instant,
            participation: participation,
            scores: next.validators.map {
                ValidatorScore(publicKey: $0.publicKey, contribution: contributions[$0.publicKey], psi: $0.psi)
            },
            equivocationSlashes: equivocationSlashes, isEmergencyHeight: isEmergency, emergencyActions: dueActions,
            nextHeightIsEmergency: nextIsEmergency, nextEmergencyActions: nextActions,
            nextBlockDelayMilliseconds: delay, leavingValidators: leaving, t0Entitlements: t0, t1Awards: t1Awards,
            gossipPace: GossipPace(lambda: next.lambda, parameters: parameters),
            routingMode: RoutingMode(lambda: next.lambda, parameters: parameters), stateRoot: next.root)
        return (next, outcome)
    }

    /// Two slashes of one validator in one block can exceed `UInt64` only in theory (each is ≤ the
    /// stake); saturate rather than trap, since the stake after them is floored at 0 anyway.
    private static func saturatingSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
