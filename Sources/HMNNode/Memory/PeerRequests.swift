import HMNPrimitives
import Synchronization

/// Questions in flight to peers (``MemoryRequest``) and the answers that settle them. An answer
/// counts only from the peer that was asked and only once; a question unanswered within its
/// timeout settles as nil, so a dead or silent peer costs the asker one timeout, never a hang.
public final class PeerRequests: Sendable {
    private struct Pending {
        var peer: PublicKey
        var continuation: CheckedContinuation<MemoryResponse.Body?, Never>
        /// Sends the question, then settles it as unanswered after the timeout; cancelled when an
        /// answer comes first, so no task outlives its question.
        var timer: Task<Void, Never>?
    }

    private struct State {
        var nextID: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
    }

    private let state = Mutex(State())
    let timeout: Duration

    public init(timeout: Duration = .seconds(2)) {
        self.timeout = timeout
    }

    /// Questions waiting for an answer.
    public var inFlight: Int { state.withLock { $0.pending.count } }

    /// Sends `body` to `peer` and waits for its answer; nil on timeout.
    public func ask(_ body: MemoryRequest.Body, of peer: PublicKey, messenger: any PeerMessenger) async
        -> MemoryResponse.Body?
    {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID &+= 1 }
            return state.nextID
        }
        let timeout = self.timeout
        return await withCheckedContinuation { continuation in
            state.withLock { $0.pending[id] = Pending(peer: peer, continuation: continuation) }
            let timer = Task {
                await messenger.send(.memoryRequest(MemoryRequest(requestID: id, body: body)), to: peer)
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.settle(id, from: peer, with: nil)
            }
            state.withLock { $0.pending[id]?.timer = timer }
        }
    }

    /// An answer from `peer`; ignored unless it settles a question asked of that peer.
    public func resolve(_ response: MemoryResponse, from peer: PublicKey) {
        settle(response.requestID, from: peer, with: response.body)
    }

    private func settle(_ id: UInt64, from peer: PublicKey, with body: MemoryResponse.Body?) {
        let waiting = state.withLock { state -> Pending? in
            guard let pending = state.pending[id], pending.peer == peer else { return nil }
            state.pending[id] = nil
            return pending
        }
        waiting?.timer?.cancel()
        waiting?.continuation.resume(returning: body)
    }
}
