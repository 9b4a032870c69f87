internal import CHMNKernels
import Foundation

/// The distance kernels every index spends its time in, chosen once per process for the CPU it
/// runs on.
///
/// The kernels live in the C target `CHMNKernels`, one table per instruction set (AVX-512F,
/// AVX2 + FMA, SSE2 and scalar on x86-64; NEON and scalar on arm64). The x86 tables are compiled
/// with per-function target attributes, so a plain `swift build -c release` (baseline x86-64, no
/// `-target-cpu`) still runs AVX2 or AVX-512 code where the CPU has it: Swift's own `SIMD` types
/// compile to SSE2 there, which is what made the default build ~1.5× slower than hnswlib.
///
/// The choice is the best table the CPU and OS support. Set the environment variable
/// `HMN_DISTANCE_KERNELS` to `avx512`, `avx2`, `sse2`, `neon` or `scalar` before the first
/// distance is computed to force a lower one (for A/B measurements); an unsupported name is ignored.
public enum DistanceKernels {
    /// The instruction set of the kernels this process uses: `"avx512"`, `"avx2"`, `"sse2"`,
    /// `"neon"` or `"scalar"`. Benchmarks print it so a figure says what ran.
    public static var isa: String { selected.isa }

    /// Every instruction set this CPU can run, best first (the scalar table is always last).
    public static var supportedISAs: [String] { supported.map(\.isa) }

    /// The selected table (resolved on first use; `static let` makes that thread-safe and once only).
    static let selected: KernelTable = {
        let candidates = supported
        if let forced = ProcessInfo.processInfo.environment["HMN_DISTANCE_KERNELS"],
            let table = candidates.first(where: { $0.isa == forced })
        {
            return table
        }
        return candidates[0]
    }()

    /// Supported tables, best first.
    static let supported: [KernelTable] = {
        let order = [HMN_ISA_AVX512, HMN_ISA_AVX2, HMN_ISA_NEON, HMN_ISA_SSE2, HMN_ISA_SCALAR]
        return order.compactMap { isa in hmn_kernels_for(Int32(isa)).map(KernelTable.init) }
    }()

    /// Tells the CPU to start loading the memory at `address` (`bytes` long) into cache. The graph
    /// search issues it for neighbour vectors before it needs them so their cache misses overlap.
    @inline(__always)
    static func prefetch(_ address: UnsafeRawPointer, bytes: Int) {
        hmn_prefetch_range(address, bytes)
    }
}

/// One instruction set's kernels as Swift function values (C function pointers: a call is one
/// indirect jump, as in hnswlib's `fstdistfunc_`).
struct KernelTable: @unchecked Sendable {
    // @unchecked: the C function pointers refer to static, stateless functions.
    typealias FloatKernel = @convention(c) (UnsafePointer<Float>?, UnsafePointer<Float>?, Int) -> Float
    typealias CodeKernel = @convention(c) (UnsafePointer<Float>?, UnsafePointer<UInt8>?, Int) -> Float

    let isa: String
    /// `Σ (a_i − b_i)²`.
    let squaredL2: FloatKernel
    /// `Σ a_i b_i`.
    let dot: FloatKernel
    /// `1 − Σ a_i b_i`.
    let innerProductDistance: FloatKernel
    /// `a·b / (‖a‖ ‖b‖)`, 0 when either vector is zero.
    let cosineSimilarity: FloatKernel
    /// `Σ q_i × code_i` over int8 scalar-quantized codes.
    let dotCodes: CodeKernel

    init(_ table: UnsafePointer<hmn_kernel_table>) {
        let value = table.pointee
        isa = String(cString: value.isa)
        squaredL2 = value.squared_l2
        dot = value.dot
        innerProductDistance = value.inner_product_distance
        cosineSimilarity = value.cosine_similarity
        dotCodes = value.dot_u8
    }

    /// The kernel that gives `metric`'s distance between two prepared (stored-form) vectors.
    func distance(for metric: DistanceMetric) -> FloatKernel {
        switch metric {
        case .l2: squaredL2
        case .cosine, .innerProduct: innerProductDistance
        }
    }
}
