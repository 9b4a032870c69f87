/// The campaign plot: for each pooled figure (mean finality, p99 finality, bytes per height, time
/// below the threshold, emergencies per run) a bar per policy, colours shared across panels.
public enum ComparisonChart {
    struct Metric {
        var title: String
        var value: (PolicyAggregate) -> Double?
        var format: (Double) -> String
    }

    public static func render(_ aggregates: [PolicyAggregate], scenario: Scenario, seeds: Int) -> String {
        let metrics = [
            Metric(title: "mean finality (ms)", value: { $0.meanFinalityMilliseconds }, format: { SVGCanvas.n($0) }),
            Metric(
                title: "p99 finality (ms)", value: { $0.p99FinalityMilliseconds.map { Double($0) } },
                format: { PolicySpec.format($0) }),
            Metric(
                title: "bytes per committed height", value: { $0.bytesPerHeight },
                format: { PolicySpec.format($0.rounded()) }),
            Metric(
                title: "seconds with Ĉ < \(PolicySpec.format(scenario.emergencyThreshold)) (per run)",
                value: { $0.secondsBelowThreshold }, format: { SVGCanvas.n($0) }),
            Metric(title: "emergency heights (per run)", value: { $0.emergenciesPerRun }, format: { SVGCanvas.n($0) }),
            Metric(
                title: "committed heights (all runs)", value: { Double($0.committedHeights) },
                format: { PolicySpec.format($0) }),
        ]
        let panelWidth = 300.0
        let panelHeight = 200.0
        let columns = 3
        let rows = (metrics.count + columns - 1) / columns
        let legendHeight = 24.0 * Double((aggregates.count + 2) / 3)
        let height = 70 + Double(rows) * (panelHeight + 60) + legendHeight
        var canvas = SVGCanvas(width: 20 + columns * Int(panelWidth + 20), height: Int(height))
        canvas.title("\(scenario.name): policy comparison")
        canvas.text(
            20, 26,
            "\(scenario.name): \(aggregates.count) policies × \(seeds) seeds, "
                + "\(scenario.validators) validators, \(scenario.duration) virtual each", size: 15, fill: "#000")

        for (index, metric) in metrics.enumerated() {
            let originX = 20 + Double(index % columns) * (panelWidth + 20)
            let originY = 60 + Double(index / columns) * (panelHeight + 60)
            canvas.text(originX, originY + 12, metric.title, size: 12, fill: "#000")
            let plotTop = originY + 24
            let plotBottom = originY + panelHeight
            canvas.line(originX, plotBottom, originX + panelWidth, plotBottom, stroke: "#333")
            let values = aggregates.map(metric.value)
            let maximum = values.compactMap { $0 }.max() ?? 0
            let slot = panelWidth / Double(max(aggregates.count, 1))
            for (position, value) in values.enumerated() {
                let colour = SVGCanvas.palette[position % SVGCanvas.palette.count]
                let barX = originX + Double(position) * slot + slot * 0.15
                guard let value else {
                    canvas.text(barX + slot * 0.35, plotBottom - 4, "n/a", size: 10, anchor: "middle")
                    continue
                }
                let barHeight = maximum > 0 ? (plotBottom - plotTop - 14) * value / maximum : 0
                canvas.rect(barX, plotBottom - barHeight, slot * 0.7, barHeight, fill: colour)
                canvas.text(
                    barX + slot * 0.35, plotBottom - barHeight - 3, metric.format(value), size: 10,
                    anchor: "middle")
            }
        }
        let legendTop = 60 + Double(rows) * (panelHeight + 60)
        for (position, aggregate) in aggregates.enumerated() {
            let x = 20 + Double(position % 3) * (panelWidth + 20)
            let y = legendTop + Double(position / 3) * 24
            canvas.rect(x, y - 10, 12, 12, fill: SVGCanvas.palette[position % SVGCanvas.palette.count])
            canvas.text(x + 18, y, aggregate.policy.description, size: 11)
        }
        return canvas.render()
    }
}
