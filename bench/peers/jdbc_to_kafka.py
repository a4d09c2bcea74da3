"""The peer a user would otherwise write for a table → Kafka copy: psycopg2 with a server-side cursor,
json.dumps per row, confluent-kafka producing, then a flush.

Usage: jdbc_to_kafka.py PG_URL TABLE BOOTSTRAP TOPIC
"""
import json
import sys

import psycopg2

from common import produce, producer

pg_url, table, bootstrap, topic = sys.argv[1:5]
p = producer(bootstrap)
conn = psycopg2.connect(pg_url)
cur = conn.cursor(name="peer")  # server-side cursor: rows arrive itersize at a time
cur.itersize = 10000
cur.execute(f"SELECT id, name, amount, created_at, active, quantity FROM {table} ORDER BY id")
for id_, name, amount, created_at, active, quantity in cur:
    value = json.dumps({"id": id_, "name": name, "amount": float(amount),
                        "created_at": int(created_at.timestamp() * 1000), "active": active, "quantity": quantity},
                       separators=(",", ":"))
    produce(p, topic, value)
p.flush()
conn.close()
