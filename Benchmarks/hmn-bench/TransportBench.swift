import ArgumentParser
import HMNPrimitives
import HMNTransport
import Logging
import NIOCore
import NIOPosix

/// `hmn-bench transport`: loopback throughput and round-trip latency of ``NetworkTransport``
/// (handshake + ChaCha20-Poly1305 per frame), against raw length-prefixed NIO framing measured in
/// the same run, so the ratio is the cost of the secure session.
///
/// Throughput: the sender queues `count` messages (retrying on `queueFull`), the receiver answers
/// one 1-byte ack after the last; time runs from the first send to the ack. Latency: one small
/// message in flight, echoed back.
struct TransportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transport",
        abstract: "Loopback throughput (1 KiB, 64 KiB) and round-trip latency, encrypted vs raw framing."
    )

    @Option(help: "Messages of 1 KiB per throughput run.") var smallCount = 200_000
    @Option(help: "Messages of 64 KiB per throughput run.") var largeCount = 8_000
    @Option(help: "Round trips of 64-byte messages for latency.") var roundTrips = 10_000
    @Option(help: "Repetitions; throughput is the median run, latency pools all samples.") var runs = 3

    func run() async throws {
        print("| workload | secure transport | raw NIO framing | secure ÷ raw |")
        print("|---|---|---|---|")
        for (size, count) in [(1024, smallCount), (64 << 10, largeCount)] {
            var secureRuns: [Double] = []
            var rawRuns: [Double] = []
            for _ in 0..<runs {
                secureRuns.append(try await Self.secureThroughput(size: size, count: count))
                rawRuns.append(try await RawFraming.throughput(size: size, count: count))
            }
            let secure = Self.median(secureRuns)
            let raw = Self.median(rawRuns)
            let label = "\(size >> 10) KiB × \(count)"
            let ratio = Self.format(raw / secure, digits: 2)
            let secureRate = Self.rate(secure, size: size, count: count)
            let rawRate = Self.rate(raw, size: size, count: count)
            print("| \(label) | \(secureRate) | \(rawRate) | \(ratio) of raw throughput |")
            let cipher = Self.median(
                try (0..<runs).map { _ in try SessionCipherBench.sealAndOpen(size: size, count: count) })
            let cipherRate = Self.rate(cipher, size: size, count: count)
            print("| \(label), seal + open in memory only | \(cipherRate) | | |")
        }
        var secureSamples: [Double] = []
        var rawSamples: [Double] = []
        for _ in 0..<runs {
            secureSamples += try await Self.secureRoundTrips(count: roundTrips)
            rawSamples += try await RawFraming.roundTrips(count: roundTrips)
        }
        let secure = Percentiles(secureSamples)
        let raw = Percentiles(rawSamples)
        let secureText = "\(Self.micros(secure.p50)) / \(Self.micros(secure.p99))"
        let rawText = "\(Self.micros(raw.p50)) / \(Self.micros(raw.p99))"
        let ratio = Self.format(secure.p50 / raw.p50, digits: 2)
        print("| round trip, 64 B, p50 / p99 | \(secureText) | \(rawText) | \(ratio)× raw p50 latency |")
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    // MARK: Secure transport

    static func makePair(maxMessageBytes: Int) async throws -> (NetworkTransport, NetworkTransport, [Task<Void, Never>])
    {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        func configuration(_ seed: UInt8) throws -> TransportConfiguration {
            TransportConfiguration(
                handshake: HandshakeConfiguration(
                    signingKey: try SigningKey(seed: [UInt8](repeating: seed, count: 32)), chainID: "bench"),
                maxMessageBytes: maxMessageBytes, jitterSeed: UInt64(seed))
        }
        let a = try await NetworkTransport.bind(port: 0, configuration: configuration(1), logger: logger)
        let b = try await NetworkTransport.bind(port: 0, configuration: configuration(2), logger: logger)
        let tasks = [Task { await a.run() }, Task { await b.run() }]
        await a.addPeer(PeerAddress(key: b.localKey, host: "127.0.0.1", port: b.localPort))
        while true {
            let forward = await a.connectedPeers().contains(b.localKey)
            let backward = await b.connectedPeers().contains(a.localKey)
            if forward && backward { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        return (a, b, tasks)
    }

    static func stop(_ tasks: [Task<Void, Never>]) async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// Queues `message`, waiting briefly whenever the bounded queue is full.
    static func sendWaiting(_ transport: NetworkTransport, _ message: [UInt8], to peer: PublicKey) async throws {
        while true {
            do {
                try await transport.send(message, to: peer)
                return
            } catch  where error.code == .queueFull {
                try await Task.sleep(for: .microseconds(50))
            }
        }
    }

    /// Seconds from the first send to the receiver's ack of the last message.
    static func secureThroughput(size: Int, count: Int) async throws -> Double {
        let (a, b, tasks) = try await makePair(maxMessageBytes: max(size, 1024))
        let receiver = Task {
            var received = 0
            for await message in b.messages {
                received += 1
                if received == count {
                    try await sendWaiting(b, [1], to: message.peer)
                    return
                }
            }
        }
        var inbox = a.messages.makeAsyncIterator()
        let message = [UInt8](repeating: 0xAB, count: size)
        let start = ContinuousClock.now
        for _ in 0..<count { try await sendWaiting(a, message, to: b.localKey) }
        _ = await inbox.next()
        let elapsed = ContinuousClock.now - start
        try await receiver.value
        await stop(tasks)
        return seconds(elapsed)
    }

    /// Round-trip times in seconds, after 200 warm-up round trips.
    static func secureRoundTrips(count: Int) async throws -> [Double] {
        let (a, b, tasks) = try await makePair(maxMessageBytes: 1024)
        let echo = Task {
            for await message in b.messages { try? await b.send(message.bytes, to: message.peer) }
        }
        var inbox = a.messages.makeAsyncIterator()
        let message = [UInt8](repeating: 7, count: 64)
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for index in 0..<count + 200 {
            let start = ContinuousClock.now
            try await a.send(message, to: b.localKey)
            _ = await inbox.next()
            if index >= 200 { samples.append(seconds(ContinuousClock.now - start)) }  // warm-up excluded
        }
        await stop(tasks)
        echo.cancel()
        return samples
    }

    // MARK: Formatting

    struct Percentiles {
        let p50: Double
        let p99: Double
        init(_ samples: [Double]) {
            let sorted = samples.sorted()
            p50 = Percentile.nearestRank(sorted: sorted, 0.5) ?? 0
            p99 = Percentile.nearestRank(sorted: sorted, 0.99) ?? 0
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func format(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return "\(rounded)"
    }

    static func rate(_ seconds: Double, size: Int, count: Int) -> String {
        let messages = Double(count) / seconds
        let megabytes = Double(count * size) / seconds / 1_048_576
        return "\(Int(messages.rounded())) msg/s, \(format(megabytes, digits: 1)) MiB/s"
    }

    static func micros(_ seconds: Double) -> String { "\(Int((seconds * 1e6).rounded())) µs" }
}
