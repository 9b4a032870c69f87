import HMNNodeHTTP

/// One line per node for the devnet's live view: height, round, λ, Ĉ, last finality latency, peers.
public enum StatusLine {
    public static func format(name: String, _ status: StatusJSON?) -> String {
        guard let status else { return "\(name)  (not answering)" }
        let lambda = status.lambda.value.map { String(format3($0)) } ?? "?"
        let coherence = status.coherence.value.map { String(format3($0)) } ?? "?"
        let finality = status.lastFinalityMilliseconds.map { "\($0) ms" } ?? "–"
        let emergency = (status.syncing ? "  syncing" : "") + (status.nextHeightIsEmergency ? "  EMERGENCY" : "")
        return "\(name)  height \(pad(status.height, 6))  round \(status.round)  λ \(lambda)  Ĉ \(coherence)"
            + "  finality \(finality)  peers \(status.peers.count)  mempool \(status.mempoolSize)"
            + "  memories \(status.memoryRecords)\(emergency)"
    }

    static func pad(_ value: UInt64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// Three decimals without Foundation's locale-dependent formatting.
    static func format3(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let whole = thousandths / 1000
        let fraction = abs(thousandths % 1000)
        let digits = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 3 - digits.count))\(digits)"
    }
}
