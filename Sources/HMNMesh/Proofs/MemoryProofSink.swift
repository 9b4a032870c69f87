import HMNPrimitives
import Synchronization

/// Where a node commits memory proofs to Layer 1 (SPEC §8) and looks up what was committed. The
/// node implements it over its ledger (a transaction carrying the proof; a T1 reward follows, SPEC
/// §7); the mesh never imports the ledger.
public protocol MemoryProofSink: Sendable {
    /// Submits a proof for commitment. Submitting the same proof twice is harmless.
    func submit(_ proof: MemoryProof) async throws
    /// The committed proof for a record id, if any (the latest content hash committed for it).
    func committedProof(for recordID: Hash256) async throws -> MemoryProof?
}

/// An in-memory ``MemoryProofSink`` for tests and the simulator: submission commits at once.
public final class InMemoryProofSink: MemoryProofSink {
    private let proofs = Mutex<[Hash256: MemoryProof]>([:])

    public init() {}

    public func submit(_ proof: MemoryProof) async throws {
        proofs.withLock { $0[proof.recordID] = proof }
    }

    public func committedProof(for recordID: Hash256) async throws -> MemoryProof? {
        proofs.withLock { $0[recordID] }
    }

    public var count: Int { proofs.withLock { $0.count } }
}
