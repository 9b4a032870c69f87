import ArgumentParser
import Foundation
import HMNNode
import HMNPrimitives

/// `hmn keygen`: a new Ed25519 node key. The seed goes to `--out` (hex, mode 0600) or stdout.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate an Ed25519 node key (seed in hex); prints the public key."
    )

    @Option(help: "Write the seed to this file (refuses to overwrite an existing file).")
    var out: String?

    func run() throws {
        let key = SigningKey.generate()
        if let out {
            guard !FileManager.default.fileExists(atPath: out) else {
                throw CommandFailure("\(out) already exists; refusing to overwrite a key")
            }
            do {
                try NodeKeyFile.write(key, to: out)
            } catch {
                throw CommandFailure(error.description)
            }
            print("public key \(key.publicKey.hex)")
            print("seed written to \(out)")
        } else {
            print("public key \(key.publicKey.hex)")
            print("seed       \(Hex.encode(key.seed))")
        }
    }
}

/// A command failure with a message for the user (ArgumentParser prints it as `Error: …`).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
