import HMNCoherence

/// One tunable number of a policy, with its default and what it means.
public struct PolicyParameter: Hashable, Sendable {
    public var name: String
    public var defaultValue: Double
    public var help: String

    public init(_ name: String, _ defaultValue: Double, _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// The resolved parameters handed to a policy's constructor: every declared parameter, with the
/// given value or its default.
public struct PolicyArguments: Sendable {
    public let values: [String: Double]

    /// The value of a declared parameter (0 for an undeclared name: a registration bug).
    public subscript(_ name: String) -> Double { values[name] ?? 0 }
}

/// How the workbench builds one policy by name: a name, a one-line summary, the parameters it
/// takes, and a constructor. Registering a new policy is one value of this type.
public struct PolicyRegistration: Sendable {
    public let name: String
    public let summary: String
    public let parameters: [PolicyParameter]
    public let make: @Sendable (PolicyArguments) throws -> any LambdaPolicy

    public init(
        name: String, summary: String, parameters: [PolicyParameter] = [],
        make: @escaping @Sendable (PolicyArguments) throws -> any LambdaPolicy
    ) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.make = make
    }
}

/// The λ policies the workbench can run, by name: the four shipped with HMNCoherence (fixed,
/// threshold, PID, AIMD) plus research policies (``PolicyRegistry/research``). ``standard`` is
/// what `hmn simulate` uses; tests and embedders can ``register(_:)`` more.
public struct PolicyRegistry: Sendable {
    public private(set) var registrations: [PolicyRegistration] = []

    public init(_ registrations: [PolicyRegistration] = []) {
        for registration in registrations where !self.registrations.contains(where: { $0.name == registration.name }) {
            self.registrations.append(registration)
        }
    }

    /// The shipped four followed by the research policies.
    public static var standard: PolicyRegistry { PolicyRegistry(shipped + research) }

    /// Names in registration order.
    public var names: [String] { registrations.map(\.name) }

    /// Adds a policy.
    ///
    /// - Throws: ``WorkbenchError/Code/invalidParameter`` if the name is taken or empty.
    public mutating func register(_ registration: PolicyRegistration) throws(WorkbenchError) {
        guard !registration.name.isEmpty, !registration.name.contains(":") else {
            throw WorkbenchError(.invalidParameter, "policy name '\(registration.name)' must be non-empty without ':'")
        }
        guard !names.contains(registration.name) else {
            throw WorkbenchError(.invalidParameter, "a policy named '\(registration.name)' is already registered")
        }
        registrations.append(registration)
    }

    public func registration(named name: String) throws(WorkbenchError) -> PolicyRegistration {
        guard let found = registrations.first(where: { $0.name == name }) else {
            throw WorkbenchError(
                .unknownPolicy, "unknown policy '\(name)'; known policies: \(names.joined(separator: ", "))")
        }
        return found
    }

    /// Checks a spec without building the policy: the name exists and every parameter is declared.
    public func resolve(_ spec: PolicySpec) throws(WorkbenchError) -> PolicyArguments {
        let registration = try registration(named: spec.name)
        let declared = registration.parameters.map(\.name)
        for key in spec.parameters.keys.sorted() where !declared.contains(key) {
            throw WorkbenchError(
                .unknownParameter,
                "policy '\(spec.name)' has no parameter '\(key)'; its parameters: "
                    + (declared.isEmpty ? "none" : declared.joined(separator: ", ")))
        }
        var values: [String: Double] = [:]
        for parameter in registration.parameters {
            values[parameter.name] = spec.parameters[parameter.name] ?? parameter.defaultValue
        }
        return PolicyArguments(values: values)
    }

    /// Builds a fresh policy instance for a spec (each simulated node gets its own).
    ///
    /// - Throws: ``WorkbenchError/Code/unknownPolicy``, ``WorkbenchError/Code/unknownParameter``, or
    ///   ``WorkbenchError/Code/invalidParameter`` carrying the policy's own complaint.
    public func makePolicy(_ spec: PolicySpec) throws(WorkbenchError) -> any LambdaPolicy {
        let arguments = try resolve(spec)
        do {
            return try registration(named: spec.name).make(arguments)
        } catch let error as CoherenceError {
            throw WorkbenchError(.invalidParameter, "policy '\(spec)': \(error.message)")
        } catch let error as WorkbenchError {
            throw error
        } catch {
            throw WorkbenchError(.invalidParameter, "policy '\(spec)': \(error)")
        }
    }
}
