import Foundation
import HTTPTypes
import HMNNodeHTTP
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The tests' HTTP client: every request goes over real loopback TCP to the real server on an
/// ephemeral port. (HummingbirdTesting would add AsyncHTTPClient, swift-nio-ssl and BoringSSL to
/// every clean build — minutes on a 2-core CI machine — for the same coverage.)
protocol TestClientProtocol: Sendable {
    var port: Int? { get }
    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws
        -> TestResponse
}

extension TestClientProtocol {
    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil)
        async throws -> TestResponse
    {
        try await execute(uri: uri, method: method, headers: headers, body: body)
    }
}

/// An answer: status, headers and the whole body.
struct TestResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer
}

/// Kept for call sites written against HummingbirdTesting; both run the live server.
enum TestingSetup: Sendable {
    case router
    case live
}

struct LoopbackClient: TestClientProtocol {
    let port: Int?
    let session: URLSession

    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws
        -> TestResponse
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port!)\(uri)")!)
        request.httpMethod = method.rawValue
        for field in headers { request.addValue(field.value, forHTTPHeaderField: field.name.rawName) }
        if let body { request.httpBody = Data(body.readableBytesView) }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields = HTTPFields()
        for (key, value) in http.allHeaderFields {
            if let name = HTTPField.Name("\(key)") { fields[name] = "\(value)" }
        }
        return TestResponse(
            status: HTTPResponse.Status(code: http.statusCode), headers: fields, body: ByteBuffer(bytes: data))
    }
}

/// Runs `router` on 127.0.0.1 at an ephemeral port for the duration of `test`.
func withLiveServer<Value: Sendable>(
    router: Router<BasicRequestContext>, logger: Logger, _ test: @Sendable (any TestClientProtocol) async throws -> Value
) async throws -> Value {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        },
        logger: logger)
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        defer { tasks.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw URLError(.cannotConnectToHost) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        let client = LoopbackClient(port: port, session: URLSession(configuration: configuration))
        do {
            let value = try await test(client)
            await group.triggerGracefulShutdown()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
    }
}
