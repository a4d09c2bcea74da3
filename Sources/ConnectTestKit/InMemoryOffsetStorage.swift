public import ConnectAPI
import Synchronization

/// Source offsets kept in memory, as the worker keeps them in `connect-offsets`: one offset per source
/// partition, the last committed one. Shared by the harnesses of a connector, so that a task started
/// again resumes where the one before committed.
public final class InMemoryOffsetStorage: OffsetStorageReader {
    private let offsets = Mutex<[JSONObject: JSONObject]>([:])

    public init(_ initial: [JSONObject: JSONObject] = [:]) { offsets.withLock { $0 = initial } }

    public func offset(for partition: JSONObject) async -> JSONObject? { offsets.withLock { $0[partition] } }

    /// What a commit writes: every partition's newest offset.
    public func commit(_ newest: [JSONObject: JSONObject]) {
        offsets.withLock { $0.merge(newest) { _, new in new } }
    }

    public var all: [JSONObject: JSONObject] { offsets.withLock { $0 } }
}
