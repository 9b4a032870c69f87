import Foundation

/// Loads `Vectors/<name>`: one colon-separated record a line, `#` lines are comments.
enum TestVectors {
    static func records(_ name: String) throws -> [[String]] {
        guard let url = Bundle.module.url(forResource: "Vectors/\(name)", withExtension: nil)
            ?? Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Vectors")
        else { throw CocoaError(.fileNoSuchFile) }
        return try String(contentsOf: url, encoding: .utf8)
            .split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
    }
}
