/// HMNNode: composes the ledger, coherence, mesh and consensus layers into a full node.
public enum HMNNode {}
