"""The peer a user would otherwise write: a Python loop that builds the same ~200-byte JSON records as
Tributary's DataGen source and produces them with confluent-kafka (librdkafka underneath), then flushes.

Usage: datagen_producer.py BOOTSTRAP TOPIC N
"""
import json
import sys

from common import produce, producer

bootstrap, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = producer(bootstrap)
pad = "x" * 70
for i in range(n):
    value = json.dumps({"id": i, "name": f"record-{i}", "amount": i % 100000 / 100, "created_at": 1700000000000,
                        "active": i % 2 == 0, "quantity": i % 1000, "payload": pad}, separators=(",", ":"))
    produce(p, topic, value)
p.flush()
