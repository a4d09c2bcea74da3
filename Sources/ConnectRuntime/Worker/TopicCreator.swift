import ConnectAPI
import KafkaClient
import Logging

/// Creates a source task's topics before their first record (KIP-158), as Kafka Connect's
/// `AbstractWorkerSourceTask.maybeCreateTopic`: a topic that exists is left as it is; a missing one is
/// created with its group's settings; a creation that races another task's (TOPIC_ALREADY_EXISTS) is
/// fine. Each topic is checked once per task run.
///
/// The check lists all topics rather than asking for the one topic by name: a metadata request naming
/// a missing topic makes brokers with auto-creation create it, with their defaults.
actor TopicCreator {
    let creation: TopicCreation
    private let adminConfig: KafkaConfig
    private let logger: Logger
    private var admin: KafkaAdmin?
    private var known: Set<String> = []

    init(creation: TopicCreation, adminConfig: KafkaConfig, logger: Logger) {
        self.creation = creation
        self.adminConfig = adminConfig
        self.logger = logger
    }

    /// Makes sure `topic` exists. Retriable broker errors are retried (with backoff) until `isStopping`.
    func ensure(_ topic: String, isStopping: @Sendable () -> Bool) async throws {
        guard !known.contains(topic) else { return }
        logger.info("The task will send records to topic '\(topic)' for the first time. Checking whether topic exists")
        var delayMs = 100
        while true {
            do {
                let admin = try self.admin ?? KafkaAdmin(config: adminConfig)
                self.admin = admin
                if try await admin.topics()[topic] != nil {
                    logger.info("Topic '\(topic)' already exists.")
                } else {
                    let group = creation.group(for: topic)
                    let newTopic = group.newTopic(topic)
                    logger.info("Creating topic '\(topic)'")
                    try await admin.createTopics([newTopic])
                    logger.info(
                        "Created topic '\(topic)' using creation group \(group.name) (partitions \(newTopic.partitions), replication factor \(newTopic.replicationFactor), configs \(group.configs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))"
                    )
                }
                known.insert(topic)
                return
            } catch let e as KafkaError where e.isRetriable && !isStopping() {
                logger.warning("Failed to check or create topic '\(topic)', retrying in \(delayMs) ms: \(e)")
                try await Task.sleep(for: .milliseconds(delayMs))
                delayMs = min(delayMs * 2, 5000)
            } catch let e as KafkaError {
                throw ConnectError(
                    .connect,
                    "Task failed to create new topic \(topic): \(e). Ensure that the task is authorized to create topics or that the topic exists and restart the task",
                    cause: e)
            }
        }
    }

    func close() async {
        let admin = self.admin
        self.admin = nil
        await admin?.close()
    }
}
