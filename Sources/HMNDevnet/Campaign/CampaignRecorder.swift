import HMNNodeHTTP

/// What the campaign observes while faults run: every node's height once a second, when the chain
/// last advanced, the longest stall, and when each node was crashed or restarted.
actor CampaignRecorder {
    private let clients: [NodeClient]
    private let started: ContinuousClock.Instant
    private(set) var heights: [UInt64?]
    private(set) var maxHeight: UInt64 = 0
    private var lastProgress: ContinuousClock.Instant
    private(set) var longestStall: Duration = .zero
    /// Run times (ms) at which each node was killed or sent SIGTERM.
    private(set) var crashes: [Int: [UInt64]] = [:]

    init(clients: [NodeClient], started: ContinuousClock.Instant) {
        self.clients = clients
        self.started = started
        heights = Array(repeating: nil, count: clients.count)
        lastProgress = started
    }

    func elapsedMilliseconds() -> UInt64 { (ContinuousClock.now - started).milliseconds }

    func recordCrash(_ node: Int) { crashes[node, default: []].append(elapsedMilliseconds()) }

    /// Starts the stall clock afresh (when the faults begin).
    func resetStallClock() {
        lastProgress = .now
        longestStall = .zero
    }

    /// Polls every node once; returns the nodes that answered.
    @discardableResult
    func sample() async -> [Int] {
        let polled = await withTaskGroup(of: (Int, UInt64?).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask { (index, try? await client.health().height) }
            }
            var result = [UInt64?](repeating: nil, count: clients.count)
            for await (index, height) in group { result[index] = height }
            return result
        }
        heights = polled
        let now = ContinuousClock.now
        let top = polled.compactMap { $0 }.max() ?? 0
        if top > maxHeight {
            maxHeight = top
            lastProgress = now
        }
        longestStall = max(longestStall, now - lastProgress)
        return polled.indices.filter { polled[$0] != nil }
    }

    /// Samples once a second until `stop` is set, telling `load` which nodes answer.
    func run(updating load: CampaignLoad, stop: CampaignStop) async {
        while !stop.isSet {
            let live = await sample()
            await load.setLive(live)
            await CampaignStop.sleep(.seconds(1)) { stop.isSet }
        }
    }
}
