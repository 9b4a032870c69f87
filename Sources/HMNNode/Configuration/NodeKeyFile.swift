import Foundation
import HMNPrimitives

/// The node key file: the 32-byte Ed25519 seed as 64 hex characters (a trailing newline is
/// allowed). The same key signs consensus votes, authenticates the transport and signs the node's
/// own transactions. Written with mode 0600.
public enum NodeKeyFile {
    /// Reads a key; a missing file, bad hex or a wrong length is a typed error naming the file.
    public static func read(_ path: String) throws(NodeConfigurationError) -> SigningKey {
        guard FileManager.default.fileExists(atPath: path) else {
            throw NodeConfigurationError(.missingFile, "node key file does not exist", path: path)
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw NodeConfigurationError(.io, "cannot read node key file", path: path)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let seed = Hex.decode(trimmed), seed.count == SigningKey.seedByteCount else {
            throw NodeConfigurationError(
                .malformedFile, "node key must be \(SigningKey.seedByteCount * 2) hex characters", path: path)
        }
        do {
            return try SigningKey(seed: seed)
        } catch {
            throw NodeConfigurationError(.malformedFile, "node key: \(error.message)", path: path)
        }
    }

    /// Writes `key`'s seed in hex, readable only by the owner.
    public static func write(_ key: SigningKey, to path: String) throws(NodeConfigurationError) {
        let text = Hex.encode(key.seed) + "\n"
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw NodeConfigurationError(.io, "cannot write node key file", path: path)
        }
    }
}
