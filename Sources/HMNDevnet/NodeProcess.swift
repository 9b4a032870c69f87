import Foundation

/// One `hmn start --home H` child process, its output appended to `H/node.log`.
///
/// A class because a `Foundation.Process` is a reference to a live OS process; every access goes
/// through a lock, so the supervisor may signal it from any task.
public final class NodeProcess: @unchecked Sendable {
    public let home: String
    public let executable: String
    private let lock = NSLock()
    private var process: Process?

    public init(home: String, executable: String) {
        self.home = home
        self.executable = executable
    }

    public var logPath: String { (home as NSString).appendingPathComponent("node.log") }

    /// The OS process id while running.
    public var pid: Int32? { lock.withLock { process?.isRunning == true ? process?.processIdentifier : nil } }

    public var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    /// Starts the node; throws when the executable cannot be launched. Starting a running node is a
    /// no-op.
    public func start() throws(DevnetError) {
        lock.lock()
        defer { lock.unlock() }
        if process?.isRunning == true { return }
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw DevnetError(.io, "cannot open \(logPath) for writing")
        }
        log.seekToEndOfFile()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["start", "--home", home]
        child.standardOutput = log
        child.standardError = log
        child.standardInput = FileHandle.nullDevice
        do {
            try child.run()
        } catch {
            throw DevnetError(.launchFailed, "cannot start \(executable) for \(home): \(error)")
        }
        process = child
    }

    /// Sends `signal` (SIGTERM for a graceful stop, SIGKILL for a crash, SIGSTOP/SIGCONT to freeze).
    public func send(_ signal: Int32) {
        if let pid { kill(pid, signal) }
    }

    /// Waits up to `timeout` for the process to exit; kills it with SIGKILL if it has not.
    /// Returns whether it exited on its own.
    @discardableResult
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard isRunning else { return true }
        send(SIGKILL)
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return false
    }

    /// SIGTERM, then SIGKILL after `grace`.
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) async -> Bool {
        guard isRunning else { return true }
        send(SIGTERM)
        return await waitForExit(timeout: grace)
    }

    /// The exit status once the process has ended.
    public var terminationStatus: Int32? {
        lock.withLock { process.flatMap { $0.isRunning ? nil : $0.terminationStatus } }
    }
}
