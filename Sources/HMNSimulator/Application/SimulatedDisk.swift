/// A node's durable storage in the simulator: named blobs that survive simulated crashes.
/// Applications write to it in `commit()`; a restarted node's application reads it back.
public final class SimulatedDisk {
    public private(set) var files: [String: [UInt8]] = [:]
    public private(set) var writeCount = 0

    public init() {}

    public func write(_ name: String, _ bytes: [UInt8]) {
        files[name] = bytes
        writeCount += 1
    }

    public func read(_ name: String) -> [UInt8]? { files[name] }
}
