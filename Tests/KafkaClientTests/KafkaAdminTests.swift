import KafkaClient
import Testing

/// The admin client against librdkafka's mock cluster (which has no CreateTopics): a topic made by
/// auto-creation is described alike by metadata and `topics()`, and watermarks follow what was produced.
@Suite struct KafkaAdminTests {
    @Test func autoCreatedTopicIsDescribedWithItsPartitions() async throws {
        let cluster = try await MockCluster.start()
        let partitions = try await cluster.createTopic("described")
        let metadata = try await cluster.admin.metadata()
        #expect(metadata.brokers.count == 1)
        #expect(metadata.topics["described"]?.partitions.map(\.id) == Array(0..<partitions))
        #expect(metadata.topics["described"]?.partitions.allSatisfy { $0.leader == metadata.brokers[0].id } == true)
        #expect(try await cluster.admin.topics()["described"]?.partitions == Int(partitions))
        await cluster.stop()
    }

    @Test func watermarksFollowWhatWasProduced() async throws {
        let cluster = try await MockCluster.start()
        let topic = "watermarks"
        _ = try await cluster.createTopic(topic)
        let empty = try await cluster.admin.watermarks(topic: topic, partition: 0)
        #expect(empty.low == 0 && empty.high == 0)
        try await KafkaConsumerTests.produce(4, to: topic, on: cluster)
        let written = try await cluster.admin.watermarks(topic: topic, partition: 0)
        #expect(written.low == 0 && written.high == 4)
        await cluster.stop()
    }

    // close() destroys the client (and the mock cluster it hosts) on the admin's own queue: a request
    // made afterwards fails with _DESTROY instead of reaching a destroyed handle.
    @Test func aRequestAfterCloseFailsAndASecondCloseReturns() async throws {
        let cluster = try await MockCluster.start()
        _ = try await cluster.createTopic("closing")
        await cluster.stop()
        do {
            _ = try await cluster.admin.topics()
            Issue.record("no failure")
        } catch {
            #expect(error.name == "_DESTROY")
        }
        await cluster.admin.close()
    }

    // Requests racing close() each end with the broker's answer (started before it: close waits for
    // them) or with _DESTROY (not started yet).
    @Test func requestsRacingCloseEndWithAnAnswerOrDestroy() async throws {
        let cluster = try await MockCluster.start()
        _ = try await cluster.createTopic("racing")
        let admin = cluster.admin
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        return try await admin.metadata().topics["racing"] == nil ? "no topic" : "answer"
                    } catch let e as KafkaError {
                        return e.name
                    } catch {
                        return "\(error)"
                    }
                }
            }
            await cluster.stop()
            var all = Set<String>()
            for await o in group { all.insert(o) }
            return all
        }
        #expect(outcomes.isSubset(of: ["answer", "_DESTROY"]))
    }
}
