"""The peer a user would otherwise write for Kafka → PostgreSQL upserts: confluent-kafka consumer,
json.loads per record, psycopg2 execute_values … ON CONFLICT DO UPDATE per batch, commit, then the
consumer offsets.

Usage: kafka_to_pg_upsert.py BOOTSTRAP TOPIC PG_URL TABLE N
"""
import json
import sys

import psycopg2
from psycopg2.extras import execute_values
from common import sink_consumer

bootstrap, topic, pg_url, table, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
c = sink_consumer(bootstrap, topic)
conn = psycopg2.connect(pg_url)
cur = conn.cursor()
sql = (f"INSERT INTO {table} (id, name, amount, created_at, active, quantity) VALUES %s "
       "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, amount = EXCLUDED.amount, "
       "created_at = EXCLUDED.created_at, active = EXCLUDED.active, quantity = EXCLUDED.quantity")
seen = 0
while seen < n:
    msgs = c.consume(num_messages=3000, timeout=1.0)
    batch = {}
    for m in msgs:
        if m.error():
            continue
        r = json.loads(m.value())
        batch[r["id"]] = (r["id"], r["name"], r["amount"], r["created_at"], r["active"], r["quantity"])
    if batch:
        execute_values(cur, sql, list(batch.values()), page_size=3000)
        conn.commit()
        c.commit(asynchronous=False)
    seen += len(msgs)
c.close()
conn.close()
