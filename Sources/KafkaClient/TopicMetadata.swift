import CRdKafka

/// Asks the broker for one topic's metadata on a client's handle, blocking: the answer fills
/// librdkafka's cache (partitions, leaders). Failures are left to whatever uses the topic next.
func fetchTopicMetadata(_ handle: OpaquePointer, _ rkt: OpaquePointer, timeoutMs: Int32) {
    var md: UnsafePointer<rd_kafka_metadata>? = nil
    if rd_kafka_metadata(handle, 0, rkt, &md, timeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR, let md {
        rd_kafka_metadata_destroy(md)
    }
}
