#if canImport(Glibc)
import Glibc
#endif
import HMNFuzzTargets

/// Writes `FuzzCorpus.seeds` and `FuzzCorpus.nearMisses` as files named seed-N and near-miss-N
/// under DIR/<target>/.
enum CorpusWriter {
    static func write(to directory: String) -> Bool {
        for target in FuzzTarget.allCases {
            let folder = "\(directory)/\(target.rawValue)"
            mkdir(directory, 0o755)
            mkdir(folder, 0o755)
            let named =
                FuzzCorpus.seeds(for: target).enumerated().map { ("seed-\($0)", $1) }
                + FuzzCorpus.nearMisses(for: target).enumerated().map { ("near-miss-\($0)", $1) }
            for (name, bytes) in named {
                guard let file = fopen("\(folder)/\(name)", "wb") else {
                    printError("hmn-fuzz: cannot write \(folder)/\(name)")
                    return false
                }
                _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
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
