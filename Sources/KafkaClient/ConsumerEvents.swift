/// The events of one poll, taken from the front one at a time. Each is moved out of its storage: an
/// array iterated (or reversed to pop from its end) copied every message, a retain and a release for
/// each of its fields, on a path taken for every record a sink reads.
public final class ConsumerEvents: IteratorProtocol, @unchecked Sendable {
    private var base: UnsafeMutablePointer<ConsumerEvent>
    private var capacity: Int
    private var count = 0
    private var taken = 0

    /// `capacity`: the events expected (more may be appended; the storage then grows).
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        (base + taken).deinitialize(count: count - taken)
        base.deallocate()
    }

    /// Adds an event at the end (before any is taken).
    func append(_ event: consuming ConsumerEvent) {
        if count == capacity {
            let grown = UnsafeMutablePointer<ConsumerEvent>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + count).initialize(to: event)
        count += 1
    }

    /// Events not taken yet.
    public var remaining: Int { count - taken }

    /// The first event not taken yet, moved out.
    public func next() -> ConsumerEvent? {
        guard taken < count else { return nil }
        defer { taken += 1 }
        return (base + taken).move()
    }
}
