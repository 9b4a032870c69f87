import Foundation
import HMNCoherence
import HMNWorkbench
import Testing

@Suite("Docs/RESEARCH.md: the example policy")
struct DocExampleTests {
    static func observe(_ coherence: Double) throws -> LambdaObservation {
        try LambdaObservation(coherenceHistory: [coherence], currentLambda: 1.0)
    }

    @Test("the quoted source is the compiled source, byte for byte")
    func quoteMatches() throws {
        let source = try String(
            contentsOf: TestSupport.root.appendingPathComponent("Sources/HMNWorkbench/Research/HysteresisPolicy.swift"),
            encoding: .utf8)
        let docs = try String(contentsOf: TestSupport.root.appendingPathComponent("Docs/RESEARCH.md"), encoding: .utf8)
        let begin = try #require(source.range(of: "// (docs-example-begin)\n"))
        let end = try #require(source.range(of: "// (docs-example-end)"))
        let snippet = String(source[begin.upperBound..<end.lowerBound])
        #expect(snippet.contains("struct HysteresisPolicy: LambdaPolicy") && snippet.contains("PolicyRegistration("))
        #expect(docs.contains("```swift\n" + snippet + "```"))
    }

    @Test("hysteresis: turbulent at once below `enter`, calm only after `calmHeights` heights above `exit`")
    func behaviour() throws {
        var policy = HysteresisPolicy()
        #expect(try policy.proposeLambda(Self.observe(0.95)).doubleValue == 1.2)
        #expect(try policy.proposeLambda(Self.observe(0.79)).doubleValue == 0.3)
        // Between the thresholds: stays turbulent (this is the hysteresis).
        #expect(try policy.proposeLambda(Self.observe(0.85)).doubleValue == 0.3)
        for _ in 0..<4 { #expect(try policy.proposeLambda(Self.observe(0.92)).doubleValue == 0.3) }
        #expect(try policy.proposeLambda(Self.observe(0.92)).doubleValue == 1.2)
        #expect(try policy.proposeLambda(Self.observe(0.85)).doubleValue == 1.2)
    }

    @Test("its registration line makes it runnable by name with parameters")
    func registered() throws {
        let policy = try PolicyRegistry.standard.makePolicy(
            try PolicySpec(parsing: "hysteresis:enter=0.6,calmHeights=2"))
        let typed = try #require(policy as? HysteresisPolicy)
        #expect(typed.enter == 0.6 && typed.exit == 0.9 && typed.calmHeights == 2)
    }
}
