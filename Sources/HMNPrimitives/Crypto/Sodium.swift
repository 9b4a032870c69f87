internal import CSodium

/// libsodium must be initialised once before use; a global `let` is lazily and atomically
/// initialised by Swift, which gives exactly that.
private let sodiumInitialised: Bool = sodium_init() >= 0

enum Sodium {
    /// Ensures libsodium is initialised; traps only if the library itself cannot start, which
    /// leaves no safe way to sign or verify anything.
    @inline(__always)
    static func ensureInitialised() {
        precondition(sodiumInitialised, "libsodium failed to initialise")
    }

    /// Fills a buffer with cryptographically secure random bytes.
    static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialised()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return out
    }
}
