/// HMNMesh: the vector memory store and the distributed memory mesh (shards, gossip, proofs).
public enum HMNMesh {}
