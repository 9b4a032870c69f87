import HMNPrimitives
import HMNTransport
import Logging
import Synchronization

/// Sends node messages over the transport to the peers with a live session, counting bytes.
/// Send failures (no session, full queue) lose the message, which every protocol above tolerates.
final class TransportMessenger: PeerMessenger {
    let transport: any MessageTransport
    let metrics: NodeMetrics
    let logger: Logger
    private let peers = Mutex<Set<PublicKey>>([])

    init(transport: any MessageTransport, metrics: NodeMetrics, logger: Logger) {
        self.transport = transport
        self.metrics = metrics
        self.logger = logger
    }

    func setPeers(_ set: Set<PublicKey>) { peers.withLock { $0 = set } }

    func broadcast(_ message: NodeMessage, excluding: PublicKey?) async {
        await broadcast(bytes: message.canonicalBytes, excluding: excluding)
    }

    func send(_ message: NodeMessage, to peer: PublicKey) async {
        await send(bytes: message.canonicalBytes, to: peer)
    }

    func broadcast(bytes: [UInt8], excluding: PublicKey?) async {
        let targets = peers.withLock { $0 }
        for peer in targets.sorted() where peer != excluding {
            await send(bytes: bytes, to: peer)
        }
    }

    func send(bytes: [UInt8], to peer: PublicKey) async {
        do {
            try await transport.send(bytes, to: peer)
            metrics.gossipOut.increment(by: Int64(bytes.count))
        } catch {
            logger.trace("send failed", metadata: ["peer": "\(peer.short)", "error": "\(error)"])
        }
    }
}
