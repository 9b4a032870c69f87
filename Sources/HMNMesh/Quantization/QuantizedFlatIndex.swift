/// Exact scan over int8 scalar-quantized vectors (4× less memory than Float32), with optional
/// rescoring on full precision.
///
/// Distances come straight from the codes: with `x̂ = min + step·c`, `q·x̂ = min·Σq + step·(q·c)`,
/// and `‖q − x̂‖² = ‖q‖² − 2 q·x̂ + ‖x̂‖²` with `‖x̂‖²` kept per record, so one byte-times-float
/// kernel serves every metric. When `keepsFullPrecision` is true the Float32 copies are kept too and
/// the best `k × rescoreFactor` candidates are re-ranked exactly; the adaptive compressor uses it
/// without them (the point of quantizing a low-value record is to drop its Float32 copy).
/// Thread safety: a reader-writer lock guards all state (hence `@unchecked Sendable`).
public final class QuantizedFlatIndex: VectorIndex, @unchecked Sendable {
    public let dimension: Int
    public let metric: DistanceMetric
    public let maxK: Int
    public let keepsFullPrecision: Bool
    public let rescoreFactor: Int

    private let lock = ReadWriteLock()
    private var codes: [UInt8] = []
    private var minimums: [Float] = []
    private var steps: [Float] = []
    private var squaredNorms: [Float] = []
    private var full: [Float] = []
    private var labels: [UInt64] = []
    private var slotOfLabel: [UInt64: Int] = [:]

