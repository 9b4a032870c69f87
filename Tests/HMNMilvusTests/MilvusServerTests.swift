import Testing

/// Every test that needs a real Milvus, under one serialized suite: the outage test kills and
/// restarts the server, which no other test may overlap.
@Suite(
    "HMNMilvus against a real Milvus", .serialized,
    .enabled(if: MilvusTestSupport.url != nil, MilvusTestSupport.skipReason))
struct MilvusServerTests {}
