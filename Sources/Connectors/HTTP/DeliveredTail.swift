import ConnectAPI

/// The records a task's topic holds after its stored offset: Kafka acknowledged them, but the worker
/// stopped (was killed) before it committed their offsets. The task asks the source again from the
/// stored offset and skips these, so each row version (id, position) is written once. Memory: one entry
/// per such record, at most what the task wrote in one `offset.flush.interval.ms`.
struct DeliveredTail {
    /// A delivered record's identity, and whether it lies after the stored offset.
    typealias Identify = (DeliveredRecord) -> (identity: String, after: Bool)?

    private var identities: Set<String> = []

    /// Reads the tail of `topic` back (`resume.skip.delivered`); `identify` answers nil for records
    /// that are not this task's.
    static func read(topic: String, context: any SourceTaskContext, label: String, identify: Identify)
        async throws -> DeliveredTail
    {
        var tail = DeliveredTail()
        do {
            try await context.scanDelivered(topic: topic) { record in
                guard let (identity, after) = identify(record) else { return .foreign }
                guard after else { return .atOrBefore }
                tail.identities.insert(identity)
                return .after
            }
        } catch {
            throw ConnectError(
                .connect,
                "\(label): cannot read back topic \(topic) to skip records delivered after the stored offset (resume.skip.delivered=false resumes without): \(error)"
            )
        }
        if !tail.identities.isEmpty {
            context.logger.info(
                "\(label): \(tail.identities.count) records in \(topic) were delivered after the stored offset; they are not written again"
            )
        }
        return tail
    }

    /// True for a record the topic already holds. (Kept, not removed: a page dropped half-way because it
    /// turned out garbled is asked for again.) The identity is built only while there is something to
    /// skip: this runs for every record polled.
    func alreadyDelivered(_ identity: @autoclosure () -> String) -> Bool {
        !identities.isEmpty && identities.contains(identity())
    }
}
