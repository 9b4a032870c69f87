/// HMNConsensus: λ-attuned Tendermint-style BFT consensus as an I/O-free state machine.
public enum HMNConsensus {}
