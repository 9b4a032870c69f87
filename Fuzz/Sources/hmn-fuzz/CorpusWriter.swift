#if canImport(Glibc)
import Glibc
#endif
import HMNFuzzTargets

/// Writes `FuzzCorpus.seeds` as files named seed-N under DIR/<target>/.
enum CorpusWriter {
    static func write(to directory: String) -> Bool {
        for target in FuzzTarget.allCases {
            let folder = "\(directory)/\(target.rawValue)"
            mkdir(directory, 0o755)
            mkdir(folder, 0o755)
            for (index, seed) in FuzzCorpus.seeds(for: target).enumerated() {
                guard let file = fopen("\(folder)/seed-\(index)", "wb") else {
                    printError("hmn-fuzz: cannot write \(folder)/seed-\(index)")
                    return false
                }
                _ = seed.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
                fclose(file)
            }
        }
        return true
    }
}

/// One line on standard error (the C `stderr` global is not concurrency-safe in Swift 6).
func printError(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
