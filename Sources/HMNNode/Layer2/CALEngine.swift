import HMNCoherence
import HMNPrimitives
import Synchronization

/// The node's coherence attunement layer (CAL) engine: it records every committed block's
/// Layer-2 outcome and the rounds the height took, and asks the configured ``LambdaPolicy`` once
/// per block for the λ this validator proposes in its next precommits (SPEC §5).
///
/// Proposing once per block, not once per vote, keeps stateful policies (PID, AIMD) stepping once
/// per height however many rounds a height needs. A reference type, so the ledger's copies of the
/// ``CoherenceLayer2Engine`` all see the same proposal; a mutex makes it safe to share.
public final class CALEngine: Sendable {
    private struct State {
        var proposer: LambdaProposer
        var proposal: FixedPoint?
        var lastError: CoherenceError?
    }

    private let state: Mutex<State>

    /// - Parameters:
    ///   - policy: the λ policy (any type, including one written outside HMN).
    ///   - parameters: the chain's coherence parameters.
    ///   - committed: the Layer-2 state after the last committed block, when known.
    public init(policy: any LambdaPolicy, parameters: CoherenceParameters, committed: CoherenceState? = nil)
        throws(CoherenceError)
    {
        let proposer = try LambdaProposer(policy: policy, parameters: parameters, state: committed)
        state = Mutex(State(proposer: proposer, proposal: nil, lastError: nil))
    }

    /// The policy's name, for status and logs.
    public var policyName: String { state.withLock { $0.proposer.policy.name } }

    /// The proposal for the next precommits, nil before the first committed block.
    public var currentProposal: FixedPoint? { state.withLock { $0.proposal } }

    /// The last error the policy produced (NaN output, bad observation), if any.
    public var lastError: CoherenceError? { state.withLock { $0.lastError } }

    /// Records a committed block's outcome and computes the next proposal from local observations.
    @discardableResult
    public func record(_ outcome: CoherenceOutcome, rounds: UInt32, mempoolSize: Int = 0, gossipBacklog: Int = 0)
        -> FixedPoint?
    {
        state.withLock { state in
            state.proposer.record(outcome, rounds: rounds)
            do throws(CoherenceError) {
                state.proposal = try state.proposer.propose(
                    gossipBacklog: max(0, gossipBacklog), mempoolSize: max(0, mempoolSize))
                state.lastError = nil
            } catch {
                state.lastError = error
                state.proposal = nil
            }
            return state.proposal
        }
    }
}
