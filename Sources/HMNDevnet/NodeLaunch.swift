/// How one node of a ``LocalCluster`` is launched and reached: through a command prefix (a network
/// namespace), with extra `hmn start` arguments, and at which address its HTTP API answers.
public struct NodeLaunch: Hashable, Sendable {
    /// Prepended to the `hmn start` command line; it must `exec` the node (as `ip netns exec` does).
    public var prefix: [String]
    /// Appended to `hmn start --home H`.
    public var extraArguments: [String]
    /// Where the supervisor reaches the node's HTTP API.
    public var apiHost: String

    public init(prefix: [String] = [], extraArguments: [String] = [], apiHost: String = "127.0.0.1") {
        self.prefix = prefix
        self.extraArguments = extraArguments
        self.apiHost = apiHost
    }
}
