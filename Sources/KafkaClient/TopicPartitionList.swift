import CRdKafka

/// A librdkafka partition list owned by Swift: destroyed when the last reference goes, so no call site
/// pairs a create with a destroy. The C pointer is lent out only inside `withPointer`, which keeps the
/// list alive for the duration of the call.
final class TopicPartitionList {
    private let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// Partitions with their offsets.
    init(_ entries: [(KafkaPartition, Int64)]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(entries.count, 1)))!
        for (tp, offset) in entries {
            rd_kafka_topic_partition_list_add(pointer, tp.topic, tp.partition)!.pointee.offset = offset
        }
    }

    /// Partitions without an offset (librdkafka's `OFFSET_INVALID`).
    convenience init(_ partitions: [KafkaPartition]) {
        self.init(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
    }

    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    func withPointer<R, E: Error>(
        _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(E) -> R
    ) throws(E) -> R {
        defer { withExtendedLifetime(self) {} }
        return try body(pointer)
    }

    /// The partitions and offsets the list holds now (librdkafka calls write offsets into it).
    var entries: [(KafkaPartition, Int64)] { withPointer { Self.entries(of: $0) } }

    /// The entries of a list librdkafka lends (a rebalance callback's).
    static func entries(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [(KafkaPartition, Int64)] {
        (0..<Int(list.pointee.cnt)).map { i in
            let e = list.pointee.elems[i]
            return (KafkaPartition(String(cString: e.topic), e.partition), e.offset)
        }
    }
}
