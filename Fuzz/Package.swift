// swift-tools-version: 6.1
//
// libFuzzer harnesses for every decoder that takes bytes from outside (see Docs/FUZZING.md).
// A separate package because it must be built with `--sanitize=fuzzer --sanitize=address`,
// which the main package's tests and executables must not be:
//
//   swift build --package-path Fuzz --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address
//   (the -Xswiftc form matters: with separate flags swiftc keeps only the last -sanitize=, and
//   the code is then not instrumented for coverage)
//   HMN_FUZZ_TARGET=transaction Fuzz/.build/debug/hmn-fuzz Fuzz/Corpus/transaction -max_total_time=60
//
// `make fuzz` does both for every target.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which differs between clones.
let parentIdentity = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "HMNFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "hmn-fuzz",
            dependencies: [.product(name: "HMNFuzzTargets", package: parentIdentity)],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])]
        )
    ]
)
