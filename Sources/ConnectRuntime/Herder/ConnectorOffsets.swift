import ConnectAPI

/// A connector's offsets (KIP-875): source partitions and offsets as the connector wrote them; a sink's
/// as `{"kafka_topic","kafka_partition"}` → `{"kafka_offset"}`.
public struct ConnectorOffsets: Sendable, Equatable {
    public struct Offset: Sendable, Equatable {
        public let partition: JSONObject
        public let offset: JSONObject
    }
    public let offsets: [Offset]
}
