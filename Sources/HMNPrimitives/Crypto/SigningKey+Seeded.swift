extension SigningKey {
    /// A key whose seed is the next 32 bytes of `generator`: deterministic keys for tests, testnets
    /// and simulated load. Any 32 bytes are a valid Ed25519 seed, so this cannot fail.
    public init(using generator: inout SeededGenerator) {
        let seed = (0..<Self.seedByteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try! self.init(seed: seed)
    }
}
