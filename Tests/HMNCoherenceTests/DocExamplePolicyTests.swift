import Foundation
import HMNCoherence
import HMNPrimitives
import Testing

// The example of Docs/COHERENCE.md, "Write your own λ policy", compiled and tested verbatim.
// (docs-example-begin)
/// Asks for a low (turbulent) λ — faster gossip, shorter epochs — when this node's
/// gossip backlog grows, and otherwise scales λ with the newest Ĉ.
struct BacklogAwarePolicy: LambdaPolicy {
    /// Backlog at which the policy asks for the most turbulent λ.
    var saturatingBacklog = 1_000.0

    var name: String { "backlog-aware" }

    mutating func desiredLambda(_ observation: LambdaObservation) -> Double {
        let pressure = min(Double(observation.gossipBacklog) / saturatingBacklog, 1)
        let calm = observation.lambdaRange.upperBound * observation.latestCoherence
        return calm * (1 - pressure) + observation.lambdaRange.lowerBound * pressure
    }
}
// (docs-example-end)

@Suite("Doc example: a fifth λ policy")
struct DocExamplePolicyTests {
    func observe(coherence: Double, backlog: Int) throws -> LambdaObservation {
        try LambdaObservation(coherenceHistory: [coherence], gossipBacklog: backlog, currentLambda: 1.0)
    }

    @Test("hand-computed proposals")
    func table() throws {
        var policy = BacklogAwarePolicy()
        #expect(try policy.proposeLambda(observe(coherence: 1, backlog: 0)) == FixedPoint(raw: 1_500_000))
        #expect(try policy.proposeLambda(observe(coherence: 1, backlog: 5_000)) == FixedPoint(raw: 100_000))
        // 1.5·0.8·0.5 + 0.1·0.5 = 0.65.
        #expect(try policy.proposeLambda(observe(coherence: 0.8, backlog: 500)) == FixedPoint(raw: 650_000))
    }

    @Test("it plugs in beside the shipped policies with no other change")
    func pluggable() throws {
        var policies: [any LambdaPolicy] = [
            try FixedLambdaPolicy(), try ThresholdLambdaPolicy(), try PIDLambdaPolicy(), try AIMDLambdaPolicy(),
            BacklogAwarePolicy(),
        ]
        let observation = try observe(coherence: 0.9, backlog: 100)
        var names: [String] = []
        for index in policies.indices {
            let proposal = try policies[index].proposeLambda(observation)
            #expect(CoherenceParameters.standard.lambdaRange.contains(proposal))
            names.append(policies[index].name)
        }
        #expect(names == ["fixed", "threshold", "pid", "aimd", "backlog-aware"])
        // And the behaviour harness runs it like any other: the drop lowers λ.
        let run = try PolicyBehaviourTests.run(BacklogAwarePolicy())
        #expect(run.firstDrop < run.steadyEnd && run.recoveryEnd > run.dropEnd)
    }
}

@Suite("Docs/COHERENCE.md quotes the compiled example")
struct DocExampleSyncTests {
    @Test("the example between the markers appears verbatim in Docs/COHERENCE.md")
    func inSync() throws {
        let testFile = URL(fileURLWithPath: #filePath)
        let root = testFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(contentsOf: testFile, encoding: .utf8)
        let docs = try String(contentsOf: root.appendingPathComponent("Docs/COHERENCE.md"), encoding: .utf8)
        let begin = try #require(source.range(of: "// (docs-example-begin)\n"))
        let end = try #require(source.range(of: "// (docs-example-end)"))
        let snippet = String(source[begin.upperBound..<end.lowerBound])
        #expect(snippet.count > 200)
        #expect(docs.contains(snippet))
    }
}
