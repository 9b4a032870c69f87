import HMNCoherence
import HMNConsensus
import HMNLedger
import HMNMesh
import HMNPrimitives

/// Every decoder that takes bytes from outside the process, as a fuzz target.
///
/// The same entry point serves libFuzzer (the `Fuzz/` sub-package, built with
/// `-sanitize=fuzzer,address`) and the regression test in `make test` that replays the checked-in
/// corpus and every input a fuzzer ever crashed on, so a fixed crash stays fixed.
///
/// Oracle, beyond "does not crash": the encoding is canonical, so whenever a decoder accepts bytes,
/// encoding the value again must give back exactly those bytes. A decoder that accepts two
/// spellings of one value would let an attacker change a hash without changing the meaning.
/// Targets that go past the decoder check more: the gossip target drives a node's ``MeshGossip``
/// (``GossipFuzzing``), the API targets run the server's body conversion and the node's first
/// checks (``APIFuzzing``).
public enum FuzzTarget: String, CaseIterable, Sendable {
    case transaction
    case block
    case vote
    case commitCertificate
    case evidence
    case consensusMessage
    case walRecord
    case memoryRecord
    case memoryProof
    case coherenceState
    case transportFrames
    case handshake
    case nodeMessage
    case gossipMessage
    case gossipSession
    case apiTransaction
    case apiMemory
    case apiSearch

    /// Runs one input. Returns normally when the input was handled (accepted or rejected with a
    /// typed error); traps on a broken invariant, which is what the fuzzer looks for.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .transaction: Self.roundTrip(SignedTransaction.self, bytes)
        case .block: Self.roundTrip(Block.self, bytes)
        case .vote: Self.roundTrip(Vote.self, bytes)
        case .commitCertificate: Self.roundTrip(CommitCertificate.self, bytes)
        case .evidence: Self.roundTrip(DuplicateVoteEvidence.self, bytes)
        case .consensusMessage: Self.roundTrip(ConsensusMessage.self, bytes)
        case .walRecord: Self.roundTrip(WALRecord.self, bytes)
        case .memoryRecord: Self.roundTrip(MemoryRecord.self, bytes)
        case .memoryProof: Self.roundTrip(MemoryProof.self, bytes)
        case .coherenceState: Self.roundTrip(CoherenceState.self, bytes)
        case .transportFrames: TransportFuzzing.frames(bytes)
        case .handshake: TransportFuzzing.handshake(bytes)
        case .nodeMessage: NodeMessageFuzzing.message(bytes)
        case .gossipMessage: GossipFuzzing.message(bytes)
        case .gossipSession: GossipFuzzing.session(bytes)
        case .apiTransaction: _ = APIFuzzing.transaction(bytes)
        case .apiMemory: _ = APIFuzzing.memory(bytes)
        case .apiSearch: _ = APIFuzzing.search(bytes)
        }
    }

    /// Whether the target's decoder accepts `bytes` (transport and gossip-session targets, which
    /// drive state machines with a stream rather than decode, answer true; API targets answer whether the request passes
    /// every check the target models). Used to check that seeds are valid and near misses are not.
    public func accepts(_ bytes: [UInt8]) -> Bool {
        switch self {
        case .transaction: (try? SignedTransaction(canonicalBytes: bytes)) != nil
        case .block: (try? Block(canonicalBytes: bytes)) != nil
        case .vote: (try? Vote(canonicalBytes: bytes)) != nil
        case .commitCertificate: (try? CommitCertificate(canonicalBytes: bytes)) != nil
        case .evidence: (try? DuplicateVoteEvidence(canonicalBytes: bytes)) != nil
        case .consensusMessage: (try? ConsensusMessage(canonicalBytes: bytes)) != nil
        case .walRecord: (try? WALRecord(canonicalBytes: bytes)) != nil
        case .memoryRecord: (try? MemoryRecord(canonicalBytes: bytes)) != nil
        case .memoryProof: (try? MemoryProof(canonicalBytes: bytes)) != nil
        case .coherenceState: (try? CoherenceState(canonicalBytes: bytes)) != nil
        case .transportFrames, .handshake, .gossipSession: true
        case .nodeMessage: NodeMessageFuzzing.decode(bytes) != nil
        case .gossipMessage: GossipFuzzing.decode(bytes) != nil
        case .apiTransaction: APIFuzzing.transaction(bytes)
        case .apiMemory: APIFuzzing.memory(bytes)
        case .apiSearch: APIFuzzing.search(bytes)
        }
    }

    /// Decodes; on success, re-encoding must reproduce the input exactly.
    static func roundTrip<T: CanonicalCodable>(_ type: T.Type, _ bytes: [UInt8]) {
        guard let value = try? T(canonicalBytes: bytes) else { return }
        let again = value.canonicalBytes
        precondition(
            again == bytes, "\(T.self) accepted a non-canonical encoding (\(bytes.count) bytes in, \(again.count) out)")
    }
}
