import ArgumentParser
import Foundation
import HMNNode
import HMNNodeHTTP
import HMNPrimitives

/// Where a client command finds its node and, for signed commands, its key.
struct ClientOptions: ParsableArguments {
    @Option(help: "Node API address, e.g. http://127.0.0.1:26657 (default: the HTTP port of --home).")
    var node: String?

    @Option(help: "A node home: its config.json gives the API port and its node_key signs.")
    var home: String?

    @Option(help: "A key file (hex Ed25519 seed, as `hmn keygen` writes) that signs instead of the home's key.")
    var key: String?

    func client() throws -> NodeClient {
        if let node {
            guard let url = URL(string: node), url.scheme == "http", url.host != nil else {
                throw ValidationError("--node must look like http://HOST:PORT, got '\(node)'")
            }
            return NodeClient(baseURL: url)
        }
        if let home {
            let loaded = try loadHome(home)
            return NodeClient(host: "127.0.0.1", port: loaded.configuration.httpPort)
        }
        throw ValidationError("say which node to ask: --node http://HOST:PORT or --home DIR")
    }

    func signingKey() throws -> SigningKey {
        if let key {
            do { return try NodeKeyFile.read(key) } catch { throw ValidationError("cannot read --key \(key): \(error)") }
        }
        if let home { return try loadHome(home).signingKey }
        throw ValidationError("a signed command needs --key FILE or --home DIR")
    }

    private func loadHome(_ path: String) throws -> NodeHome {
        do { return try NodeHome.load(path) } catch { throw ValidationError("cannot use --home \(path): \(error)") }
    }
}

/// Prints any Encodable as pretty, key-sorted JSON (what the client commands output).
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
