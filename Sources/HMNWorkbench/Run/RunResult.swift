import HMNSimulator

/// One simulation of a scenario with one policy and one seed.
public struct RunResult: Sendable {
    public var scenarioName: String
    public var policy: PolicySpec
    public var seed: UInt64
    public var horizonMilliseconds: UInt64
    public var samples: [HeightSample]
    public var violations: [Violation]
    public var messagesSent: Int
    public var bytesSent: Int
    public var eventsProcessed: Int
    public var summary: RunSummary
}
