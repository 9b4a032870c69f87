import HMNLedger
import HMNPrimitives
import Logging

/// The mining agent (SPEC §7): after the block that closes mining epoch `e` (height `e·M`), it
/// submits this validator's one Mint T0 of exactly the amount Layer 2 entitles it to, signed by the
/// node key. A node that is not a validator, or whose entitlement is 0, submits nothing.
public struct MiningAgent: Sendable {
    let driver: ConsensusDriver
    let logger: Logger

    public init(driver: ConsensusDriver, logger: Logger) {
        self.driver = driver
        self.logger = logger
    }

    /// Returns the submitted transaction's bytes (to gossip), or nil when there is nothing to mint.
    public func blockCommitted(_ notice: CommitNotice) async -> (id: Hash256, bytes: [UInt8])? {
        let me = driver.publicKey
        let plan: (epoch: UInt64, amount: UInt64)? = try? await driver.read { app in
            let length = app.miningEpochLength
            guard length > 0, notice.height > 0, notice.height % length == 0, app.height == notice.height else {
                return nil
            }
            let epoch = notice.height / length
            guard (app.account(me)?.lastMintEpoch ?? 0) < epoch,
                let amount = app.mintT0Amount(for: me, epoch: epoch, atHeight: notice.height + 1)
            else { return nil }
            return (epoch, amount)
        }
        guard let plan else { return nil }
        switch await driver.submitOwnTransaction(.mintT0(epoch: plan.epoch, amount: plan.amount)) {
        case .success(let submitted):
            logger.info("mint T0 submitted", metadata: ["epoch": "\(plan.epoch)", "amount": "\(plan.amount)"])
            return submitted
        case .failure(let error):
            logger.warning("mint T0 refused", metadata: ["epoch": "\(plan.epoch)", "error": "\(error)"])
            return nil
        }
    }
}
