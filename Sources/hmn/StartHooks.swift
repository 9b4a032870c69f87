import HMNNode
import HMNTransport
import Logging
import ServiceLifecycle

/// The extension point of `hmn start`: services that run beside the node in the same
/// `ServiceGroup` (the HTTP API is added here), built from the node once it is open. They are
/// started after the node and shut down before it.
enum StartHooks {
    static let extraServices: @Sendable (FullNode, NodeHome, Logger) throws -> [any Service] = { _, _, _ in [] }
}

/// Keeps the concrete transport for its bound port.
struct NetworkTransportHandle: Sendable {
    let transport: NetworkTransport
    init(_ transport: NetworkTransport) { self.transport = transport }
}
