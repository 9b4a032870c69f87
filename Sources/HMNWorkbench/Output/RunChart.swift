/// The per-run plot: λ(t) in the upper panel, Ĉ(t) with the emergency threshold in the lower
/// one, scenario fault windows shaded across both, emergency heights and checker violations
/// marked on the time axis.
public enum RunChart {
    public static func render(_ result: RunResult, scenario: Scenario, lambdaMax: Double = 1.5) -> String {
        var canvas = SVGCanvas(width: 960, height: 560)
        let left = 70.0
        let right = 940.0
        let horizon = Double(max(result.horizonMilliseconds, 1))
        func x(_ milliseconds: UInt64) -> Double { left + (right - left) * Double(milliseconds) / horizon }
        let lambdaPanel = (top: 70.0, bottom: 250.0)
        let coherencePanel = (top: 300.0, bottom: 480.0)

        canvas.title("\(scenario.name) · \(result.policy) · seed \(result.seed)")
        canvas.text(
            left, 24, "\(scenario.name) · policy \(result.policy) · seed \(result.seed)", size: 15, fill: "#000")
        canvas.text(
            left, 42,
            "\(scenario.validators) validators · \(scenario.duration) virtual · \(result.samples.count) heights · "
                + "\(result.summary.emergencies) emergencies · \(result.violations.count) violations", size: 11)

        // Fault windows and load spikes behind everything.
        let colours: [TimelineEvent.Kind: String] = [
            .crash: "#ff7f0e", .partition: "#9467bd", .divergence: "#d62728", .loadSpike: "#2ca02c",
        ]
        for (index, event) in scenario.timeline.enumerated() {
            let x0 = x(event.startMilliseconds)
            let x1 = x(event.endMilliseconds)
            canvas.rect(
                x0, lambdaPanel.top, max(x1 - x0, 1), coherencePanel.bottom - lambdaPanel.top,
                fill: colours[event.kind] ?? "#999", opacity: 0.12)
            canvas.text(
                x0 + 2, lambdaPanel.top - 6 - Double(index % 2) * 11, event.label, size: 10,
                fill: colours[event.kind] ?? "#999")
        }

        drawPanel(&canvas, panel: lambdaPanel, left: left, right: right, maximum: lambdaMax, label: "λ")
        drawPanel(&canvas, panel: coherencePanel, left: left, right: right, maximum: 1, label: "Ĉ")
        let thresholdY = y(scenario.emergencyThreshold, panel: coherencePanel, maximum: 1)
        canvas.line(left, thresholdY, right, thresholdY, stroke: "#d62728", width: 1, dash: "6 4")
        canvas.text(
            right - 4, thresholdY - 4, "emergency threshold \(PolicySpec.format(scenario.emergencyThreshold))",
            size: 10, anchor: "end", fill: "#d62728")

        canvas.polyline(
            series(result.samples, x: x, value: \.lambda.doubleValue, panel: lambdaPanel, maximum: lambdaMax),
            stroke: "#1f77b4")
        canvas.polyline(
            series(result.samples, x: x, value: \.coherence.doubleValue, panel: coherencePanel, maximum: 1),
            stroke: "#2ca02c")

        // Emergencies (red ticks under the Ĉ panel) and violations (black crosses).
        var lastTick = -10.0
        for sample in result.samples where sample.emergency {
            let position = x(sample.timeMilliseconds)
            guard position - lastTick >= 2 else { continue }
            lastTick = position
            canvas.line(position, coherencePanel.bottom + 2, position, coherencePanel.bottom + 12, stroke: "#d62728")
        }
        for violation in result.violations {
            let position = x(min(violation.timeMilliseconds, result.horizonMilliseconds))
            canvas.text(position, coherencePanel.bottom + 26, "✕", size: 12, anchor: "middle", fill: "#000")
        }

        // Time axis.
        let step = tickStep(horizon / 1_000)
        var tick = 0.0
        while tick <= horizon / 1_000 + 1e-9 {
            let position = x(UInt64(tick * 1_000))
            canvas.line(position, coherencePanel.bottom, position, coherencePanel.bottom + 4, stroke: "#333")
            canvas.text(position, coherencePanel.bottom + 40, "\(PolicySpec.format(tick))s", size: 10, anchor: "middle")
            tick += step
        }
        canvas.text(
            (left + right) / 2, 540, "virtual time · red ticks: emergency heights · ✕: checker violation",
            size: 11, anchor: "middle")
        return canvas.render()
    }

    static func y(_ value: Double, panel: (top: Double, bottom: Double), maximum: Double) -> Double {
        let clamped = min(max(value, 0), maximum)
        return panel.bottom - (panel.bottom - panel.top) * clamped / maximum
    }

    static func drawPanel(
        _ canvas: inout SVGCanvas, panel: (top: Double, bottom: Double), left: Double, right: Double, maximum: Double,
        label: String
    ) {
        canvas.rect(left, panel.top, right - left, panel.bottom - panel.top, fill: "none", stroke: "#999")
        for fraction in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let value = maximum * fraction
            let position = y(value, panel: panel, maximum: maximum)
            canvas.line(left, position, right, position, stroke: "#e5e5e5")
            canvas.text(
                left - 6, position + 4, format(value), size: 10,
                anchor: "end")
        }
        canvas.text(left - 48, (panel.top + panel.bottom) / 2, label, size: 14, anchor: "middle", fill: "#000")
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return PolicySpec.format(rounded)
    }

    /// One point per sample, reduced to first/min/max/last per pixel column for long runs.
    static func series(
        _ samples: [HeightSample], x: (UInt64) -> Double, value: (HeightSample) -> Double,
        panel: (top: Double, bottom: Double), maximum: Double
    ) -> [(Double, Double)] {
        var points: [(Double, Double)] = []
        var column: [Double] = []
        var columnX = -1.0
        func flush() {
            guard let first = column.first, let last = column.last else { return }
            let lowest = column.min()!
            let highest = column.max()!
            var values = [first]
            if column.count > 2 { values += first <= last ? [lowest, highest] : [highest, lowest] }
            if column.count > 1 { values.append(last) }
            for value in values { points.append((columnX, y(value, panel: panel, maximum: maximum))) }
            column.removeAll(keepingCapacity: true)
        }
        for sample in samples {
            let position = x(sample.timeMilliseconds).rounded()
            if position != columnX {
                flush()
                columnX = position
            }
            column.append(value(sample))
        }
        flush()
        return points
    }

    /// A readable tick spacing in seconds for a span: 1, 2, 5, 10, 15, 30, 60, 120…
    static func tickStep(_ seconds: Double) -> Double {
        for step in [1.0, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600] where seconds / step <= 12 {
            return step
        }
        return 7_200
    }
}
