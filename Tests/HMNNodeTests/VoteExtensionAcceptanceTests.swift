import HMNCoherence
import HMNNode
import HMNPrimitives
import Testing

@Suite("Vote extensions a validator accepts")
struct VoteExtensionAcceptanceTests {
    let engine = CoherenceLayer2Engine(parameters: .standard)
    let validator = SigningKey.derived(from: "extension-validator").publicKey

    @Test("digests are accepted as reported when canonical and bounded, whatever shards they name")
    func digestsAccepted() {
        let digests = [ShardDigest(shard: 0, digest: .of([0])), ShardDigest(shard: 9, digest: .of([9]))]
        #expect(
            engine.isAcceptable(
                VoteExtension(lambdaProposal: .one, shardDigests: digests), from: validator, atHeight: 5))
        #expect(engine.isAcceptable(VoteExtension(lambdaProposal: .one), from: validator, atHeight: 5))
        let full = (0..<UInt32(VoteExtension.maxShardDigests)).map { ShardDigest(shard: $0, digest: .of([1])) }
        #expect(
            engine.isAcceptable(VoteExtension(lambdaProposal: .one, shardDigests: full), from: validator, atHeight: 5))
    }

    @Test("a repeated shard, unsorted digests or more than the bound are refused")
    func badDigestsRefused() {
        var repeated = VoteExtension(lambdaProposal: .one)
        repeated.shardDigests = [ShardDigest(shard: 1, digest: .of([1])), ShardDigest(shard: 1, digest: .of([2]))]
        var unsorted = VoteExtension(lambdaProposal: .one)
        unsorted.shardDigests = [ShardDigest(shard: 2, digest: .of([1])), ShardDigest(shard: 1, digest: .of([2]))]
        var oversize = VoteExtension(lambdaProposal: .one)
        oversize.shardDigests = (0...UInt32(VoteExtension.maxShardDigests)).map {
            ShardDigest(shard: $0, digest: .of([1]))
        }
        for bad in [repeated, unsorted, oversize] {
            #expect(!engine.isAcceptable(bad, from: validator, atHeight: 5))
        }
    }
}
