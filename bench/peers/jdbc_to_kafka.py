"""The peer a user would otherwise write for a table → Kafka copy: psycopg2 with a server-side cursor,
json.dumps per row, confluent-kafka producing, then a flush.

Usage: jdbc_to_kafka.py PG_URL TABLE BOOTSTRAP TOPIC
"""
import json
import sys

import psycopg2
from confluent_kafka import Producer

pg_url, table, bootstrap, topic = sys.argv[1:5]
p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "all", "queue.buffering.max.messages": 200000})
conn = psycopg2.connect(pg_url)
cur = conn.cursor(name="peer")  # server-side cursor: rows arrive itersize at a time
cur.itersize = 10000
cur.execute(f"SELECT id, name, amount, created_at, active, quantity FROM {table} ORDER BY id")
for id_, name, amount, created_at, active, quantity in cur:
    value = json.dumps({"id": id_, "name": name, "amount": float(amount),
                        "created_at": int(created_at.timestamp() * 1000), "active": active, "quantity": quantity},
                       separators=(",", ":"))
    while True:
        try:
            p.produce(topic, value.encode())
            break
        except BufferError:
            p.poll(0.01)
    p.poll(0)
p.flush()
conn.close()
