import Foundation
import HMNNodeHTTP
import HMNPrimitives
import Testing

@Suite("Commit signatures in the block JSON")
struct CommitSignatureJSONTests {
    @Test("a precommit's shard digests appear as (shard, hex digest), sorted by shard, beside their count")
    func digests() throws {
        let key = try SigningKey(seed: [UInt8](repeating: 3, count: 32))
        let digests = [ShardDigest(shard: 2, digest: .of([2])), ShardDigest(shard: 0, digest: .of([0]))]
        let signature = CommitSignature(
            validator: key.publicKey, voteExtension: VoteExtension(lambdaProposal: .one, shardDigests: digests),
            signature: key.sign([1, 2, 3]))
        let json = CommitSignatureJSON(signature)
        #expect(json.shardDigests == 2)
        #expect(json.digests.map(\.shard) == [0, 2])
        #expect(json.digests.map(\.digest) == [Hash256.of([0]).hex, Hash256.of([2]).hex])
        let decoded = try JSONDecoder().decode(CommitSignatureJSON.self, from: JSONEncoder().encode(json))
        #expect(decoded == json)
    }
}
