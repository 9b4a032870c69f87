/// HMNCoherence: Layer-2 coherence math — Ĉ(t), λ(t), Ψ, RΦV and the mint, in fixed point.
///
/// See the DocC catalog (`Docs.docc/HMNCoherence.md`) and `Docs/COHERENCE.md`.
public enum HMNCoherence {
    /// Version of the Layer-2 rules; bumps whenever a transition would compute different bits.
    public static let rulesVersion: UInt32 = 1
}
