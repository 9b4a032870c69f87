import ArgumentParser
import HMNLedger
import HMNNodeHTTP
import HMNPrimitives

/// `hmn tx transfer|bond|unbond`: signs a transaction with the account's next nonce and submits it.
struct TxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx", abstract: "Sign and submit a transaction.",
        subcommands: [Transfer.self, Bond.self, Unbond.self, Show.self])

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send base units to another account.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Recipient public key (64 hex digits).") var to: String
        @Option(help: "Amount in base units.") var amount: UInt64

        func run() async throws {
            let recipient: PublicKey
            do { recipient = try PublicKey(hex: to) } catch { throw ValidationError("--to is not a public key: \(error)") }
            try await submit(options, .transfer(recipient: recipient, amount: amount))
        }
    }

    struct Bond: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bond balance as stake (voting power once ≥ minStake).")
        @OptionGroup var options: ClientOptions
        @Option(help: "Amount in base units.") var amount: UInt64
        func run() async throws { try await submit(options, .bond(amount: amount)) }
    }

    struct Unbond: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Return stake to the spendable balance.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Amount in base units.") var amount: UInt64
        func run() async throws { try await submit(options, .unbond(amount: amount)) }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a committed transaction with its inclusion proof.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Transaction id (64 hex digits).") var id: String
        func run() async throws {
            let hash: Hash256
            do { hash = try Hash256(hex: id) } catch { throw ValidationError("not a transaction id: \(error)") }
            let client = try options.client()
            let record: TransactionRecordJSON
            do { record = try await client.transaction(id: hash) } catch { throw CleanExit.message("hmn tx show: \(error)") }
            try printJSON(record)
        }
    }
}

/// Reads the sender's nonce from the node, signs `body` for the node's chain and submits it.
private func submit(_ options: ClientOptions, _ body: TransactionBody) async throws {
    let client = try options.client()
    let key = try options.signingKey()
    let status: StatusJSON
    let account: AccountJSON
    do {
        status = try await client.status()
        account = try await client.account(key.publicKey)
    } catch {
        if error.status == 404 {
            throw CleanExit.message("hmn tx: account \(key.publicKey.hex) does not exist on that chain")
        }
        throw CleanExit.message("hmn tx: \(error)")
    }
    let transaction = SignedTransaction.make(chainID: status.chainId, key: key, nonce: account.nonce, body: body)
    let answer: SubmitTransactionResponse
    do {
        answer = try await client.submit(transaction)
    } catch {
        throw CleanExit.message("hmn tx: \(error)")
    }
    try printJSON(answer)
}
