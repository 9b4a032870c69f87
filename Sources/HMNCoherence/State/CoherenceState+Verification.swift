import HMNPrimitives

extension CoherenceState {
    /// The emergency actions a block at `height` must carry: the pending plan's list when `height`
    /// is the planned emergency height, otherwise none.
    public func requiredEmergencyActions(atHeight height: UInt64) -> [EmergencyAction] {
        guard let plan = pendingEmergency, plan.height == height else { return [] }
        return plan.actions
    }

    /// Rejects a proposal whose carried action list differs in any way (member, kind, amount or
    /// order) from the list the chain implies, so a proposer can neither slash arbitrarily nor skip
    /// a slash (SPEC §6). Every honest validator runs this in `processProposal`.
    public func verifyEmergencyActions(_ carried: [EmergencyAction], atHeight height: UInt64) throws(CoherenceError) {
        let required = requiredEmergencyActions(atHeight: height)
        guard carried == required else {
            throw CoherenceError(
                .emergencyActionMismatch,
                "block \(height) carries \(carried.count) emergency actions, the chain implies \(required.count)"
                    + (carried.count == required.count ? " (same count, different members or amounts)" : ""))
        }
    }
}
