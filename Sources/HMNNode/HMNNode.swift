/// HMNNode: composes the ledger, coherence, mesh and consensus layers into a full node
/// (see ``FullNode`` and Docs/OPERATIONS.md).
public enum HMNNode {}
