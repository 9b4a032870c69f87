import HMNPrimitives
import Logging
import NIOCore
import NIOPosix
import Synchronization

extension NetworkTransport {
    /// Accepts connections until cancelled; each one is served in its own child task, so a failing
    /// connection never disturbs the listener or its siblings.
    nonisolated func acceptLoop() async {
        do {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask { _ = await self.serve(connection.take(), role: .responder, expectedPeer: nil) }
                    }
                }
            }
        } catch {
            if !Task.isCancelled { logger.error("listener failed", metadata: ["error": "\(error)"]) }
        }
    }

    /// Keeps one session with `address` open while it is a dial target: dials, serves, and after a
    /// failure or a lost session waits ``Backoff/delay(attempt:using:)`` before the next dial.
    nonisolated func dialLoop(_ address: PeerAddress) async {
        var logger = self.logger
        logger[metadataKey: "peer"] = "\(address.key.short)"
        let sessionLimit = configuration.maxMessageBytes + FrameSealer.overheadByteCount
        while !Task.isCancelled, await isDialTarget(address) {
            if await isConnected(address.key) {
                // The peer dialed us; check again later in case that session drops.
                try? await Task.sleep(for: configuration.backoff.initialDelay)
                continue
            }
            var established = false
            do {
                let channel = try await ClientBootstrap(group: group)
                    .connectTimeout(.nanoseconds(Backoff.nanoseconds(configuration.connectTimeout)))
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connect(host: address.host, port: address.port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try Self.makeFrameChannel(channel, role: .initiator, sessionFrameLimit: sessionLimit)
                        }
                    }
                established = await serve(channel, role: .initiator, expectedPeer: address.key)
            } catch {
                logger.debug(
                    "dial failed", metadata: ["address": "\(address.host):\(address.port)", "error": "\(error)"])
            }
            try? await Task.sleep(for: await dialEnded(address.key, established: established))
        }
    }

    /// Runs one connection: handshake (bounded by the handshake timeout), registration, then a
    /// reader (this task) and a writer (a child task) until either side ends. Returns whether the
    /// session was established. Never throws: every failure closes this connection only.
    nonisolated func serve(_ channel: FrameChannel, role: Handshake.Role, expectedPeer: PublicKey?) async -> Bool {
        var logger = self.logger
        logger[metadataKey: "remote"] = "\(channel.channel.remoteAddress.map { "\($0)" } ?? "?")"
        logger[metadataKey: "role"] = "\(role.rawValue)"
        let timedOut = HandshakeTimeoutFlag()
        var registered: (key: PublicKey, id: UInt64)?
        do {
            try await channel.executeThenClose { inbound, outbound in
                let timeout = channel.channel.eventLoop.scheduleTask(
                    in: .nanoseconds(Backoff.nanoseconds(configuration.handshakeTimeout))
                ) { [channel = channel.channel] in
                    timedOut.fired.store(true, ordering: .relaxed)
                    channel.close(promise: nil)
                }
                defer { timeout.cancel() }
                var iterator = inbound.makeAsyncIterator()
                var handshake = Handshake(
                    role: role, configuration: configuration.handshake, expectedPeer: expectedPeer)
                try await write(handshake.start(), to: outbound, allocator: channel.channel.allocator)
                var session: SecureSession?
                var registration: SessionRegistration?
                while session == nil {
                    guard let frame = try await iterator.next() else {
                        throw TransportError(
                            timedOut.fired.load(ordering: .relaxed) ? .handshakeTimeout : .connectionClosed,
                            "connection closed during the handshake")
                    }
                    let actions = try handshake.receive(Array(frame.readableBytesView))
                    for case let .established(established) in actions {
                        timeout.cancel()
                        session = established
                        let dialer = role == .initiator ? localKey : established.remoteKey
                        registration = await register(
                            remote: established.remoteKey, dialer: dialer, channel: channel.channel)
                        guard let registration else {
                            logger.debug(
                                "dropping duplicate connection", metadata: ["peer": "\(established.remoteKey.short)"])
                            return
                        }
                        registered = (established.remoteKey, registration.id)
                    }
                    try await write(actions, to: outbound, allocator: channel.channel.allocator)
                }
                guard let session, let registration else { return }
                try await runSession(
                    session, registration: registration, channel: channel.channel, iterator: &iterator,
                    outbound: outbound)
            }
        } catch {
            logClose(error, logger: logger)
        }
        if let registered {
            await unregister(remote: registered.key, id: registered.id)
            return true
        }
        return false
    }

    /// The established phase: the writer drains the peer's queue, sealing each message; the reader
    /// opens each frame and delivers it. A frame that fails authentication ends both.
    private nonisolated func runSession(
        _ session: SecureSession,
        registration: SessionRegistration,
        channel: any Channel,
        iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        let peer = session.remoteKey
        let sealer = session.sealer
        var opener = session.opener
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var sealer = sealer
                do {
                    for await message in registration.queue {
                        registration.depth.decrement()
                        let sealedCount = message.count + FrameSealer.overheadByteCount
                        var buffer = channel.allocator.buffer(capacity: FrameDecoder.headerByteCount + sealedCount)
                        buffer.writeInteger(UInt32(sealedCount))
                        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: sealedCount) { output in
                            try message.withUnsafeBytes { input in
                                try sealer.seal(
                                    input, into: UnsafeMutableRawBufferPointer(rebasing: output[..<sealedCount]))
                            }
                            return sealedCount
                        }
                        try await outbound.write(buffer)
                    }
                } catch {
                    channel.close(promise: nil)
                    throw error
                }
            }
            while let frame = try await iterator.next() {
                let plaintext = try frame.withUnsafeReadableBytes { raw in try opener.open(raw) }
                if case .dropped = messageSink.yield(InboundMessage(peer: peer, bytes: plaintext)) {
                    let dropped = counters.droppedInbound.add(1, ordering: .relaxed).newValue
                    if dropped & (dropped - 1) == 0 {
                        logger.warning("inbound buffer full; dropping messages", metadata: ["dropped": "\(dropped)"])
                    }
                }
            }
            group.cancelAll()
        }
    }

    private nonisolated func write(
        _ actions: [Handshake.Action], to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        allocator: ByteBufferAllocator
    ) async throws {
        for case let .send(payload) in actions {
            var buffer = allocator.buffer(capacity: FrameDecoder.headerByteCount + payload.count)
            FrameDecoder.encode(payload, into: &buffer)
            try await outbound.write(buffer)
        }
    }

    /// Protocol violations are warnings (someone misbehaves); ordinary closes are debug noise.
    private nonisolated func logClose(_ error: any Error, logger: Logger) {
        guard let error = error as? TransportError else {
            logger.debug("connection closed", metadata: ["error": "\(error)"])
            return
        }
        switch error.code {
        case .connectionClosed, .notConnected:
            logger.debug("connection closed", metadata: ["error": "\(error)"])
        default:
            counters.rejectedConnections.add(1, ordering: .relaxed)
            logger.warning("connection closed: \(error.code.rawValue)", metadata: ["error": "\(error.message)"])
        }
    }
}

/// Set by the handshake timer so that the close it causes is reported as a timeout.
private final class HandshakeTimeoutFlag: Sendable {
    let fired = Atomic<Bool>(false)
}
