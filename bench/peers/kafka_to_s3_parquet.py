"""The peer a user would otherwise write for Kafka → S3 Parquet: a confluent-kafka consumer that reads
JsonConverter envelopes ({"schema", "payload"}), gathers flush.size payloads, writes them as one Parquet
file with pyarrow (snappy, pyarrow's default), puts it with boto3, then commits the consumer offsets.

Usage: kafka_to_s3_parquet.py BOOTSTRAP TOPIC ENDPOINT BUCKET N FLUSH_SIZE
"""
import io
import json
import sys

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
from common import sink_consumer

bootstrap, topic, endpoint, bucket = sys.argv[1:5]
n, flush_size = int(sys.argv[5]), int(sys.argv[6])
schema = pa.schema([("id", pa.int64(), False), ("name", pa.string()), ("amount", pa.float64()),
                    ("created_at", pa.timestamp("ms", tz="UTC"), False), ("active", pa.bool_(), False),
                    ("quantity", pa.int32(), False)])
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
c = sink_consumer(bootstrap, topic)
rows, start, seen = [], None, 0
while seen < n:
    for m in c.consume(num_messages=10000, timeout=1.0):
        if m.error():
            continue
        if start is None:
            start = m.offset()
        rows.append(json.loads(m.value())["payload"])
        seen += 1
        if len(rows) == flush_size:
            buf = io.BytesIO()
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), buf, compression="snappy")
            key = f"peer/{topic}/partition={m.partition()}/{topic}+{m.partition()}+{start:010d}.snappy.parquet"
            s3.put_object(Bucket=bucket, Key=key, Body=buf.getvalue())
            c.commit(message=m, asynchronous=False)
            rows, start = [], None
c.close()
