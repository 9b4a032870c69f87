/// How ``VectorStore/compress(nowMilliseconds:policy:)`` decides (SPEC §9, adaptive compression).
///
/// - Two records are near-duplicates when their cosine similarity is at least `duplicateCosine`
///   (0.98); candidates are found through the graph (`probeNeighbours` nearest, beam `probeEfSearch`),
///   so the pass costs one search per record rather than a quadratic scan.
/// - Neither may be critical (RΦV ≥ the store's critical threshold): critical records carry proofs
///   committed to Layer 1 and are never altered.
/// - Records whose RΦV is below the compression threshold (0.2) lose their Float32 copy in memory
///   and are searched through int8 codes.
public struct CompressionPolicy: Hashable, Sendable {
    public var duplicateCosine: Float
    public var probeNeighbours: Int
    public var probeEfSearch: Int
    public var mergesDuplicates: Bool
    public var quantizesLowValue: Bool

    public init(
        duplicateCosine: Float = 0.98, probeNeighbours: Int = 8, probeEfSearch: Int = 64,
        mergesDuplicates: Bool = true, quantizesLowValue: Bool = true
    ) {
        self.duplicateCosine = duplicateCosine
        self.probeNeighbours = probeNeighbours
        self.probeEfSearch = probeEfSearch
        self.mergesDuplicates = mergesDuplicates
        self.quantizesLowValue = quantizesLowValue
    }
}

/// What one compression pass did and what it saved.
public struct CompressionReport: Hashable, Sendable {
    /// Records merged into a near-duplicate (their ids now resolve to the survivor).
    public var merged: Int
    /// Records whose Float32 copy was dropped for int8 codes.
    public var quantized: Int
    public var before: StorageFootprint
    public var after: StorageFootprint

    /// How many times smaller the vector data became.
    public var vectorDataRatio: Double {
        after.vectorDataBytes == 0 ? 0 : Double(before.vectorDataBytes) / Double(after.vectorDataBytes)
    }
}
