"""What the peer scripts do the same way: a confluent-kafka producer set up like the worker's,
producing that waits for room when librdkafka's queue is full, and the sink peers' consumer."""
import os

from confluent_kafka import Consumer, Producer


def sink_consumer(bootstrap, topic):
    """A consumer of topic from the beginning, committing by hand, with the short session the bench gives
    both sides (SESSION_MS, HEARTBEAT_MS: Tansu delays a new group's first join by half of it)."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"peer-{topic}", "auto.offset.reset": "earliest",
                  "enable.auto.commit": False, "session.timeout.ms": int(os.environ.get("SESSION_MS", 1000)),
                  "heartbeat.interval.ms": int(os.environ.get("HEARTBEAT_MS", 300))})
    c.subscribe([topic])
    return c


def producer(bootstrap):
    return Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "all",
                     "queue.buffering.max.messages": 200000})


def produce(p, topic, value):
    while True:
        try:
            p.produce(topic, value.encode())
            break
        except BufferError:
            p.poll(0.01)
    p.poll(0)
