/// HMNCoherence: Layer-2 coherence math — Ĉ(t), λ(t), Ψ, RΦV and the mint, in fixed point.
public enum HMNCoherence {}
