"""What both peer scripts do the same way: a confluent-kafka producer set up like the worker's, and
producing that waits for room when librdkafka's queue is full."""
from confluent_kafka import Producer


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
