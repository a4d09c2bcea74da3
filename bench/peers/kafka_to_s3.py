"""The peer a user would otherwise write for Kafka → S3 JSON lines: a confluent-kafka consumer that
gathers flush.size records, gzips them (level 6, zlib's default, as the others), puts one object per
batch with boto3, then commits the consumer offsets.

Usage: kafka_to_s3.py BOOTSTRAP TOPIC ENDPOINT BUCKET N FLUSH_SIZE
"""
import gzip
import sys

import boto3
from common import sink_consumer

bootstrap, topic, endpoint, bucket = sys.argv[1:5]
n, flush_size = int(sys.argv[5]), int(sys.argv[6])
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
c = sink_consumer(bootstrap, topic)
lines, start, seen = [], None, 0
while seen < n:
    for m in c.consume(num_messages=10000, timeout=1.0):
        if m.error():
            continue
        if start is None:
            start = m.offset()
        lines.append(m.value())
        seen += 1
        if len(lines) == flush_size:
            body = gzip.compress(b"\n".join(lines) + b"\n", compresslevel=6)
            key = f"peer/{topic}/partition={m.partition()}/{topic}+{m.partition()}+{start:010d}.json.gz"
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            c.commit(message=m, asynchronous=False)
            lines, start = [], None
c.close()
