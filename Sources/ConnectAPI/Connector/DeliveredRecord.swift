/// A record a source task's topic already holds, read back through the task's converters
/// (`SourceTaskContext.scanDelivered`). A Tributary addition to Kafka Connect's API.
public struct DeliveredRecord: Sendable {
    public let partition: Int32
    public let offset: Int64
    public let key: Value
    public let value: Value

    public init(partition: Int32, offset: Int64, key: Value, value: Value) {
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
    }

    /// Where a delivered record lies relative to the task's stored offset.
    public enum Place: Sendable {
        /// Written after the stored offset: Kafka has it, the offsets topic does not know yet.
        case after
        /// At or before the stored offset: older records of the partition need not be read.
        case atOrBefore
        /// Not one of this task's records.
        case foreign
    }
}
