import HMNPrimitives

/// Seeded k-means (k-means++ seeding, Arthur and Vassilvitskii 2007, then Lloyd iterations): trains
/// shard centroids on a sample, and splits a shard in two when it grows too large.
///
/// Training is not consensus-critical: one node trains, and the centroids it found travel in a
/// ``ShardMapProposal``, so every node applies the same values.
public enum KMeans {
    /// `k` centroids for `sample` (all vectors of one dimension). Fewer distinct points than `k` give
    /// duplicate centroids; callers pass a sample much larger than `k`.
    public static func train(
        sample: [[Float]], k: Int, iterations: Int = 20, generator: inout SeededGenerator
    ) -> [[Float]] {
        precondition(!sample.isEmpty && k > 0, "k-means needs a sample and k > 0")
        var centroids = seed(sample: sample, k: k, generator: &generator)
        let dimension = sample[0].count
        var assignment = [Int](repeating: -1, count: sample.count)
        for _ in 0..<iterations {
            var changed = false
            for (index, vector) in sample.enumerated() {
                let nearest = nearestIndex(vector, centroids)
                if nearest != assignment[index] {
                    assignment[index] = nearest
                    changed = true
                }
            }
            if !changed { break }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: k)
            var counts = [Int](repeating: 0, count: k)
            for (index, vector) in sample.enumerated() {
                counts[assignment[index]] += 1
                for component in 0..<dimension { sums[assignment[index]][component] += Double(vector[component]) }
            }
            for cluster in 0..<k where counts[cluster] > 0 {
                centroids[cluster] = sums[cluster].map { Float($0 / Double(counts[cluster])) }
            }
        }
        return centroids
    }

    static func nearestIndex(_ vector: [Float], _ centroids: [[Float]]) -> Int {
        var best = 0
        var bestDistance = Float.infinity
        for (index, centroid) in centroids.enumerated() {
            let distance = ShardMap.squaredDistance(vector, centroid)
            if distance < bestDistance {
                bestDistance = distance
                best = index
            }
        }
        return best
    }

    private static func seed(sample: [[Float]], k: Int, generator: inout SeededGenerator) -> [[Float]] {
        var centroids = [sample[Int(generator.next() % UInt64(sample.count))]]
        var distances = sample.map { ShardMap.squaredDistance($0, centroids[0]) }
        while centroids.count < k {
            let total = distances.reduce(0.0) { $0 + Double($1) }
            var chosen = Int(generator.next() % UInt64(sample.count))
            if total > 0 {
                var target = Double(generator.next() >> 11) * 0x1.0p-53 * total
                for (index, distance) in distances.enumerated() {
                    target -= Double(distance)
                    if target <= 0 {
                        chosen = index
                        break
                    }
                }
            }
            centroids.append(sample[chosen])
            for index in sample.indices {
                distances[index] = min(distances[index], ShardMap.squaredDistance(sample[index], sample[chosen]))
            }
        }
        return centroids
    }
}
