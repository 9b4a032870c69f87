import HMNCoherence

extension PolicyRegistry {
    /// HMNCoherence's four policies, registered from its ``LambdaPolicyCatalog``: the same names,
    /// parameters and defaults a node's `config.json` uses.
    public static let shipped: [PolicyRegistration] = LambdaPolicyCatalog.shipped.map { kind in
        PolicyRegistration(
            name: kind.name, summary: kind.summary,
            parameters: kind.parameters.map { PolicyParameter($0.name, $0.defaultValue, $0.help) }
        ) { arguments in try kind.make(arguments.values) }
    }
}
