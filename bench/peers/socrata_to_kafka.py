"""The peer a user would otherwise write for Socrata → Kafka (what an Airflow task with sodapy does):
requests with the same SoQL keyset query, response.json(), one confluent-kafka produce per row keyed by
:id, flush per page.

Usage: socrata_to_kafka.py BASE_URL DATASET BOOTSTRAP TOPIC PAGE_SIZE
"""
import json
import sys

import requests
from confluent_kafka import Producer

base, dataset, bootstrap, topic, page = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
session = requests.Session()
last = None
while True:
    params = {"$select": ":*,*", "$order": ":updated_at ASC, :id ASC", "$limit": str(page)}
    if last:
        params["$where"] = f"(:updated_at > '{last[0]}' OR (:updated_at = '{last[0]}' AND :id > '{last[1]}'))"
    r = session.get(f"{base}/resource/{dataset}.json", params=params)
    r.raise_for_status()
    rows = r.json()
    for row in rows:
        while True:
            try:
                p.produce(topic, key=row[":id"].encode(), value=json.dumps(row, separators=(",", ":")).encode())
                break
            except BufferError:
                p.poll(0.01)
        p.poll(0)
    p.flush()
    if len(rows) < page:
        break
    last = (rows[-1][":updated_at"], rows[-1][":id"])
