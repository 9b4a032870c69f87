import Foundation

/// One `hmn start --home H` child process, its output appended to `H/node.log`.
///
/// A class because a `Foundation.Process` is a reference to a live OS process; every access goes
/// through a lock, so the supervisor may signal it from any task.
public final class NodeProcess: @unchecked Sendable {
    public let home: String
    public let executable: String
    /// A command the node is launched through, e.g. `["ip", "netns", "exec", "hmn12-n0"]` to run it
    /// in a network namespace; the prefix must `exec` the node so signals reach it. Empty: run directly.
    public let launchPrefix: [String]
    /// Arguments after `start --home H` (e.g. `--http-host 10.0.0.1`).
    public let extraArguments: [String]
    private let lock = NSLock()
    private var process: Process?

    public init(home: String, executable: String, launchPrefix: [String] = [], extraArguments: [String] = []) {
        self.home = home
        self.executable = executable
        self.launchPrefix = launchPrefix
        self.extraArguments = extraArguments
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
        let command = launchPrefix + [executable, "start", "--home", home] + extraArguments
        child.executableURL = URL(fileURLWithPath: Self.resolve(command[0]))
        child.arguments = Array(command.dropFirst())
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

    /// An absolute path for `name`, looked up in `PATH` (and the sbin directories) when it has no slash.
    static func resolve(_ name: String) -> String {
        guard !name.contains("/") else { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for directory in directories {
            let candidate = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return name
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
