import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Blocking JSON-over-HTTP calls to Milvus's REST v1 API.
///
/// Blocking on purpose: the stores' protocol (`MemoryStore`, like ``HMNMesh/VectorStore``) is
/// synchronous, and the embedded store blocks its caller on SQLite's fsync the same way. The
/// reply arrives on URLSession's own delegate queue, never on the Swift concurrency pool, so a
/// caller waiting on a pool thread cannot starve the reply it waits for.
final class MilvusHTTPClient: Sendable {
    let baseURL: String
    let token: String?
    let timeoutSeconds: Double
    private let session: URLSession

    init(connection: MilvusConnection) {
        var base = connection.url
        while base.hasSuffix("/") { base.removeLast() }
        baseURL = base
        token = connection.token
        timeoutSeconds = connection.requestTimeoutSeconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = connection.requestTimeoutSeconds
        configuration.timeoutIntervalForResource = connection.requestTimeoutSeconds * 2
        session = URLSession(configuration: configuration)
    }

    func invalidate() { session.finishTasksAndInvalidate() }

    /// POSTs `body` to `path` and decodes the `data` of Milvus's `{"code": 200, "data": …}` reply.
    func post<Body: Encodable, Reply: Decodable>(_ path: String, _ body: Body, as reply: Reply.Type)
        throws(MilvusError) -> Reply
    {
        let encoded: Data
        do {
            encoded = try JSONEncoder().encode(body)
        } catch {
            throw MilvusError(
                .invalidConfiguration, "cannot encode the request: \(error)", context: .init(endpoint: path))
        }
        return try decode(try send(path, method: "POST", body: encoded), path: path, as: reply)
    }

    /// GETs `path` (with its query string) and decodes the reply's `data`.
    func get<Reply: Decodable>(_ path: String, as reply: Reply.Type) throws(MilvusError) -> Reply {
        try decode(try send(path, method: "GET", body: nil), path: path, as: reply)
    }

    private func decode<Reply: Decodable>(_ exchange: (data: Data, status: Int), path: String, as: Reply.Type)
        throws(MilvusError) -> Reply
    {
        let envelope: MilvusEnvelope<Reply>
        do {
            envelope = try JSONDecoder().decode(MilvusEnvelope<Reply>.self, from: exchange.data)
        } catch {
            let text = String(decoding: exchange.data.prefix(200), as: UTF8.self)
            throw MilvusError(
                .badResponse, "reply is not Milvus REST v1 JSON: \(text)",
                context: .init(endpoint: path, httpStatus: exchange.status), cause: "\(error)")
        }
        guard envelope.code == 200 || envelope.code == 0 else {
            throw MilvusError(
                .server, envelope.message ?? "Milvus refused the request",
                context: .init(endpoint: path, milvusCode: envelope.code, httpStatus: exchange.status))
        }
        guard let data = envelope.data else {
            throw MilvusError(
                .badResponse, "reply has no data", context: .init(endpoint: path, httpStatus: exchange.status))
        }
        return data
    }

    /// One HTTP exchange; transport failures become ``MilvusError/Code/unavailable`` or
    /// ``MilvusError/Code/timeout``.
    private func send(_ path: String, method: String, body: Data?) throws(MilvusError) -> (data: Data, status: Int) {
        guard let url = URL(string: baseURL + path) else {
            throw MilvusError(.invalidConfiguration, "not a URL: \(baseURL + path)", context: .init(endpoint: path))
        }
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }

        let outcome = Outcome()
        let task = session.dataTask(with: request) { data, response, error in
            let status = (response as? HTTPURLResponse)?.statusCode
            let failure = error.map { error in
                TransportFailure(urlErrorCode: (error as? URLError)?.code.rawValue, text: "\(error)")
            }
            outcome.finish(data: data, status: status, failure: failure)
        }
        task.resume()
        // The session's request timeout bounds the wait; the margin covers a task that never calls back.
        guard outcome.done.wait(timeout: .now() + timeoutSeconds * 2 + 1) == .success else {
            task.cancel()
            throw MilvusError(
                .timeout, "no reply from \(baseURL) within \(timeoutSeconds) s", context: .init(endpoint: path))
        }
        let (data, status, failure) = outcome.result.withLock { $0 }
        if let failure {
            let timedOut = failure.urlErrorCode == URLError.Code.timedOut.rawValue
            throw MilvusError(
                timedOut ? .timeout : .unavailable,
                timedOut
                    ? "no reply from Milvus at \(baseURL) within \(timeoutSeconds) s"
                    : "cannot reach Milvus at \(baseURL)",
                context: .init(endpoint: path), cause: failure.text)
        }
        guard let status, let data else {
            throw MilvusError(.badResponse, "empty reply from \(baseURL)", context: .init(endpoint: path))
        }
        guard (200..<300).contains(status) else {
            let text = String(decoding: data.prefix(200), as: UTF8.self)
            throw MilvusError(
                status == 503 || status == 502 ? .unavailable : .server, "HTTP \(status) from \(baseURL): \(text)",
                context: .init(endpoint: path, httpStatus: status))
        }
        return (data, status)
    }

    private struct TransportFailure: Sendable {
        var urlErrorCode: Int?
        var text: String
    }

    /// The completion handler's result, handed from URLSession's queue to the waiting caller.
    private final class Outcome: Sendable {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<(Data?, Int?, TransportFailure?)>((nil, nil, nil))

        func finish(data: Data?, status: Int?, failure: TransportFailure?) {
            result.withLock { $0 = (data, status, failure) }
            done.signal()
        }
    }
}

/// Milvus REST v1's reply shape: `{"code": 200, "data": …}` or `{"code": N, "message": "…"}`.
struct MilvusEnvelope<Payload: Decodable>: Decodable {
    var code: Int
    var message: String?
    var data: Payload?
}
