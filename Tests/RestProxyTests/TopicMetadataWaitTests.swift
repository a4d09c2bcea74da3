import KafkaClient
import Testing

@testable import RestProxy

/// v2 produce to a topic the proxy has not met, event by event on a clock the test moves: as
/// Confluent's proxy, it waits for the broker to create the topic, up to `max.block.ms`.
@Suite struct TopicMetadataWaitTests {
    /// Runs the wait against scripted answers; each pause moves the clock by its length.
    final class Script {
        var answers: [TopicMetadataWait.Lookup]
        var clock: UInt64 = 1_000
        var asked: [Int] = []  // the time left at each ask
        var pauses: [Int] = []
        init(_ answers: [TopicMetadataWait.Lookup]) { self.answers = answers }

        func run(maxBlockMs: Int = 1000, askTakes: UInt64 = 0) async -> TopicMetadataWait.Outcome {
            await TopicMetadataWait(topic: "weather", maxBlockMs: maxBlockMs).run(
                now: { self.clock },
                lookup: { left in
                    self.asked.append(left)
                    self.clock += askTakes
                    return self.answers.isEmpty ? .absent : self.answers.removeFirst()
                },
                pause: { ms in
                    self.pauses.append(ms)
                    self.clock += UInt64(ms)
                })
        }
    }

    @Test func aTopicTheBrokerCreatesIsProducedTo() async {
        let s = Script([.found(partitions: 4)])
        #expect(await s.run() == .partitions(4))
        #expect(s.asked == [1000] && s.pauses.isEmpty)
    }

    @Test func aTopicThatAppearsLaterIsWaitedFor() async {
        // Unknown (auto-creation still under way), then without partitions yet, then there.
        let unknown = KafkaError(code: 3, name: "UNKNOWN_TOPIC_OR_PART", message: "unknown", isRetriable: true)
        let s = Script([.failed(unknown), .found(partitions: 0), .found(partitions: 2)])
        #expect(await s.run() == .partitions(2))
        #expect(s.asked == [1000, 900, 800])
        #expect(s.pauses == [100, 100])
    }

    @Test func aTopicThatNeverAppearsFailsAfterMaxBlockMs() async {
        let s = Script([])
        let outcome = await s.run(maxBlockMs: 250)
        #expect(outcome == .failed(code: 50003, message: "Topic weather not present in metadata after 250 ms."))
        // Asked at 0, 100 and 200 ms; the last pause ends at the deadline.
        #expect(s.asked == [250, 150, 50])
        #expect(s.pauses == [100, 100, 50])
    }

    @Test func aSlowMetadataRequestCountsAgainstTheWait() async {
        let s = Script([])
        #expect(
            await s.run(maxBlockMs: 250, askTakes: 200)
                == .failed(
                    code: 50003, message: "Topic weather not present in metadata after 250 ms."))
        #expect(s.asked == [250] && s.pauses == [50])
    }

    @Test func aNameTheBrokerRefusesFailsAtOnce() async {
        let invalid = KafkaError(code: 17, name: "TOPIC_EXCEPTION", message: "Broker: Invalid topic")
        let s = Script([.failed(invalid)])
        #expect(await s.run() == .failed(code: 50002, message: "Invalid topics: [weather]"))
        #expect(s.pauses.isEmpty)
        let denied = KafkaError(
            code: 29, name: "TOPIC_AUTHORIZATION_FAILED", message: "Broker: Topic authorization failed")
        #expect(
            await Script([.failed(denied)]).run()
                == .failed(code: 40301, message: "Not authorized to access topics: [weather]"))
    }

    @Test func maxBlockMsZeroDoesNotAsk() async {
        let s = Script([.found(partitions: 1)])
        #expect(
            await s.run(maxBlockMs: 0)
                == .failed(code: 50003, message: "Topic weather not present in metadata after 0 ms."))
        #expect(s.asked.isEmpty)
    }
}
