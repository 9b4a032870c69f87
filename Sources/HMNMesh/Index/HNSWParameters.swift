/// Tuning knobs of an ``HNSWIndex`` (Malkov & Yashunin, "Efficient and robust approximate nearest
/// neighbor search using Hierarchical Navigable Small World graphs", TPAMI 2018).
///
/// - `m`: links per node on the upper layers; layer 0 keeps up to `2m`. More links raise recall and
///   memory (`(2m + 1) × 4` bytes per node on layer 0) and slow inserts. 12–48 is the useful range.
/// - `efConstruction`: beam width while inserting. Higher builds a better graph, more slowly.
/// - `efSearch`: default beam width while searching (≥ k). The main recall/speed dial at query time.
/// - `seed`: the level generator's seed, so a build replays exactly.
public struct HNSWParameters: Hashable, Sendable {
    public var m: Int
    public var efConstruction: Int
    public var efSearch: Int
    public var seed: UInt64

    public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64, seed: UInt64 = 0x484D_4E48_4E53_57) {
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.seed = seed
    }

    /// Rejects values outside what the graph layout supports.
    public func validate() throws(MemoryStoreError) {
        guard (2...128).contains(m) else { throw MemoryStoreError(.invalidParameter, "M must be in 2...128, got \(m)") }
        guard (1...100_000).contains(efConstruction) else {
            throw MemoryStoreError(.invalidParameter, "efConstruction must be in 1...100000, got \(efConstruction)")
        }
        guard (1...100_000).contains(efSearch) else {
            throw MemoryStoreError(.invalidParameter, "efSearch must be in 1...100000, got \(efSearch)")
        }
    }
}
