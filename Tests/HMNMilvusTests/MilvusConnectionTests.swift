import Foundation
import HMNMesh
import HMNMilvus
import Testing

/// Needs no server: configuration checks, and the typed error for a server that is not there.
@Suite("Milvus connection (no server needed)")
struct MilvusConnectionTests {
    @Test("A closed port answers MilvusError.unavailable naming the URL, within the request timeout")
    func closedPort() throws {
        let port = try Self.closedPort()
        let url = "http://127.0.0.1:\(port)"
        let start = ContinuousClock.now
        do {
            _ = try MilvusTestSupport.open("hmn_closed", url: url)
            Issue.record("opened a store on a closed port")
        } catch let error as MilvusError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains(url))
            #expect(error.context?.endpoint == "/v1/vector/collections")
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test(
        "Bad settings are refused before any connection",
        arguments: [
            MilvusConnection(url: "127.0.0.1:19530", collection: "ok"),
            MilvusConnection(url: "http://127.0.0.1:19530", collection: "9starts_with_digit"),
            MilvusConnection(url: "http://127.0.0.1:19530", collection: "has-dash"),
            MilvusConnection(url: "http://127.0.0.1:19530", collection: ""),
            MilvusConnection(url: "http://127.0.0.1:19530", collection: "ok", requestTimeoutSeconds: 0),
        ])
    func invalidSettings(connection: MilvusConnection) {
        #expect(throws: MilvusError.self) { try connection.validate() }
    }

    @Test("The JSON form: url and collection required, timeouts defaulted")
    func decoding() throws {
        let json = #"{"url": "http://milvus:19530", "collection": "hmn_node0"}"#
        let connection = try JSONDecoder().decode(MilvusConnection.self, from: Data(json.utf8))
        #expect(connection == MilvusConnection(url: "http://milvus:19530", collection: "hmn_node0"))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(MilvusConnection.self, from: Data(#"{"url": "http://m:1"}"#.utf8))
        }
    }

    /// A port nothing listens on: bound, then closed.
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
