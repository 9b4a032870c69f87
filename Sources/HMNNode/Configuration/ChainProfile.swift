/// A preset for a new chain's timing, written into `genesis.json` (and `config.json`) when the
/// chain is created, so every node shares it and the file records it.
///
/// - ``standard``: SPEC §2's epoch delay `D(h) = max(50 ms, 1000 ms × λ(h))` — blocks about once
///   a second, which gives the λ policy room to speed up and slow down.
/// - ``lowLatency``: `baseEpochMilliseconds = 1`, `minEpochMilliseconds = 0`, so `D(h) ≤ 1.5 ms`
///   (λ ≤ 1.5): the next height starts as soon as the previous one commits and a transaction's
///   finality is about one consensus round (propose, prevote, precommit on loopback or a LAN) —
///   for users who want etcd-like commit latency. Empty blocks are produced back to back when
///   there is nothing to order, which costs CPU and disk (one fsynced block per round).
///
/// Neither profile touches the emergency rules (threshold Ĉ < 0.7, the slash/boost actions, the
/// emergency timeout scale): an emergency height already starts at once; only the normal delay
/// changes. Round timeouts stay as configured, since they matter only when a round fails.
public enum ChainProfile: String, CaseIterable, Hashable, Sendable, Codable {
    case standard
    case lowLatency = "low-latency"

    /// The genesis coherence settings of the profile (nil fields keep SPEC defaults).
    public var coherence: GenesisDocument.Coherence {
        switch self {
        case .standard: GenesisDocument.Coherence()
        case .lowLatency: GenesisDocument.Coherence(baseEpochMilliseconds: 1, minEpochMilliseconds: 0)
        }
    }
}

extension Testnet.Options {
    /// Applies `profile`'s timing to the testnet's genesis (the epoch delay; other coherence
    /// settings, such as the shard-digest settle window, stay as they are).
    public mutating func apply(_ profile: ChainProfile) {
        coherence.baseEpochMilliseconds = profile.coherence.baseEpochMilliseconds
        coherence.minEpochMilliseconds = profile.coherence.minEpochMilliseconds
    }
}
