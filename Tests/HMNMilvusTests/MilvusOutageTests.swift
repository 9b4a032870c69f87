import Foundation
import HMNMesh
import HMNMilvus
import HMNPrimitives
import Testing

extension MilvusServerTests {
    @Suite("Outage: a server killed mid-use answers .unavailable and loses nothing acknowledged")
    struct Outage {
        typealias Support = MilvusTestSupport

        @Test(
            "SIGKILL the server: writes and reads fail with .unavailable; after a restart every acknowledged record is there",
            .enabled(if: MilvusTestSupport.control != nil, "HMN_MILVUS_CONTROL (Scripts/milvus.sh) is not set"))
        func killAndRestart() throws {
            let control = try #require(Support.control)
            let collection = Support.freshCollection("outage")
            let first = try Support.open(collection)
            let vectors = Support.vectors(41, dimension: 16, seed: 8)
            var acknowledged: [MemoryRecord] = []
            for (number, vector) in vectors.prefix(40).enumerated() {
                let record = Support.record(number, vector: vector)
                try first.upsert(record)
                acknowledged.append(record)
            }

            try Support.runControl(control, "kill")
            let refused = Support.record(40, vector: vectors[40])
            #expect(Support.milvusErrorCode { try first.upsert(refused) } == .unavailable)
            #expect(Support.milvusErrorCode { _ = try first.search(vectors[0], k: 3) } == .unavailable)
            #expect(Support.milvusErrorCode { _ = try first.record(id: refused.id) } == .unavailable)
            #expect(Support.milvusErrorCode { _ = try Support.open(collection) } == .unavailable)

            let url = try Support.runControl(control, "restart")
            #expect(url == Support.url)
            // A restarted Milvus answers /healthz before it has reloaded its collections; until
            // then calls time out. Retry the open for up to a minute.
            var reopened: MilvusVectorStore?
            let deadline = ContinuousClock.now + .seconds(60)
            while reopened == nil {
                do {
                    reopened = try Support.open(collection)
                } catch let error as MilvusError where error.code == .timeout || error.code == .unavailable {
                    guard ContinuousClock.now < deadline else { throw error }
                    Thread.sleep(forTimeInterval: 1)
                }
            }
            let store = try #require(reopened)
            #expect(store.count == acknowledged.count)
            #expect(Set(try store.writtenRecords()) == Set(acknowledged))
            #expect(try store.record(id: refused.id) == nil)
            for number in [0, 20, 39] {
                #expect(try store.search(vectors[number], k: 1).first?.id == Support.id(number))
            }
        }
    }
}
