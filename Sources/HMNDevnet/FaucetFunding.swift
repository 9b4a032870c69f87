import HMNLedger
import HMNNodeHTTP
import HMNPrimitives

extension NodeClient {
    /// Pays `amount` from `faucet` to every recipient at consecutive faucet nonces through this
    /// node, and waits until the last payment is committed: a sender's nonces commit in order, so
    /// then every payment is. The one way the benchmark's ``SenderPool`` and the fault campaign's
    /// load fund their senders.
    func fundFromFaucet(
        _ recipients: [PublicKey], amount: UInt64, faucet: SigningKey, chainID: String,
        timeout: Duration, pollMilliseconds: Int
    ) async throws(DevnetError) {
        let firstNonce: UInt64
        do {
            firstNonce = try await account(faucet.publicKey).nonce
        } catch {
            throw DevnetError(.node, "cannot read the faucet account: \(error)")
        }
        var last: Hash256?
        for (offset, recipient) in recipients.enumerated() {
            let transaction = SignedTransaction.make(
                chainID: chainID, key: faucet, nonce: firstNonce + UInt64(offset),
                body: .transfer(recipient: recipient, amount: amount))
            do {
                _ = try await submit(transaction)
            } catch {
                throw DevnetError(.node, "the node refused funding recipient \(offset): \(error)")
            }
            last = transaction.id
        }
        guard let last else { return }
        do {
            _ = try await waitForCommit(
                id: last, timeoutSeconds: Double(timeout.components.seconds), pollMilliseconds: pollMilliseconds)
        } catch {
            throw DevnetError(.timeout, "the funding payments were not committed: \(error)")
        }
    }
}
