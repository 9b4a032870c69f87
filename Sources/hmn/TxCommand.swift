import Foundation
import ArgumentParser
import HMNLedger
import HMNNodeHTTP
import HMNPrimitives

/// `hmn tx transfer|bond|unbond`: signs a transaction with the account's next nonce and submits it;
/// `hmn tx batch` submits already-signed transactions in one request. `--wait SECONDS` on the
/// single-transaction commands and on `show` waits for the commit by long polls.
struct TxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx", abstract: "Sign and submit a transaction.",
        subcommands: [Transfer.self, Bond.self, Unbond.self, Batch.self, Show.self])

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send base units to another account.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Recipient public key (64 hex digits).") var to: String
        @Option(help: "Amount in base units.") var amount: UInt64
        @OptionGroup var wait: WaitOption

        func run() async throws {
            let recipient: PublicKey
            do { recipient = try PublicKey(hex: to) } catch { throw ValidationError("--to is not a public key: \(error)") }
            try await submit(options, .transfer(recipient: recipient, amount: amount), wait: wait)
        }
    }

    struct Bond: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bond balance as stake (voting power once ≥ minStake).")
        @OptionGroup var options: ClientOptions
        @Option(help: "Amount in base units.") var amount: UInt64
        @OptionGroup var wait: WaitOption
        func run() async throws { try await submit(options, .bond(amount: amount), wait: wait) }
    }

    struct Unbond: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start returning stake to the balance (released after the unbonding period).")
        @OptionGroup var options: ClientOptions
        @Option(help: "Amount in base units.") var amount: UInt64
        @OptionGroup var wait: WaitOption
        func run() async throws { try await submit(options, .unbond(amount: amount), wait: wait) }
    }

    struct Batch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit signed transactions (one hex per line; see Docs/WIRE_FORMAT.md) in one request.",
            discussion: "Prints one result per line of input; exits 1 when any item was rejected.")
        @OptionGroup var options: ClientOptions
        @Option(help: "File of hex-encoded signed transactions, one per line ('-' reads standard input).")
        var file: String

        func run() async throws {
            let text: String
            if file == "-" {
                text = AnyIterator { readLine() }.joined(separator: "\n")
            } else {
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw ValidationError("cannot read --file \(file): \(error.localizedDescription)")
                }
            }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard !lines.isEmpty else { throw ValidationError("--file \(file) holds no transactions") }
            let answer: SubmitTransactionBatchResponse
            do { answer = try await options.client().submitBatch(hex: lines) } catch {
                throw CleanExit.message("hmn tx batch: \(error)")
            }
            try printJSON(answer)
            if answer.rejected > 0 { throw ExitCode(1) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a committed transaction with its inclusion proof.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Transaction id (64 hex digits).") var id: String
        @OptionGroup var wait: WaitOption
        func run() async throws {
            let hash: Hash256
            do { hash = try Hash256(hex: id) } catch { throw ValidationError("not a transaction id: \(error)") }
            let client = try options.client()
            let record: TransactionRecordJSON
            do {
                if let seconds = wait.wait {
                    record = try await client.waitForCommit(id: hash, timeoutSeconds: seconds)
                } else {
                    record = try await client.transaction(id: hash)
                }
            } catch {
                throw CleanExit.message("hmn tx show: \(error)")
            }
            try printJSON(record)
        }
    }
}

/// `--wait SECONDS`: wait for the commit (long polls of `GET /v1/transactions/{id}`).
struct WaitOption: ParsableArguments {
    @Option(help: "Wait up to this many seconds for the commit, then print the committed transaction.")
    var wait: Double?

    func validate() throws {
        if let wait, !(wait > 0 && wait <= 3_600) { throw ValidationError("--wait must be in (0, 3600] seconds") }
    }
}

/// Reads the sender's nonce from the node, signs `body` for the node's chain and submits it; with
/// `--wait`, then waits for the commit and prints the committed transaction too.
private func submit(_ options: ClientOptions, _ body: TransactionBody, wait: WaitOption) async throws {
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
    guard let seconds = wait.wait else { return }
    do {
        try printJSON(try await client.waitForCommit(id: transaction.id, timeoutSeconds: seconds))
    } catch {
        throw CleanExit.message("hmn tx: submitted \(transaction.id.hex) but it did not commit: \(error)")
    }
}
