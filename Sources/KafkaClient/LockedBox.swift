import Synchronization

/// A `Mutex` in a class, so closures handed to a Kafka client (delivery reports, the tail's apply) can
/// share it with the store that owns it (`Mutex` itself cannot be copied or captured).
public final class LockedBox<Value: Sendable>: Sendable {
    public let mutex: Mutex<Value>
    public init(_ value: Value) { mutex = Mutex(value) }
}
