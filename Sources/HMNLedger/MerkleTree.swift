import HMNPrimitives

/// Binary Merkle trees as in RFC 6962 / RFC 9162 (Certificate Transparency): leaves are hashed
/// as `H(0x00 ‖ data)`, inner nodes as `H(0x01 ‖ left ‖ right)`, and a tree of `n > 1` leaves
/// splits at the largest power of two below `n`. The domain bytes keep a leaf from posing as a
/// node; the split rule avoids Bitcoin's duplicated-last-leaf ambiguity (CVE-2012-2459).
public enum MerkleTree {
    /// Root of the empty tree: `H()` of no bytes.
    public static let emptyRoot = Hash256.of([])

    /// `H(0x00 ‖ data)`.
    public static func leafHash(_ data: [UInt8]) -> Hash256 {
        var bytes = [UInt8]()
        bytes.reserveCapacity(data.count + 1)
        bytes.append(0)
        bytes.append(contentsOf: data)
        return Hash256.of(bytes)
    }

    /// `H(0x01 ‖ left ‖ right)`.
    public static func nodeHash(_ left: Hash256, _ right: Hash256) -> Hash256 {
        var bytes = [UInt8]()
        bytes.reserveCapacity(65)
        bytes.append(1)
        bytes.append(contentsOf: left.bytes)
        bytes.append(contentsOf: right.bytes)
        return Hash256.of(bytes)
    }

    /// The root over leaf hashes, in order.
    public static func root(leafHashes: [Hash256]) -> Hash256 {
        leafHashes.isEmpty ? emptyRoot : subtreeRoot(leafHashes[...])
    }

    /// The inclusion proof of leaf `index` (which must be in range).
    public static func proof(index: Int, leafHashes: [Hash256]) -> MerkleProof {
        precondition(index >= 0 && index < leafHashes.count, "Merkle leaf index out of range")
        var path: [Hash256] = []
        collectPath(index, leafHashes[...], into: &path)
        return MerkleProof(index: UInt64(index), leafCount: UInt64(leafHashes.count), path: path)
    }

    static func split(_ count: Int) -> Int {
        var k = 1
        while k << 1 < count { k <<= 1 }
        return k
    }

    private static func subtreeRoot(_ leaves: ArraySlice<Hash256>) -> Hash256 {
        if leaves.count == 1 { return leaves[leaves.startIndex] }
        let k = split(leaves.count)
        let middle = leaves.startIndex + k
        return nodeHash(subtreeRoot(leaves[..<middle]), subtreeRoot(leaves[middle...]))
    }

    private static func collectPath(_ index: Int, _ leaves: ArraySlice<Hash256>, into path: inout [Hash256]) {
        guard leaves.count > 1 else { return }
        let k = split(leaves.count)
        let middle = leaves.startIndex + k
        if index < k {
            collectPath(index, leaves[..<middle], into: &path)
            path.append(subtreeRoot(leaves[middle...]))
        } else {
            collectPath(index - k, leaves[middle...], into: &path)
            path.append(subtreeRoot(leaves[..<middle]))
        }
    }
}

/// An inclusion proof: verifies that some bytes are leaf `index` of a tree of `leafCount` leaves
/// with a given root, with no access to the ledger (a pure function of the proof).
public struct MerkleProof: Hashable, Sendable, CanonicalCodable {
    /// Longest accepted path (trees of up to 2⁶⁴ leaves).
    public static let maxPathLength = 64

    /// Position of the leaf, from 0.
    public var index: UInt64
    /// Number of leaves in the tree.
    public var leafCount: UInt64
    /// Sibling hashes from the leaf up to the root.
    public var path: [Hash256]

    /// Creates a proof.
    public init(index: UInt64, leafCount: UInt64, path: [Hash256]) {
        self.index = index
        self.leafCount = leafCount
        self.path = path
    }

    /// The root this proof implies for `leafHash`, or nil if the proof is malformed (RFC 9162 §2.1.3.2).
    public func root(forLeafHash leafHash: Hash256) -> Hash256? {
        guard index < leafCount else { return nil }
        var fn = index
        var sn = leafCount - 1
        var result = leafHash
        for sibling in path {
            guard sn != 0 else { return nil }
            if fn & 1 == 1 || fn == sn {
                result = MerkleTree.nodeHash(sibling, result)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                result = MerkleTree.nodeHash(result, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 ? result : nil
    }

    /// True when `leaf` (the raw leaf bytes, e.g. a signed transaction's canonical bytes) is
    /// leaf ``index`` of the tree with `root`.
    public func verify(leaf: [UInt8], root: Hash256) -> Bool {
        self.root(forLeafHash: MerkleTree.leafHash(leaf)) == root
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        index = try decoder.decode()
        leafCount = try decoder.decode()
        path = try decoder.decodeArray(maxCount: Self.maxPathLength)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(index)
        encoder.encode(leafCount)
        encoder.encode(path)
    }
}
