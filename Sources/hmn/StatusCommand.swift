import ArgumentParser
import HMNNodeHTTP

/// `hmn status`: a node's height, λ, Ĉ, validators and peers, as JSON.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Print a node's status (height, λ, Ĉ, validators with Ψ, peers) as JSON.")

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let client = try options.client()
        let status: StatusJSON
        do { status = try await client.status() } catch { throw CleanExit.message("hmn status: \(error)") }
        try printJSON(status)
    }
}
