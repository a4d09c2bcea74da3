import CRdKafka

extension KafkaAdmin {
    public struct ClusterMetadata: Sendable {
        public struct Broker: Sendable {
            public let id: Int32
            public let host: String
            public let port: Int32
        }
        public struct Partition: Sendable {
            public let id: Int32
            /// -1 when the partition has no leader.
            public let leader: Int32
            public let replicas: [Int32]
            public let inSyncReplicas: [Int32]
        }
        public struct Topic: Sendable {
            public let name: String
            public let partitions: [Partition]
        }
        public let brokers: [Broker]
        /// Topics that exist, by name; topics in error (e.g. unknown) are left out.
        public let topics: [String: Topic]
        /// The topics the broker answered with an error (unknown, invalid name, not authorized).
        public var topicErrors: [String: KafkaError] = [:]
    }

    /// Brokers and topics with partition leaders and replicas; `topic` limits the request to one topic
    /// (which a broker with auto-creation on then creates).
    public func metadata(topic: String? = nil, timeoutMs: Int32 = 10_000) async throws(KafkaError) -> ClusterMetadata {
        try await run { [self] () throws(KafkaError) -> ClusterMetadata in
            var md: UnsafePointer<rd_kafka_metadata>? = nil
            var rkt: OpaquePointer? = nil
            if let topic { rkt = rd_kafka_topic_new(handle, topic, nil) }
            defer { if let rkt { rd_kafka_topic_destroy(rkt) } }
            let err = rd_kafka_metadata(handle, rkt == nil ? 1 : 0, rkt, &md, timeoutMs)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let md else { throw KafkaError(err) }
            defer { rd_kafka_metadata_destroy(md) }
            var brokers: [ClusterMetadata.Broker] = []
            for i in 0..<Int(md.pointee.broker_cnt) {
                let b = md.pointee.brokers[i]
                brokers.append(.init(id: b.id, host: String(cString: b.host), port: b.port))
            }
            var topics: [String: ClusterMetadata.Topic] = [:]
            var topicErrors: [String: KafkaError] = [:]
            for i in 0..<Int(md.pointee.topic_cnt) {
                let t = md.pointee.topics[i]
                let name = String(cString: t.topic)
                if t.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    topicErrors[name] = KafkaError(t.err)
                    continue
                }
                var parts: [ClusterMetadata.Partition] = []
                for j in 0..<Int(t.partition_cnt) {
                    let p = t.partitions[j]
                    parts.append(
                        .init(
                            id: p.id, leader: p.leader,
                            replicas: (0..<Int(p.replica_cnt)).map { p.replicas[$0] },
                            inSyncReplicas: (0..<Int(p.isr_cnt)).map { p.isrs[$0] }))
                }
                topics[name] = .init(name: name, partitions: parts.sorted { $0.id < $1.id })
            }
            var metadata = ClusterMetadata(brokers: brokers.sorted { $0.id < $1.id }, topics: topics)
            metadata.topicErrors = topicErrors
            return metadata
        }
    }

    /// The brokers of the cluster.
    public func brokers() async throws(KafkaError) -> [ClusterMetadata.Broker] {
        try await metadata().brokers
    }

    /// The low and high watermarks (beginning and end offsets) of one partition.
    public func watermarks(topic: String, partition: Int32, timeoutMs: Int32 = 10_000) async throws(KafkaError)
        -> (low: Int64, high: Int64)
    {
        try await run { [self] () throws(KafkaError) -> (low: Int64, high: Int64) in
            var low: Int64 = 0
            var high: Int64 = 0
            let err = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, timeoutMs)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err) }
            return (low, high)
        }
    }
}
