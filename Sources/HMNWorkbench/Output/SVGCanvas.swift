import Foundation

/// A minimal SVG writer: elements appended as strings, text and attributes XML-escaped, numbers
/// with one decimal (locale-free), so the output is small, valid XML and byte-stable.
struct SVGCanvas {
    let width: Int
    let height: Int
    private(set) var elements: [String] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]

    /// One decimal, locale-free, without Foundation's formatter (plots hold thousands of points).
    static func n(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "0.0" }
        let tenths = Int64((value * 10).rounded())
        let magnitude = tenths.magnitude
        return (tenths < 0 ? "-" : "") + "\(magnitude / 10).\(magnitude % 10)"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    mutating func raw(_ element: String) { elements.append(element) }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
        dash: String? = nil
    ) {
        elements.append(
            "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" "
                + "stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
                + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    mutating func rect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, opacity: Double = 1,
        stroke: String? = nil
    ) {
        elements.append(
            "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" "
                + "width=\"\(Self.n(max(w, 0)))\" height=\"\(Self.n(max(h, 0)))\" "
                + "fill=\"\(fill)\"" + (opacity < 1 ? " fill-opacity=\"\(Self.n(opacity))\"" : "")
                + (stroke.map { " stroke=\"\($0)\"" } ?? "") + "/>")
    }

    mutating func text(
        _ x: Double, _ y: Double, _ content: String, size: Int = 11, anchor: String = "start",
        fill: String = "#333", rotate: Bool = false
    ) {
        let transform = rotate ? " transform=\"rotate(-90 \(Self.n(x)) \(Self.n(y)))\"" : ""
        elements.append(
            "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" "
                + "fill=\"\(fill)\"\(transform)>\(Self.escape(content))</text>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5) {
        guard !points.isEmpty else { return }
        let list = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        elements.append(
            "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"/>")
    }

    mutating func title(_ content: String) { elements.append("<title>\(Self.escape(content))</title>") }

    func render() -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">\n"
            + "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
            + elements.joined(separator: "\n") + "\n</svg>\n"
    }
}
