import Foundation
import HMNPrimitives

/// Conversions between wire strings (lowercase hex, base64) and domain types, each failure an
/// ``APIError`` naming the field, so a bad key in a request says which key.
enum WireFormat {
    static func hash(_ text: String, field: String) throws(APIError) -> Hash256 {
        guard let bytes = Hex.decode(text), bytes.count == Hash256.byteCount else {
            throw APIError(.invalidValue, "\(field) must be \(Hash256.byteCount * 2) hex digits", field: field)
        }
        do {
            return try Hash256(bytes: bytes)
        } catch {
            throw APIError(.invalidValue, "\(field): \(error)", field: field)
        }
    }

    static func publicKey(_ text: String, field: String) throws(APIError) -> PublicKey {
        guard let bytes = Hex.decode(text), bytes.count == PublicKey.byteCount else {
            throw APIError(.invalidValue, "\(field) must be \(PublicKey.byteCount * 2) hex digits", field: field)
        }
        do {
            return try PublicKey(bytes: bytes)
        } catch {
            throw APIError(.invalidValue, "\(field) is not a valid Ed25519 public key", field: field)
        }
    }

    static func signature(_ text: String, field: String) throws(APIError) -> Signature {
        guard let bytes = Hex.decode(text), bytes.count == Signature.byteCount else {
            throw APIError(.invalidValue, "\(field) must be \(Signature.byteCount * 2) hex digits", field: field)
        }
        do {
            return try Signature(bytes: bytes)
        } catch {
            throw APIError(.invalidValue, "\(field): \(error)", field: field)
        }
    }

    static func bytes(hex text: String, field: String) throws(APIError) -> [UInt8] {
        guard let bytes = Hex.decode(text) else {
            throw APIError(.invalidValue, "\(field) is not hex (even length, 0-9 a-f)", field: field)
        }
        return bytes
    }

    static func bytes(base64 text: String, field: String) throws(APIError) -> [UInt8] {
        guard let data = Data(base64Encoded: text) else {
            throw APIError(.invalidValue, "\(field) is not valid base64", field: field)
        }
        return [UInt8](data)
    }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// A query vector or record vector: non-empty, at most `maxDimension` components, all finite.
    /// The node checks the dimension against its store.
    static func vector(_ vector: [Float], field: String, maxDimension: Int) throws(APIError) -> [Float] {
        guard !vector.isEmpty else { throw APIError(.invalidVector, "\(field) is empty", field: field) }
        guard vector.count <= maxDimension else {
            throw APIError(
                .invalidVector, "\(field) has \(vector.count) components, at most \(maxDimension) allowed",
                field: field)
        }
        if let index = vector.firstIndex(where: { !$0.isFinite }) {
            throw APIError(.invalidVector, "\(field)[\(index)] is \(vector[index]), not a finite number", field: field)
        }
        return vector
    }
}

extension KeyedDecodingContainer {
    /// A float32 vector read through `Double`, so a component beyond float32's range becomes ±∞,
    /// which ``WireFormat/vector(_:field:maxDimension:)`` then refuses naming the component,
    /// instead of Foundation failing the whole body as "not valid JSON".
    func decodeVector(forKey key: Key) throws -> [Float] {
        try decode([Double].self, forKey: key).map { Float($0) }
    }
}
