import HMNPrimitives

/// A peer to dial: its long-term key and where it listens. The key is required so that a dialer
/// authenticates whom it reached (like CometBFT's `id@host:port`).
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    public var key: PublicKey
    public var host: String
    public var port: Int

    public init(key: PublicKey, host: String, port: Int) {
        self.key = key
        self.host = host
        self.port = port
    }

    /// Parses `hexkey@host:port`.
    public init(parsing text: String) throws(TransportError) {
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2, let colon = parts[1].lastIndex(of: ":"),
            let port = Int(parts[1][parts[1].index(after: colon)...]), (1...65535).contains(port)
        else {
            throw TransportError(.malformedMessage, "peer address \"\(text)\" is not hexkey@host:port")
        }
        do {
            self.key = try PublicKey(hex: parts[0])
        } catch {
            throw TransportError(.malformedMessage, "peer address \"\(text)\": \(error.message)")
        }
        self.host = String(parts[1][..<colon])
        self.port = port
    }

    public var description: String { "\(key.hex)@\(host):\(port)" }
}
