import Foundation
import HMNPrimitives

/// Seeded synthetic vectors that behave like real embeddings: points on a random `intrinsic`-
/// dimensional subspace of R^`dimension`, plus small isotropic noise.
///
/// Uniform random high-dimensional data is pathological for every ANN index (all distances
/// concentrate), so recall on it proves nothing; low-rank data has the neighbourhood structure
/// that real embeddings have. Used by the tests and by `hmn-bench vectors`.
public struct LowRankVectors: Sendable {
    public let dimension: Int
    public let intrinsicDimension: Int
    public let noise: Float
    /// `intrinsic × dimension`, row-major.
    private let basis: [Float]
    private var generator: SeededGenerator

    public init(dimension: Int = 128, intrinsicDimension: Int = 16, noise: Float = 0.05, seed: UInt64) {
        self.dimension = dimension
        self.intrinsicDimension = intrinsicDimension
        self.noise = noise
        var generator = SeededGenerator(seed: seed)
        let scale = 1 / Float(intrinsicDimension).squareRoot()
        basis = (0..<(intrinsicDimension * dimension)).map { _ in Self.gaussian(&generator) * scale }
        self.generator = generator
    }

    /// The next vector.
    public mutating func next() -> [Float] {
        var latent = [Float](repeating: 0, count: intrinsicDimension)
        for index in 0..<intrinsicDimension { latent[index] = Self.gaussian(&generator) }
        var vector = [Float](repeating: 0, count: dimension)
        for row in 0..<intrinsicDimension {
            let weight = latent[row]
            let offset = row * dimension
            for column in 0..<dimension { vector[column] += weight * basis[offset + column] }
        }
        for column in 0..<dimension { vector[column] += noise * Self.gaussian(&generator) }
        return vector
    }

    /// `count` vectors.
    public mutating func next(_ count: Int) -> [[Float]] { (0..<count).map { _ in next() } }

    /// A standard normal sample (Box–Muller).
    public static func gaussian(_ generator: inout SeededGenerator) -> Float {
        let u1 = max(Double(generator.next() >> 11) * 0x1.0p-53, 1e-300)
        let u2 = Double(generator.next() >> 11) * 0x1.0p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
