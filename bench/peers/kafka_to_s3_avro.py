"""The peer a user would otherwise write for Kafka → S3 Avro: a confluent-kafka consumer that reads
JsonConverter envelopes ({"schema", "payload"}), gathers flush.size payloads, writes them as one Avro
container file with fastavro (deflate, as the S3 sink's avro.codec=deflate), puts it with boto3, then
commits the consumer offsets.

Usage: kafka_to_s3_avro.py BOOTSTRAP TOPIC ENDPOINT BUCKET N FLUSH_SIZE
"""
import io
import json
import sys

import boto3
import fastavro
from common import sink_consumer

bootstrap, topic, endpoint, bucket = sys.argv[1:5]
n, flush_size = int(sys.argv[5]), int(sys.argv[6])
# The envelope's Connect schema as Avro, optional fields as unions with null (as Confluent's AvroData).
schema = fastavro.parse_schema({"type": "record", "name": "Row", "namespace": "bench", "fields": [
    {"name": "id", "type": "long"}, {"name": "name", "type": ["null", "string"], "default": None},
    {"name": "amount", "type": ["null", "double"], "default": None},
    {"name": "created_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "active", "type": "boolean"}, {"name": "quantity", "type": "int"}]})
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
            fastavro.writer(buf, schema, rows, codec="deflate")
            key = f"peer/{topic}/partition={m.partition()}/{topic}+{m.partition()}+{start:010d}.avro"
            s3.put_object(Bucket=bucket, Key=key, Body=buf.getvalue())
            c.commit(message=m, asynchronous=False)
            rows, start = [], None
c.close()
