import ArgumentParser
import Foundation
import HMNMesh
import HMNNodeHTTP
import HMNPrimitives

/// `hmn memory put|get|search`: write a memory record to a node, read one back, or search the mesh through it.
struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory", abstract: "Put, get and search memory records.",
        subcommands: [Put.self, Get.self, Search.self])

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a memory record (authored by the signing key).")
        @OptionGroup var options: ClientOptions
        @Option(help: "The vector, comma-separated floats (its length must be the node's dimension).") var vector: String
        @Option(help: "Payload text.") var payload = ""
        @Option(help: "Declared importance V in [0, 1].") var importance = 0.5
        @Option(help: "Record id (64 hex digits; default: hash of vector and payload).") var id: String?

        func run() async throws {
            let values = try parseVector(vector)
            let key = try options.signingKey()
            var idBytes = Array(payload.utf8)
            for value in values { withUnsafeBytes(of: value.bitPattern.bigEndian) { idBytes += $0 } }
            let recordID = id ?? Hash256.of(idBytes).hex
            guard let parsedID = try? Hash256(hex: recordID) else { throw ValidationError("--id is not 64 hex digits") }
            guard (0...1).contains(importance) else { throw ValidationError("--importance must be in [0, 1]") }
            let client = try options.client()
            let answer: MemoryPutResponse
            do {
                // The record is signed by its author for this chain, so the chain id comes first.
                let chainID = try await client.status().chainId
                let record = MemoryRecord(
                    id: parsedID, vector: values, payload: Array(payload.utf8), author: key.publicKey,
                    createdAtMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000),
                    importance: FixedPoint(raw: Int64((importance * 1_000_000).rounded()))
                ).signed(chainID: chainID, key: key)
                answer = try await client.putMemory(MemoryRecordJSON(record))
            } catch {
                throw CleanExit.message("hmn memory put: \(error)")
            }
            try printJSON(answer)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One memory record by id, as it was written.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The record id (64 hex digits).") var id: String

        func run() async throws {
            guard let recordID = try? Hash256(hex: id) else { throw ValidationError("the id is not 64 hex digits") }
            let client = try options.client()
            let answer: MemoryRecordJSON
            do { answer = try await client.memoryRecord(id: recordID) } catch { throw CleanExit.message("hmn memory get: \(error)") }
            try printJSON(answer)
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The k nearest memory records to a vector.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The query vector, comma-separated floats.") var vector: String
        @Option(help: "Number of results.") var k = 5

        func run() async throws {
            let request = MemorySearchRequest(vector: try parseVector(vector), k: k)
            let client = try options.client()
            let answer: MemorySearchResponse
            do { answer = try await client.searchMemory(request) } catch { throw CleanExit.message("hmn memory search: \(error)") }
            try printJSON(answer)
        }
    }
}

/// "0.1, -2, 3e-1" → floats; anything else is a usage error naming the bad element.
private func parseVector(_ text: String) throws -> [Float] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard !parts.isEmpty else { throw ValidationError("--vector is empty") }
    return try parts.enumerated().map { index, part in
        guard let value = Float(part), value.isFinite else {
            throw ValidationError("--vector element \(index) ('\(part)') is not a finite number")
        }
        return value
    }
}
