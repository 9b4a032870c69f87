import Foundation
import Hummingbird
import NIOCore

/// Reads and decodes request bodies under the size limit, and encodes JSON responses.
///
/// Decoding failures become ``APIError``s that name the field: a syntax error is `invalidJSON`,
/// a missing key `missingField`, a wrong type or null `wrongType`, an unrepresentable number
/// `invalidValue`.
enum JSONBody {
    /// Collects at most `limit` bytes: a declared `Content-Length` above it is refused before
    /// reading anything, and a chunked body is cut off as soon as it passes the limit.
    static func collect(_ request: Request, limit: Int) async throws(APIError) -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw tooLarge(limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit)
        } catch {
            throw APIError(.invalidJSON, "could not read the request body: \(error)")
        }
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.payloadTooLarge, "request body exceeds the limit of \(limit) bytes")
    }

    /// Decodes collected body bytes as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(APIError) -> T {
        guard !bytes.isEmpty else {
            throw APIError(.invalidJSON, "the request body is empty; a JSON object is required")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            // Foundation reports a number that does not fit its field (-1 or 1.5 for an unsigned)
            // as invalid JSON at the root; tell the two apart so the client is not misled.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
            {
                throw APIError(
                    .invalidValue,
                    "a number in the body is out of range for its field (negative, fractional or too large)")
            }
            throw apiError(error)
        } catch {
            throw APIError(.invalidJSON, "body is not valid JSON: \(error)")
        }
    }

    static func apiError(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { text, key in
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return APIError(.missingField, "required field '\(field)' is missing", field: field)
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return APIError(.wrongType, "the body must be a JSON object")
            }
            let field = path(context.codingPath)
            return APIError(
                .wrongType, "field '\(field)' has the wrong type (expected \(jsonType(type)))", field: field)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return APIError(.wrongType, "field '\(field)' is null (expected \(jsonType(type)))", field: field)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return APIError(.invalidJSON, "body is not valid JSON: \(context.debugDescription)")
            }
            let field = path(context.codingPath)
            return APIError(.invalidValue, "field '\(field)': \(context.debugDescription)", field: field)
        @unknown default:
            return APIError(.invalidJSON, "body does not decode: \(error)")
        }
    }

    private static func jsonType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Bool.Type: "boolean"
        case is Float.Type, is Double.Type: "number"
        case is Int.Type, is Int64.Type, is UInt64.Type, is UInt32.Type: "integer"
        case is [Any].Type: "array"
        default: "\(type)"
        }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A JSON response; encoding failure (a non-finite float) becomes a 500 error body.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        do {
            return bytesResponse(Array(try encoder().encode(value)), status: status)
        } catch {
            return errorResponse(APIError(.internalError, "response does not encode as JSON: \(error)"))
        }
    }

    static func errorResponse(_ error: APIError) -> Response {
        var response = bytesResponse(Array((try? encoder().encode(error.body)) ?? Data()), status: error.status)
        switch error.code {
        case .overloaded, .unavailable: response.headers[.retryAfter] = "1"
        default: break
        }
        return response
    }

    private static func bytesResponse(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
