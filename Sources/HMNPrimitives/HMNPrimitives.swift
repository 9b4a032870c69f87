/// Primitives every HMN layer shares: the canonical binary encoding, BLAKE2b-256 hashes, Ed25519
/// keys and signatures (through libsodium), fixed-point numbers, and the contract between the
/// consensus engine and the application it drives (votes, commits, evidence, ``ConsensusApplication``).
public enum HMNPrimitives {
    /// Version of the canonical encoding and signing domain (`hmn/…/v1`).
    public static let protocolVersion: UInt16 = 1
}
