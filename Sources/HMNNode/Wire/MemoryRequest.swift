import HMNMesh
import HMNPrimitives

/// A question one node asks another about the memory it hosts (`NodeMessage.memoryRequest`): a
/// search in some of its shards, or a record by id. Answered by a ``MemoryResponse`` with the same
/// `requestID`; the asker matches answers to questions by it and by the peer.
public struct MemoryRequest: Hashable, Sendable, CanonicalCodable {
    public var requestID: UInt64
    public var body: Body

    public enum Body: Hashable, Sendable {
        /// The `k` nearest records among those of `shards` the answerer holds, filtered.
        case search(shards: [ShardID], vector: [Float], k: UInt32, author: PublicKey?, minimumRPHV: FixedPoint?)
        /// Record `id` exactly as written, if the answerer holds it.
        case record(id: Hash256)
    }

    /// Decoding limits, checked before allocation.
    public static let maxShards = ShardMap.maxShards
    public static let maxK: UInt32 = 1_024

    public init(requestID: UInt64, body: Body) {
        self.requestID = requestID
        self.body = body
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        requestID = try decoder.decode()
        let start = decoder.offset
        switch try decoder.decode(UInt8.self) {
        case 0:
            let countOffset = decoder.offset
            let count = Int(try decoder.decode(UInt32.self))
            guard count <= Self.maxShards else {
                throw CodecError(
                    .invalidValue, offset: countOffset, "\(count) shards in one search; at most \(Self.maxShards)")
            }
            var shards: [ShardID] = []
            shards.reserveCapacity(count)
            for _ in 0..<count { shards.append(try decoder.decode()) }
            let vector = try decoder.decodeFloats(maxCount: MemoryRecord.maxDimension)
            let kOffset = decoder.offset
            let k: UInt32 = try decoder.decode()
            guard k >= 1, k <= Self.maxK else {
                throw CodecError(.invalidValue, offset: kOffset, "k = \(k); 1...\(Self.maxK) allowed")
            }
            body = .search(
                shards: shards, vector: vector, k: k, author: try decoder.decodeOptional(),
                minimumRPHV: try decoder.decodeOptional())
        case 1:
            body = .record(id: try decoder.decode())
        case let tag:
            throw CodecError(.unknownTag, offset: start, "unknown memory request kind \(tag)")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(requestID)
        switch body {
        case .search(let shards, let vector, let k, let author, let minimumRPHV):
            encoder.encode(UInt8(0))
            encoder.encode(UInt32(shards.count))
            for shard in shards { encoder.encode(shard) }
            encoder.encode(vector)
            encoder.encode(k)
            encoder.encode(author)
            encoder.encode(minimumRPHV)
        case .record(let id):
            encoder.encode(UInt8(1))
            encoder.encode(id)
        }
    }
}

/// The answer to a ``MemoryRequest``. Records travel exactly as written, with their authors'
/// signatures: the asker checks each one, so a replica cannot slip in a forged record.
public struct MemoryResponse: Hashable, Sendable, CanonicalCodable {
    public var requestID: UInt64
    public var body: Body

    public enum Body: Hashable, Sendable {
        /// Search hits, closest first: `distances[i]` belongs to `records[i]`.
        case hits(records: [MemoryRecord], distances: [Float])
        case record(MemoryRecord?)
        /// The answerer could not serve the request (its store failed, or the request was bad).
        case failed(String)
    }

    public static let maxHits = Int(MemoryRequest.maxK)
    public static let maxReasonBytes = 1_024

    public init(requestID: UInt64, body: Body) {
        self.requestID = requestID
        self.body = body
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        requestID = try decoder.decode()
        let start = decoder.offset
        switch try decoder.decode(UInt8.self) {
        case 0:
            let records: [MemoryRecord] = try decoder.decodeArray(maxCount: Self.maxHits)
            let distancesOffset = decoder.offset
            let distances = try decoder.decodeFloats(maxCount: Self.maxHits)
            guard distances.count == records.count else {
                throw CodecError(
                    .invalidValue, offset: distancesOffset,
                    "\(distances.count) distances for \(records.count) records")
            }
            body = .hits(records: records, distances: distances)
        case 1:
            body = .record(try decoder.decodeOptional())
        case 2:
            body = .failed(try decoder.decode(String.self, maxLength: Self.maxReasonBytes))
        case let tag:
            throw CodecError(.unknownTag, offset: start, "unknown memory response kind \(tag)")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(requestID)
        switch body {
        case .hits(let records, let distances):
            encoder.encode(UInt8(0))
            encoder.encode(records)
            encoder.encode(distances)
        case .record(let record):
            encoder.encode(UInt8(1))
            encoder.encode(record)
        case .failed(let reason):
            encoder.encode(UInt8(2))
            // 256 scalars are at most 1,024 UTF-8 bytes, so the answer always decodes.
            encoder.encode(String(String.UnicodeScalarView(reason.unicodeScalars.prefix(Self.maxReasonBytes / 4))))
        }
    }
}
