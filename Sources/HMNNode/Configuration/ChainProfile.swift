/// A preset for a new chain's timing, written into `genesis.json` (and `config.json`) when the
/// chain is created, so every node shares it and the file records it.
///
/// - ``standard``: SPEC §2's epoch delay `D(h) = max(50 ms, 1000 ms × λ(h))` — blocks about once
///   a second, which gives the λ policy room to speed up and slow down.
/// - ``lowLatency``: `baseEpochMilliseconds = 1`, `minEpochMilliseconds = 0`, so `D(h) ≤ 1.5 ms`
///   (λ ≤ 1.5), and `emptyBlockWaitMilliseconds = 1000`: the next height starts as soon as the
///   previous one commits if a transaction is waiting, otherwise as soon as one arrives (or after
///   a second, with an empty block, so that Ĉ, λ and Ψ still advance). A transaction's finality is
///   then about one consensus round (propose, prevote, precommit on loopback or a LAN) — for users
///   who want etcd-like commit latency. Until 2026-12-07 the profile made empty blocks back to
///   back while idle, about a hundred a second, which cost CPU and disk and, on a small machine,
///   the latency it was meant to buy.
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
        case .lowLatency:
            GenesisDocument.Coherence(
                baseEpochMilliseconds: 1, minEpochMilliseconds: 0, emptyBlockWaitMilliseconds: 1_000)
        }
    }
}

extension Testnet.Options {
    /// Applies `profile`'s timing to the testnet's genesis (the epoch delay; other coherence
    /// settings, such as the shard-digest settle window, stay as they are).
    public mutating func apply(_ profile: ChainProfile) {
        coherence.baseEpochMilliseconds = profile.coherence.baseEpochMilliseconds
        coherence.minEpochMilliseconds = profile.coherence.minEpochMilliseconds
        coherence.emptyBlockWaitMilliseconds = profile.coherence.emptyBlockWaitMilliseconds
    }
}
