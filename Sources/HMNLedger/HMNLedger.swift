/// HMNLedger: the Layer-1 immutable chain — transactions, blocks, state, SQLite storage, mempool.
public enum HMNLedger {}
