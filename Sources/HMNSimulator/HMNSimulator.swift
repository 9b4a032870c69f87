/// HMNSimulator: a deterministic, seeded, fault-injecting simulator that runs whole HMN networks.
public enum HMNSimulator {}