    public init(
        dimension: Int, metric: DistanceMetric, keepsFullPrecision: Bool = false, rescoreFactor: Int = 4,
        maxK: Int = 10_000
    ) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.metric = metric
        self.keepsFullPrecision = keepsFullPrecision
        self.rescoreFactor = max(rescoreFactor, 1)
        self.maxK = maxK
    }

    public var count: Int { lock.withReadLock { labels.count } }

    public func contains(label: UInt64) -> Bool { lock.withReadLock { slotOfLabel[label] != nil } }

    /// The full-precision vector if kept, else the dequantized one.
    public func vector(label: UInt64) -> [Float]? {
        lock.withReadLock {
            guard let slot = slotOfLabel[label] else { return nil }
            if keepsFullPrecision { return Array(full[slot * dimension..<(slot + 1) * dimension]) }
            return quantized(slot).dequantized
        }
    }

    /// The stored codes of `label`.
    public func quantizedVector(label: UInt64) -> ScalarQuantizedVector? {
        lock.withReadLock { slotOfLabel[label].map(quantized) }
    }

    public func add(_ vector: [Float], label: UInt64) throws(MemoryStoreError) {
        let prepared = try VectorValidation.prepare(vector, dimension: dimension, metric: metric)
        insert(ScalarQuantizedVector(quantizing: prepared), full: prepared, label: label)
    }

    /// Adds an already quantized vector (no Float32 copy exists, so none is kept).
    public func add(quantized: ScalarQuantizedVector, label: UInt64) throws(MemoryStoreError) {
        guard quantized.codes.count == dimension else {
            throw MemoryStoreError(
                .wrongDimension, "quantized vector has \(quantized.codes.count) codes, dimension is \(dimension)")
        }
        guard quantized.minimum.isFinite, quantized.step.isFinite, quantized.step > 0 else {
            throw MemoryStoreError(.nonFiniteComponent, "quantized vector has a bad minimum or step")
        }
        insert(quantized, full: keepsFullPrecision ? quantized.dequantized : nil, label: label)
    }

    private func insert(_ quantized: ScalarQuantizedVector, full vector: [Float]?, label: UInt64) {
        let norm = quantized.dequantized.reduce(0) { $0 + $1 * $1 }
        lock.withWriteLock {
            if let slot = slotOfLabel[label] {
                codes.replaceSubrange(slot * dimension..<(slot + 1) * dimension, with: quantized.codes)
                minimums[slot] = quantized.minimum
                steps[slot] = quantized.step
                squaredNorms[slot] = norm
                if keepsFullPrecision, let vector {
                    full.replaceSubrange(slot * dimension..<(slot + 1) * dimension, with: vector)
                }
                return
            }
            slotOfLabel[label] = labels.count
            labels.append(label)
            codes.append(contentsOf: quantized.codes)
            minimums.append(quantized.minimum)
            steps.append(quantized.step)
            squaredNorms.append(norm)
            if keepsFullPrecision { full.append(contentsOf: vector ?? quantized.dequantized) }
        }
    }

    @discardableResult
    public func remove(label: UInt64) -> Bool {
        lock.withWriteLock {
            guard let slot = slotOfLabel.removeValue(forKey: label) else { return false }
            let last = labels.count - 1
            if slot != last {
                for offset in 0..<dimension { codes[slot * dimension + offset] = codes[last * dimension + offset] }
                if keepsFullPrecision {
                    for offset in 0..<dimension { full[slot * dimension + offset] = full[last * dimension + offset] }
                }
                minimums[slot] = minimums[last]
                steps[slot] = steps[last]
                squaredNorms[slot] = squaredNorms[last]
                labels[slot] = labels[last]
                slotOfLabel[labels[slot]] = slot
            }
            codes.removeLast(dimension)
            if keepsFullPrecision { full.removeLast(dimension) }
            minimums.removeLast()
            steps.removeLast()
            squaredNorms.removeLast()
            labels.removeLast()
            return true
        }
    }

    public func search(_ query: [Float], k: Int, filter: ((UInt64) -> Bool)?) throws(MemoryStoreError) -> [SearchHit] {
        try VectorValidation.checkSearch(k: k, efSearch: nil, maxK: maxK)
        let prepared = try VectorValidation.prepare(query, dimension: dimension, metric: metric)
        let querySum = prepared.reduce(0, +)
        let queryNorm = prepared.reduce(0) { $0 + $1 * $1 }
        let keep = keepsFullPrecision ? k * rescoreFactor : k
        return lock.withReadLock {
            var best = MinHeap(capacity: keep + 1)
            let dotCodes = DistanceKernels.selected.dotCodes
            prepared.withUnsafeBufferPointer { q in
                codes.withUnsafeBufferPointer { allCodes in
                    for slot in 0..<labels.count {
                        if let filter, !filter(labels[slot]) { continue }
                        let codeDot = dotCodes(q.baseAddress!, allCodes.baseAddress! + slot * dimension, dimension)
                        let dot = minimums[slot] * querySum + steps[slot] * codeDot
                        let distance = metric == .l2 ? queryNorm - 2 * dot + squaredNorms[slot] : 1 - dot
                        if best.count < keep {
                            best.push(-distance, UInt32(slot))
                        } else if distance < -best.topDistance {
                            best.pop()
                            best.push(-distance, UInt32(slot))
                        }
                    }
                }
            }
            var hits: [SearchHit] = []
            while !best.isEmpty {
                let (negated, slot) = best.pop()
                var distance = -negated
                if keepsFullPrecision {
                    distance = prepared.withUnsafeBufferPointer { q in
                        full.withUnsafeBufferPointer { f in
                            metric.distance(q.baseAddress!, f.baseAddress! + Int(slot) * dimension, dimension)
                        }
                    }
                }
                hits.append(SearchHit(label: labels[Int(slot)], distance: distance))
            }
            hits.sort { $0.distance < $1.distance }
            return Array(hits.prefix(k))
        }
    }

    /// Bytes held: codes plus minimum, step and norm per record, plus Float32 copies if kept.
    public var byteCount: Int {
        lock.withReadLock { labels.count * (dimension + 12) + full.count * 4 }
    }

    private func quantized(_ slot: Int) -> ScalarQuantizedVector {
        ScalarQuantizedVector(
            codes: Array(codes[slot * dimension..<(slot + 1) * dimension]), minimum: minimums[slot], step: steps[slot])
    }
}
