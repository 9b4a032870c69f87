import Foundation
import HMNNodeHTTP
import Hummingbird
import Testing

/// Docs/openapi.yaml must describe exactly the routes the router registers, so it cannot drift.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `(METHOD, path)` pairs under `paths:` in the YAML (two-space path keys, four-space methods).
    static func documentedRoutes() throws -> Set<String> {
        let text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Docs/openapi.yaml"), encoding: .utf8)
        var routes = Set<String>()
        var inPaths = false
        var currentPath: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty {
                inPaths = line == "paths:"
                currentPath = nil
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if let currentPath, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete", "head"].contains(String(key)) {
                    routes.insert("\(key.uppercased()) \(currentPath)")
                }
            }
        }
        return routes
    }

    @Test("every registered route is documented, and every documented route exists")
    func noDrift() async throws {
        let node = try FakeNode()
        let router = NodeHTTPServer.makeRouter(node: node, metrics: PrometheusMetrics())
        let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = try Self.documentedRoutes()
        #expect(registered.count == 15)
        #expect(registered.subtracting(documented).isEmpty, "undocumented: \(registered.subtracting(documented))")
        #expect(documented.subtracting(registered).isEmpty, "not served: \(documented.subtracting(registered))")
    }

    @Test("every error code the API can answer with is listed in the document")
    func errorCodesDocumented() throws {
        let text = try String(
            contentsOf: Self.repositoryRoot.appendingPathComponent("Docs/openapi.yaml"), encoding: .utf8)
        for code in APIError.Code.allCases {
            #expect(text.contains("- \(code.rawValue)\n"), "\(code.rawValue) missing from the ErrorBody enum")
        }
    }
}
