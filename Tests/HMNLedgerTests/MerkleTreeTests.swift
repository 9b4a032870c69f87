import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("Merkle trees and inclusion proofs")
struct MerkleTreeTests {
    static func leaves(_ count: Int) -> [[UInt8]] { (0..<count).map { [UInt8(truncatingIfNeeded: $0), 0xAB] } }

    @Test("every leaf of trees of 1…40 leaves proves against the root, and only there", arguments: Array(1...40))
    func proofs(count: Int) {
        let data = Self.leaves(count)
        let hashes = data.map(MerkleTree.leafHash)
        let root = MerkleTree.root(leafHashes: hashes)
        for index in 0..<count {
            let proof = MerkleTree.proof(index: index, leafHashes: hashes)
            #expect(proof.verify(leaf: data[index], root: root))
            #expect(!proof.verify(leaf: [0xFF], root: root))
            if count > 1 {
                var wrongIndex = proof
                wrongIndex.index = UInt64((index + 1) % count)
                #expect(!wrongIndex.verify(leaf: data[index], root: root))
                var tampered = proof
                tampered.path[0] = Hash256.of([9])
                #expect(!tampered.verify(leaf: data[index], root: root))
            }
        }
    }

    @Test("roots follow RFC 6962's split, and leaves cannot pose as nodes")
    func structure() {
        let hashes = Self.leaves(3).map(MerkleTree.leafHash)
        let expected = MerkleTree.nodeHash(MerkleTree.nodeHash(hashes[0], hashes[1]), hashes[2])
        #expect(MerkleTree.root(leafHashes: hashes) == expected)
        #expect(MerkleTree.root(leafHashes: []) == MerkleTree.emptyRoot)
        // A two-leaf tree's root is not the leaf hash of its children's concatenation.
        let node = MerkleTree.nodeHash(hashes[0], hashes[1])
        #expect(MerkleTree.leafHash(hashes[0].bytes + hashes[1].bytes) != node)
    }

    @Test("a proof survives its canonical encoding")
    func proofCodec() throws {
        let hashes = Self.leaves(13).map(MerkleTree.leafHash)
        let proof = MerkleTree.proof(index: 11, leafHashes: hashes)
        #expect(try MerkleProof(canonicalBytes: proof.canonicalBytes) == proof)
    }
}
