import Foundation
import HMNMesh

extension MilvusVectorStore {
    /// Milvus's name for an HMN metric.
    static func milvusMetric(_ metric: DistanceMetric) -> String {
        switch metric {
        case .cosine: "COSINE"
        case .l2: "L2"
        case .innerProduct: "IP"
        }
    }

    /// Creates the collection when missing, then checks its shape and waits until it is loaded.
    func prepareCollection() throws(MilvusError) {
        let names = try client.get("/v1/vector/collections", as: [String].self)
        if !names.contains(connection.collection) {
            let _: MilvusWire.Empty = try client.post(
                "/v1/vector/collections/create",
                MilvusWire.CreateCollection(
                    collectionName: connection.collection, dimension: configuration.dimension,
                    metricType: Self.milvusMetric(configuration.metric)),
                as: MilvusWire.Empty.self)
            logger.notice(
                "created Milvus collection",
                metadata: [
                    "collection": "\(connection.collection)", "dimension": "\(configuration.dimension)",
                    "metric": "\(Self.milvusMetric(configuration.metric))",
                ])
        }
        // A new collection is indexed and loaded asynchronously; reads fail until it is loaded.
        let deadline = ContinuousClock.now + .seconds(max(30, connection.visibilityTimeoutSeconds))
        while true {
            let description = try describe()
            try check(description)
            if description.load == "LoadStateLoaded" { return }
            guard ContinuousClock.now < deadline else {
                throw MilvusError(
                    .timeout,
                    "collection \(connection.collection) is not loaded (\(description.load ?? "unknown")); "
                        + "load it in Milvus (e.g. Attu or pymilvus `Collection.load()`)",
                    context: .init(endpoint: "/v1/vector/collections/describe"))
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    func describe() throws(MilvusError) -> MilvusWire.Description {
        let name = connection.collection.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try client.get("/v1/vector/collections/describe?collectionName=\(name)", as: MilvusWire.Description.self)
    }

    /// The collection must be what ``prepareCollection()`` creates: auto-id Int64 key `id`,
    /// `FloatVector(dimension)` `vector` indexed with this metric, dynamic fields on.
    func check(_ description: MilvusWire.Description) throws(MilvusError) {
        let endpoint = MilvusError.Context(endpoint: "/v1/vector/collections/describe")
        let name = connection.collection
        let wantVector = "FloatVector(\(configuration.dimension))"
        guard let vector = description.fields.first(where: { $0.name == MilvusRow.vectorField }),
            vector.type == wantVector
        else {
            let found = description.fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
            throw MilvusError(
                .schemaMismatch, "collection \(name) has fields [\(found)]; this store needs vector: \(wantVector)",
                context: endpoint)
        }
        guard
            let key = description.fields.first(where: { $0.primaryKey == true }), key.name == MilvusRow.primaryField,
            key.type == "Int64", key.autoId == true
        else {
            throw MilvusError(
                .schemaMismatch, "collection \(name) must have an auto-id Int64 primary key named id", context: endpoint
            )
        }
        guard description.enableDynamicField != false else {
            throw MilvusError(.schemaMismatch, "collection \(name) has dynamic fields off", context: endpoint)
        }
        let want = Self.milvusMetric(configuration.metric)
        if let metric = description.indexes?.first(where: { $0.fieldName == MilvusRow.vectorField })?.metricType,
            metric != want
        {
            throw MilvusError(
                .schemaMismatch, "collection \(name) is indexed for \(metric); this store's metric is \(want)",
                context: endpoint)
        }
    }
}
