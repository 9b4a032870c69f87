internal import CSodium

/// libsodium must be initialised once before use; a global `let` is lazily and atomically
/// initialised by Swift. (HMNPrimitives keeps its own initialiser internal, hence this twin.)
private let sodiumInitialised: Bool = sodium_init() >= 0

enum TransportSodium {
    @inline(__always)
    static func ensureInitialised() {
        precondition(sodiumInitialised, "libsodium failed to initialise")
    }

    /// Cryptographically secure random bytes (ephemeral keys; never a seeded generator).
    static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialised()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return out
    }
}
