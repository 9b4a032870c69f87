#if canImport(Glibc)
import Glibc
#endif
import HMNFuzzTargets

// libFuzzer supplies `main`; the target comes from the environment because libFuzzer owns argv.
nonisolated(unsafe) var selectedTarget: FuzzTarget?

/// Picks the target (`HMN_FUZZ_TARGET`), or, with `HMN_FUZZ_WRITE_CORPUS=DIR`, writes every target's
/// seed corpus to DIR/<target>/ and exits.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    if let directory = getenv("HMN_FUZZ_WRITE_CORPUS").map({ String(cString: $0) }) {
        exit(CorpusWriter.write(to: directory) ? 0 : 1)
    }
    guard let name = getenv("HMN_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        printError("hmn-fuzz: set HMN_FUZZ_TARGET to one of: \(names)")
        exit(2)
    }
    selectedTarget = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { return 0 }
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    target.run(bytes)
    return 0
}
