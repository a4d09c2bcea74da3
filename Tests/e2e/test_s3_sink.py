"""The S3 sink against the local S3 server (moto with SigV4 checking on): records produced with
confluent-kafka, written by the built binary, read back with boto3."""
import base64
import gzip
import json
import os
import uuid

import boto3
import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import BOOTSTRAP, Worker, wait_until

S3_ENDPOINT = os.environ.get("S3_ENDPOINT")


def s3():
    return boto3.client("s3", endpoint_url=S3_ENDPOINT, region_name="us-east-1")


@pytest.fixture
def bucket():
    name = "b-" + uuid.uuid4().hex[:10]
    s3().create_bucket(Bucket=name)
    yield name


def create_topic(name, partitions=1):
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    for f in admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)]).values():
        f.result()


def produce(topic, records, partition=None):
    """records: (key, value) with dicts serialized as JSON; bytes and None passed as they are."""
    p = Producer({"bootstrap.servers": BOOTSTRAP, "linger.ms": 20})
    enc = lambda x: x if isinstance(x, (bytes, type(None))) else json.dumps(x).encode()
    for k, v in records:
        if partition is None:
            p.produce(topic, key=enc(k), value=enc(v))
        else:
            p.produce(topic, key=enc(k), value=enc(v), partition=partition)
    p.flush()


def objects(bucket, prefix=""):
    """{key: bytes} of every object under prefix."""
    out = {}
    for page in s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            out[o["Key"]] = s3().get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
    return out


def sink_config(topic, bucket, **extra):
    c = {
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        "topics": topic,
        "s3.bucket.name": bucket,
        "s3.region": "us-east-1",
        "store.url": S3_ENDPOINT,
        "storage.class": "io.confluent.connect.s3.storage.S3Storage",
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
        "flush.size": "3",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
    }
    c.update(extra)
    return c


def wait_objects(bucket, count, prefix=""):
    return wait_until(lambda: (lambda o: o if len(o) >= count else None)(objects(bucket, prefix)),
                      what=f"{count} objects in {bucket}")


def failed_trace(worker, name):
    def check():
        s = worker.get(f"/connectors/{name}/status").json()
        t = s.get("tasks", [])
        return t and t[0]["state"] == "FAILED" and t[0]["trace"]
    return wait_until(check, what=f"{name} FAILED")


def test_json_lines_with_confluent_object_names(worker, bucket):
    """flush.size records per object, named topics/<topic>/partition=<p>/<topic>+<p>+<offset %010d>.json;
    the last, incomplete file is not written and its offset is not committed."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    produce(topic, [(None, {"id": i, "name": f"station {i}"}) for i in range(7)], partition=0)
    r = worker.post("/connectors", {"name": "s3json", "config": sink_config(topic, bucket)})
    assert r.status_code == 201, r.text
    got = wait_objects(bucket, 2)
    assert sorted(got) == [f"topics/{topic}/partition=0/{topic}+0+0000000000.json",
                           f"topics/{topic}/partition=0/{topic}+0+0000000003.json"]
    first = got[f"topics/{topic}/partition=0/{topic}+0+0000000000.json"]
    assert first == b'{"id":0,"name":"station 0"}\n{"id":1,"name":"station 1"}\n{"id":2,"name":"station 2"}\n'
    # Only records in completed objects are committed: offset 6 waits for two more records.
    def committed():
        o = worker.get("/connectors/s3json/offsets").json()["offsets"]
        return o and o[0]["offset"]["kafka_offset"] == 6 and o
    wait_until(committed, what="committed offset 6")
    produce(topic, [(None, {"id": i, "name": f"station {i}"}) for i in range(7, 9)], partition=0)
    got = wait_objects(bucket, 3)
    assert got[f"topics/{topic}/partition=0/{topic}+0+0000000006.json"].count(b"\n") == 3


def test_json_values_are_written_as_the_converter_writes_them(worker, bucket):
    """Values already in the form JsonConverter writes are copied as consumed; any other JSON is parsed
    and written back compact: the object holds the same bytes either way."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    values = [
        (b'{"id":1,"name":"Z\xc3\xbcrich \\"q\\"","amount":12.5,"ok":true,"tags":["a",null]}',
         b'{"id":1,"name":"Z\xc3\xbcrich \\"q\\"","amount":12.5,"ok":true,"tags":["a",null]}'),
        (b'{"id": 2, "amount": 1.50}', b'{"id":2,"amount":1.5}'),
        (b'{"a":1,"a":2}', b'{"a":2}'),
        (b'{"big":1e2,"s":"\\/x \\u0041","n":007}', b'{"big":100.0,"s":"/x A","n":7}'),
        (b'"just a string"', b'"just a string"'),
        (b'[12345678.9,-0.0]', b'[1.23456789E7,-0.0]'),
    ]
    produce(topic, [(None, v) for v, _ in values], partition=0)
    r = worker.post("/connectors", {"name": "s3raw", "config": sink_config(topic, bucket, **{"flush.size": "6"})})
    assert r.status_code == 201, r.text
    got = wait_objects(bucket, 1)
    assert list(got.values()) == [b"".join(w + b"\n" for _, w in values)]


def test_gzip_field_partitioner_and_struct_values(worker, bucket):
    """Struct values (JSON with schemas) partitioned by a field, gzip-compressed, custom topics.dir."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    schema = {"type": "struct", "optional": False, "fields": [
        {"field": "city", "type": "string", "optional": False},
        {"field": "temp", "type": "double", "optional": True}]}
    rows = [("chicago", 1.5), ("denver", -3.0), ("chicago", 2.5), ("denver", 4.0), ("chicago", 0.0), ("boston", 9.0)]
    produce(topic, [(None, {"schema": schema, "payload": {"city": c, "temp": t}}) for c, t in rows], partition=0)
    cfg = sink_config(topic, bucket, **{
        "value.converter.schemas.enable": "true", "flush.size": "6", "s3.compression.type": "gzip",
        "topics.dir": "landing/raw",
        "partitioner.class": "io.confluent.connect.storage.partitioner.FieldPartitioner",
        "partition.field.name": "city"})
    assert worker.post("/connectors", {"name": "s3gz", "config": cfg}).status_code == 201
    got = wait_objects(bucket, 3)
    base = f"landing/raw/{topic}"
    assert sorted(got) == sorted([f"{base}/city=boston/{topic}+0+0000000005.json.gz",
                                  f"{base}/city=chicago/{topic}+0+0000000000.json.gz",
                                  f"{base}/city=denver/{topic}+0+0000000001.json.gz"])
    chicago = gzip.decompress(got[f"{base}/city=chicago/{topic}+0+0000000000.json.gz"]).decode().splitlines()
    assert [json.loads(l) for l in chicago] == [{"city": "chicago", "temp": t} for t in (1.5, 2.5, 0.0)]


def test_time_based_partitioner_on_record_timestamps(worker, bucket):
    """HourlyPartitioner with the Record extractor: paths from the Kafka timestamps in the zone."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    p = Producer({"bootstrap.servers": BOOTSTRAP})
    # 2024-03-10 06:59:59.999Z and 07:00:00Z = 01:59 EST and 03:00 EDT (DST starts) in New York.
    for ts in (1710053999999, 1710054000000):
        p.produce(topic, value=b'{"v":1}', partition=0, timestamp=ts)
    p.flush()
    cfg = sink_config(topic, bucket, **{
        "flush.size": "1", "partitioner.class": "io.confluent.connect.storage.partitioner.HourlyPartitioner",
        "timestamp.extractor": "Record", "locale": "en-US", "timezone": "America/New_York"})
    assert worker.post("/connectors", {"name": "s3hourly", "config": cfg}).status_code == 201
    got = wait_objects(bucket, 2)
    assert sorted(got) == [f"topics/{topic}/year=2024/month=03/day=10/hour=01/{topic}+0+0000000000.json",
                           f"topics/{topic}/year=2024/month=03/day=10/hour=03/{topic}+0+0000000001.json"]


def test_bytearray_format_and_tombstones_ignored(worker, bucket):
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    produce(topic, [(None, b"alpha"), (None, None), (None, b"beta"), (None, b"gamma")], partition=0)
    cfg = sink_config(topic, bucket, **{
        "format.class": "io.confluent.connect.s3.format.bytearray.ByteArrayFormat",
        "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
        "behavior.on.null.values": "ignore", "flush.size": "3"})
    assert worker.post("/connectors", {"name": "s3bin", "config": cfg}).status_code == 201
    got = wait_objects(bucket, 1)
    assert got == {f"topics/{topic}/partition=0/{topic}+0+0000000000.bin": b"alpha\nbeta\ngamma\n"}


def test_tombstone_fails_the_task_by_default(worker, bucket):
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    produce(topic, [(None, {"a": 1}), (b"\"k\"", None)], partition=0)
    assert worker.post("/connectors", {"name": "s3null", "config": sink_config(topic, bucket)}).status_code == 201
    trace = failed_trace(worker, "s3null")
    assert "behavior.on.null.values" in trace.splitlines()[0]


def test_wrong_secret_fails_with_s3_error_code(worker, bucket):
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    cfg = sink_config(topic, bucket, **{"aws.access.key.id": os.environ["AWS_ACCESS_KEY_ID"],
                                         "aws.secret.access.key": "not-the-secret"})
    assert worker.post("/connectors", {"name": "s3denied", "config": cfg}).status_code == 201
    first = failed_trace(worker, "s3denied").splitlines()[0]
    assert first.startswith("org.apache.kafka.connect.errors.ConnectException: S3 error SignatureDoesNotMatch (HTTP 403)"), first
    assert "not-the-secret" not in json.dumps(worker.get("/connectors/s3denied").json())
    assert worker.get("/connectors/s3denied/config").json()["aws.secret.access.key"] == "[hidden]"


def test_validation_names_the_key(worker, bucket):
    base = sink_config("t", bucket)
    cases = [
        ({"format.class": "io.confluent.connect.s3.format.orc.OrcFormat"}, "format.class"),
        ({"format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat", "parquet.codec": "brotli"},
         "parquet.codec"),
        # Avro's CodecFactory calls it zstandard.
        ({"format.class": "io.confluent.connect.s3.format.avro.AvroFormat", "avro.codec": "zstd"}, "avro.codec"),
        ({"s3.compression.type": "gzip", "s3.compression.level": "10"}, "s3.compression.level"),
        ({"partitioner.class": "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
          "path.format": "'dt'=YYYY-MM-dd", "locale": "en-US", "timezone": "UTC"}, "partition.duration.ms"),
        ({"partitioner.class": "io.confluent.connect.storage.partitioner.DailyPartitioner", "locale": "en-US",
          "timezone": "Mars/Olympus"}, "timezone"),
        ({"flush.size": "0"}, "flush.size"),
        ({"s3.ssea.name": "KMS"}, "s3.ssea.name"),
        ({"s3.acl.canned": "bucket-owner"}, "s3.acl.canned"),
        ({"s3.object.tagging": "true", "s3.object.tagging.key.value.pairs": "team"},
         "s3.object.tagging.key.value.pairs"),
        # Keys that would leave objects unencrypted without the algorithm they need are refused.
        ({"s3.sse.kms.key.id": "alias/k"}, "s3.sse.kms.key.id"),
        ({"s3.ssea.name": "AES256", "s3.sse.customer.key": "dG9vIHNob3J0"}, "s3.sse.customer.key"),
        # As Confluent's: a renamed topic would break the per-partition exactly-once commits.
        ({"transforms": "route", "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
          "transforms.route.regex": "t", "transforms.route.replacement": "u"}, "transforms"),
    ]
    for extra, key in cases:
        cfg = dict(base, **extra)
        r = worker.put("/connector-plugins/S3SinkConnector/config/validate", cfg)
        assert r.status_code == 200, r.text
        errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"] if c["value"]["errors"]}
        assert key in errors, (extra, errors)
    r = worker.post("/connectors", {"name": "bad", "config": dict(base, **{"flush.size": "0"})})
    assert r.status_code == 400 and "flush.size" in r.json()["message"]


def test_sigkill_mid_export_leaves_every_record_in_exactly_one_object(tmp_path, bucket):
    """200k records (S3_KILL_RECORDS=1000000 for the issue's run) over 2 partitions; the worker is killed
    while writing and restarted: the objects hold each record exactly once (same names are rewritten,
    never a second copy under another name)."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic, partitions=2)
    n = int(os.environ.get("S3_KILL_RECORDS", "200000"))
    p = Producer({"bootstrap.servers": BOOTSTRAP, "linger.ms": 50, "batch.num.messages": 10000})
    for i in range(n):
        p.produce(topic, value=b'{"id":%d,"payload":"%s"}' % (i, b"x" * 150), partition=i % 2)
        if i % 50000 == 0:
            p.flush()
    p.flush()
    cfg = sink_config(topic, bucket, **{"flush.size": "5000", "s3.compression.type": "gzip",
                                         "consumer.override.max.poll.records": "2000"})
    w = Worker(tmp_path, name="s3kill-" + uuid.uuid4().hex[:6]).start()
    assert w.post("/connectors", {"name": "s3kill", "config": cfg}).status_code == 201
    wait_objects(bucket, 6)  # mid-way: some objects written, more to come
    w.kill()
    w2 = Worker(tmp_path, name=w.id).start()
    try:
        got = wait_objects(bucket, n // 5000)
        ids = []
        for key, body in got.items():
            lines = gzip.decompress(body).splitlines()
            assert len(lines) == 5000, key
            ids.extend(json.loads(l)["id"] for l in lines)
        assert len(ids) == n and set(ids) == set(range(n))
    finally:
        w2.stop()


def test_large_objects_are_multipart_uploads(worker, bucket):
    """An object larger than s3.part.size (5 MiB, the minimum) goes up in parts and reads back whole."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    n = 12_000
    produce(topic, [(None, {"id": i, "pad": "y" * 500}) for i in range(n)], partition=0)
    cfg = sink_config(topic, bucket, **{"flush.size": str(n), "s3.part.size": str(5 * 1024 * 1024),
                                         "s3.ssea.name": "AES256", "s3.acl.canned": "public-read"})
    assert worker.post("/connectors", {"name": "s3multi", "config": cfg}).status_code == 201
    got = wait_objects(bucket, 1)
    key = f"topics/{topic}/partition=0/{topic}+0+0000000000.json"
    body = got[key]
    assert len(body) > 5 * 1024 * 1024
    assert [json.loads(l)["id"] for l in body.splitlines()] == list(range(n))
    # S3 marks multipart objects with an ETag of "<md5 of part md5s>-<parts>".
    head = s3().head_object(Bucket=bucket, Key=key)
    assert head["ETag"].endswith('-2"')
    # The upload was created with the encryption and the canned ACL asked for.
    assert head["ServerSideEncryption"] == "AES256"
    assert public_read(bucket, key)


def public_read(bucket, key):
    grants = s3().get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return any(g["Grantee"].get("URI", "").endswith("/global/AllUsers") and g["Permission"] == "READ"
               for g in grants)


def test_server_side_encryption_and_canned_acl(worker, bucket):
    """s3.ssea.name=aws:kms with s3.sse.kms.key.id, and s3.acl.canned, on objects written with PutObject;
    a customer-provided key (SSE-C) goes with every request and stays hidden in the REST API."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    produce(topic, [(None, {"id": i}) for i in range(3)], partition=0)
    cfg = sink_config(topic, bucket, **{"s3.ssea.name": "aws:kms", "s3.sse.kms.key.id": "alias/tributary-test",
                                         "s3.acl.canned": "public-read"})
    assert worker.post("/connectors", {"name": "s3kms", "config": cfg}).status_code == 201
    key = f"topics/{topic}/partition=0/{topic}+0+0000000000.json"
    assert list(wait_objects(bucket, 1)) == [key]
    head = s3().head_object(Bucket=bucket, Key=key)
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == "alias/tributary-test"
    assert public_read(bucket, key)
    # Without s3.acl.canned the bucket's default (owner only) applies.
    customer_key = base64.b64encode(b"k" * 32).decode()
    cfg = sink_config(topic, bucket, **{"s3.ssea.name": "AES256", "s3.sse.customer.key": customer_key,
                                         "topics.dir": "ssec"})
    assert worker.post("/connectors", {"name": "s3ssec", "config": cfg}).status_code == 201
    assert list(wait_objects(bucket, 1, prefix="ssec/")) == [f"ssec/{topic}/partition=0/{topic}+0+0000000000.json"]
    assert not public_read(bucket, f"ssec/{topic}/partition=0/{topic}+0+0000000000.json")
    shown = worker.get("/connectors/s3ssec/config").json()
    assert shown["s3.sse.customer.key"] == "[hidden]"
    assert customer_key not in worker.log.read_text()


def test_scheduled_rotation_closes_idle_files(worker, bucket):
    """rotate.schedule.interval.ms writes what an idle partition holds, below flush.size."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    produce(topic, [(None, {"id": i}) for i in range(4)], partition=0)
    cfg = sink_config(topic, bucket, **{"flush.size": "1000", "rotate.schedule.interval.ms": "1000",
                                         "timezone": "UTC"})
    assert worker.post("/connectors", {"name": "s3sched", "config": cfg}).status_code == 201
    got = wait_objects(bucket, 1)
    assert list(got.values()) == [b'{"id":0}\n{"id":1}\n{"id":2}\n{"id":3}\n']


def test_avro_container_files_read_back_with_fastavro(worker, bucket):
    """AvroFormat with avro.codec=deflate: Struct values (JSON with schemas) written as Avro object
    container files that fastavro reads, Confluent's AvroData schema in the header; a schema change
    starts a new file."""
    import io
    import fastavro
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    v1 = {"type": "struct", "name": "com.udacity.weather", "optional": False, "fields": [
        {"field": "temperature", "type": "float", "optional": False},
        {"field": "status", "type": "string", "optional": True}]}
    v2 = dict(v1, fields=v1["fields"] + [{"field": "station", "type": "int32", "optional": True}])
    rows = [(v1, {"temperature": 20.5, "status": "sunny"}), (v1, {"temperature": -3.25, "status": None})] + [
        (v2, {"temperature": float(i), "status": "windy", "station": 40380 + i}) for i in range(3)]
    produce(topic, [(None, {"schema": s, "payload": p}) for s, p in rows], partition=0)
    cfg = sink_config(topic, bucket, **{
        "format.class": "io.confluent.connect.s3.format.avro.AvroFormat", "avro.codec": "deflate",
        "value.converter.schemas.enable": "true", "flush.size": "3"})
    assert worker.post("/connectors", {"name": "s3avro", "config": cfg}).status_code == 201
    got = wait_objects(bucket, 2)
    assert sorted(got) == [f"topics/{topic}/partition=0/{topic}+0+0000000000.avro",
                           f"topics/{topic}/partition=0/{topic}+0+0000000002.avro"]
    first = fastavro.reader(io.BytesIO(got[f"topics/{topic}/partition=0/{topic}+0+0000000000.avro"]))
    assert first.codec == "deflate"
    assert first.writer_schema["name"] == "com.udacity.weather"
    assert list(first) == [{"temperature": 20.5, "status": "sunny"}, {"temperature": -3.25, "status": None}]
    # The schema changed at offset 2: the first file closed with two records, the next holds three.
    second = list(fastavro.reader(io.BytesIO(got[f"topics/{topic}/partition=0/{topic}+0+0000000002.avro"])))
    assert second == [{"temperature": float(i), "status": "windy", "station": 40380 + i} for i in range(3)]


def test_codecs_read_back_with_fastavro_pyarrow_and_gzip(worker, bucket):
    """The system libraries' codecs: Avro snappy and zstandard blocks read by fastavro (cramjam and
    backports.zstd), Parquet zstd, lz4 (Hadoop framing) and lz4_raw pages read by pyarrow, and a JSON
    gzip object of several gzip members read by Python's gzip."""
    import io
    import zlib
    import fastavro
    import pyarrow.parquet as pq
    schema = {"type": "struct", "name": "com.example.Reading", "optional": False, "fields": [
        {"field": "id", "type": "int64", "optional": False},
        {"field": "station", "type": "string", "optional": True}]}
    rows = [{"id": i, "station": f"station {i % 13}" if i % 5 else None} for i in range(2000)]
    for codec in ["snappy", "zstandard"]:
        topic = "s3-" + uuid.uuid4().hex[:8]
        create_topic(topic)
        produce(topic, [(None, {"schema": schema, "payload": r}) for r in rows], partition=0)
        cfg = sink_config(topic, bucket, **{
            "format.class": "io.confluent.connect.s3.format.avro.AvroFormat", "avro.codec": codec,
            "value.converter.schemas.enable": "true", "flush.size": "2000"})
        assert worker.post("/connectors", {"name": f"s3avro-{codec}", "config": cfg}).status_code == 201
        key = f"topics/{topic}/partition=0/{topic}+0+0000000000.avro"
        got = wait_objects(bucket, 1, prefix=f"topics/{topic}/")
        reader = fastavro.reader(io.BytesIO(got[key]))
        assert reader.codec == codec
        assert list(reader) == rows

    # pyarrow names Parquet's LZ4_RAW "LZ4", and its deprecated LZ4 (Hadoop framing), which it reads, UNKNOWN.
    for codec, ext, name in [("zstd", "zstd", "ZSTD"), ("lz4", "lz4", "UNKNOWN"), ("lz4_raw", "lz4raw", "LZ4")]:
        topic = parquet_export(worker, bucket, f"s3parquet-{ext}", schema, rows,
                               **{"parquet.codec": codec, "flush.size": "2000"})
        key = f"topics/{topic}/partition=0/{topic}+0+0000000000.{ext}.parquet"
        got = wait_objects(bucket, 1, prefix=f"topics/{topic}/")
        assert list(got) == [key]
        meta = pq.ParquetFile(io.BytesIO(got[key])).metadata
        assert meta.row_group(0).column(0).compression == name, codec
        assert pq.read_table(io.BytesIO(got[key])).to_pylist() == rows, codec

    # About 700 KB of JSON lines: three 256 KiB pieces, each its own gzip member.
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    lines = [{"id": i, "name": f"{i * 2654435761 % (1 << 128):032x}" * 3 + f" row {i}"} for i in range(3000)]
    produce(topic, [(None, v) for v in lines], partition=0)
    cfg = sink_config(topic, bucket, **{"flush.size": "3000", "s3.compression.type": "gzip",
                                        "s3.compression.level": "9"})
    assert worker.post("/connectors", {"name": "s3gzip", "config": cfg}).status_code == 201
    key = f"topics/{topic}/partition=0/{topic}+0+0000000000.json.gz"
    body = wait_objects(bucket, 1, prefix=f"topics/{topic}/")[key]
    text = gzip.decompress(body)
    assert text == b"".join(json.dumps(v, separators=(",", ":")).encode() + b"\n" for v in lines)
    members, rest = 0, body
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        d.decompress(rest)
        members, rest = members + 1, d.unused_data
    assert members == (len(text) + (256 << 10) - 1) // (256 << 10) > 1


def test_avro_refuses_schemaless_values_naming_the_record(worker, bucket):
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    produce(topic, [(None, {"a": 1})], partition=0)
    cfg = sink_config(topic, bucket, **{"format.class": "io.confluent.connect.s3.format.avro.AvroFormat"})
    assert worker.post("/connectors", {"name": "s3avro2", "config": cfg}).status_code == 201
    first = failed_trace(worker, "s3avro2").splitlines()[0]
    assert "AvroFormat needs values with a schema" in first and "offset 0" in first, first


def parquet_export(worker, bucket, name, schema, payloads, **extra):
    """A topic holding `payloads` as JsonConverter envelopes of `schema`, exported by a ParquetFormat sink
    named `name`; returns the topic."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    produce(topic, [(None, {"schema": schema, "payload": p}) for p in payloads], partition=0)
    cfg = sink_config(topic, bucket, **{
        "format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat",
        "value.converter.schemas.enable": "true", **extra})
    assert worker.post("/connectors", {"name": name, "config": cfg}).status_code == 201
    return topic


def test_parquet_files_read_back_with_pyarrow(worker, bucket):
    """ParquetFormat (snappy, the default codec, gzip and none): struct values with logical types, nested
    structs, arrays and maps written as Parquet files that pyarrow reads, named `.snappy.parquet`; maps
    with non-primitive keys fail naming the record and the field."""
    import base64
    import datetime
    import decimal
    import io
    import pyarrow.parquet as pq
    schema = {"type": "struct", "name": "gov.usgs.Quake", "optional": False, "fields": [
        {"field": "id", "type": "int64", "optional": False},
        {"field": "place", "type": "string", "optional": True},
        {"field": "mag", "type": "double", "optional": True},
        {"field": "depth", "type": "bytes", "optional": True, "name": "org.apache.kafka.connect.data.Decimal",
         "parameters": {"scale": "2", "connect.decimal.precision": "8"}},
        {"field": "time", "type": "int64", "optional": False, "name": "org.apache.kafka.connect.data.Timestamp"},
        {"field": "day", "type": "int32", "optional": False, "name": "org.apache.kafka.connect.data.Date"},
        {"field": "tsunami", "type": "boolean", "optional": False},
        {"field": "sig", "type": "int16", "optional": False}]}

    def dec(cents):
        return base64.b64encode(cents.to_bytes(4, "big", signed=True)).decode()
    rows = [{"id": i, "place": None if i == 1 else f"{i} km N of Petrolia", "mag": None if i == 2 else 2.5 + i,
             "depth": None if i == 3 else dec(-1234 + i), "time": 1_700_000_000_000 + i, "day": 19_675,
             "tsunami": i % 2 == 0, "sig": 100 + i} for i in range(5)]
    topic = parquet_export(worker, bucket, "s3parquet", schema, rows, **{"flush.size": "5"})
    key = f"topics/{topic}/partition=0/{topic}+0+0000000000.snappy.parquet"
    got = wait_objects(bucket, 1)
    assert list(got) == [key]
    table = pq.read_table(io.BytesIO(got[key]))
    meta = pq.ParquetFile(io.BytesIO(got[key])).metadata
    assert meta.row_group(0).column(0).compression == "SNAPPY"
    # Statistics that let readers skip files: nulls, and min/max in each type's order.
    stats = {meta.row_group(0).column(i).path_in_schema: meta.row_group(0).column(i).statistics
             for i in range(meta.num_columns)}
    assert (stats["id"].min, stats["id"].max, stats["id"].null_count) == (0, 4, 0)
    assert (stats["place"].min, stats["place"].max) == ("0 km N of Petrolia", "4 km N of Petrolia")
    assert stats["place"].null_count == 1 and stats["depth"].null_count == 1
    assert (stats["mag"].min, stats["mag"].max) == (2.5, 6.5)
    assert stats["time"].has_min_max and not stats["depth"].has_min_max
    assert str(table.schema.field("time").type) == "timestamp[ms, tz=UTC]"
    assert str(table.schema.field("day").type) == "date32[day]"
    assert str(table.schema.field("depth").type) == "decimal128(8, 2)"
    assert table.schema.field("place").nullable and not table.schema.field("id").nullable
    utc = datetime.timezone.utc
    assert table.to_pylist() == [
        {"id": i, "place": None if i == 1 else f"{i} km N of Petrolia", "mag": None if i == 2 else 2.5 + i,
         "depth": None if i == 3 else decimal.Decimal(-1234 + i).scaleb(-2),
         "time": datetime.datetime.fromtimestamp((1_700_000_000_000 + i) / 1000, tz=utc),
         "day": datetime.date(2023, 11, 14), "tsunami": i % 2 == 0, "sig": 100 + i} for i in range(5)]

    # gzip pages, and 3 000 rows so that pages are long and compress.
    flat = {"type": "struct", "optional": False, "fields": [
        {"field": "n", "type": "int32", "optional": False}, {"field": "s", "type": "string", "optional": False}]}
    topic2 = parquet_export(worker, bucket, "s3parquet2", flat,
                            [{"n": i, "s": f"station {i % 7}"} for i in range(3000)],
                            **{"parquet.codec": "gzip", "flush.size": "3000"})
    key2 = f"topics/{topic2}/partition=0/{topic2}+0+0000000000.gz.parquet"
    got2 = wait_objects(bucket, 1, prefix=f"topics/{topic2}/")
    assert list(got2) == [key2]
    t2 = pq.read_table(io.BytesIO(got2[key2]))
    assert t2.to_pylist() == [{"n": i, "s": f"station {i % 7}"} for i in range(3000)]

    # Nested structs are groups (Debezium's before/after envelopes); a null optional group reads back as
    # None and its required columns with it.
    row = {"type": "struct", "name": "cdc.Row", "optional": True, "fields": [
        {"field": "id", "type": "int32", "optional": False}, {"field": "city", "type": "string", "optional": True}]}
    envelope = {"type": "struct", "name": "cdc.Envelope", "optional": False, "fields": [
        {"field": "before", **row}, {"field": "after", **row}, {"field": "op", "type": "string", "optional": False},
        {"field": "source", "type": "struct", "optional": False, "fields": [
            {"field": "table", "type": "string", "optional": False},
            {"field": "pos", "type": "struct", "optional": True, "fields": [
                {"field": "lsn", "type": "int64", "optional": False}]}]}]}
    changes = [
        {"before": None, "after": {"id": 1, "city": "Oakland"}, "op": "c",
         "source": {"table": "stations", "pos": {"lsn": 10}}},
        {"before": {"id": 1, "city": "Oakland"}, "after": {"id": 1, "city": None}, "op": "u",
         "source": {"table": "stations", "pos": None}},
        {"before": {"id": 1, "city": None}, "after": None, "op": "d", "source": {"table": "stations", "pos": {"lsn": 12}}}]
    topic3 = parquet_export(worker, bucket, "s3parquet3", envelope, changes,
                            **{"parquet.codec": "none", "flush.size": "3"})
    key3 = f"topics/{topic3}/partition=0/{topic3}+0+0000000000.parquet"
    got3 = wait_objects(bucket, 1, prefix=f"topics/{topic3}/")
    assert list(got3) == [key3]
    assert pq.read_table(io.BytesIO(got3[key3])).to_pylist() == changes

    # Arrays and maps are Parquet's LIST and MAP groups: empty, null, null elements, lists of structs and
    # of lists.
    reading = {"type": "struct", "optional": False, "fields": [
        {"field": "t", "type": "int64", "optional": False}, {"field": "v", "type": "double", "optional": True}]}
    repeated = {"type": "struct", "name": "iot.Sensor", "optional": False, "fields": [
        {"field": "id", "type": "string", "optional": False},
        {"field": "tags", "type": "array", "items": {"type": "string", "optional": True}, "optional": True},
        {"field": "readings", "type": "array", "items": reading, "optional": False},
        {"field": "attrs", "type": "map", "keys": {"type": "string", "optional": False},
         "values": {"type": "int32", "optional": True}, "optional": True},
        {"field": "grid", "type": "array", "optional": False,
         "items": {"type": "array", "items": {"type": "int32", "optional": False}, "optional": False}}]}
    sensors = [
        {"id": "a", "tags": ["x", None, "y"], "readings": [{"t": 1, "v": 0.5}, {"t": 2, "v": None}],
         "attrs": {"floor": 3, "room": None}, "grid": [[1, 2], [], [3]]},
        {"id": "b", "tags": None, "readings": [], "attrs": {}, "grid": []},
        {"id": "c", "tags": [], "readings": [{"t": 3, "v": 1.5}], "attrs": None, "grid": [[4]]}]
    topic4 = parquet_export(worker, bucket, "s3parquet4", repeated, sensors, **{"flush.size": "3"})
    key4 = f"topics/{topic4}/partition=0/{topic4}+0+0000000000.snappy.parquet"
    got4 = wait_objects(bucket, 1, prefix=f"topics/{topic4}/")
    assert list(got4) == [key4]
    as_read = [dict(r, attrs=None if r["attrs"] is None else dict(r["attrs"]))
               for r in pq.read_table(io.BytesIO(got4[key4])).to_pylist()]
    assert as_read == sensors

    # Values without a schema and maps with non-primitive keys are data errors naming the record and field.
    odd = {"type": "struct", "optional": False, "fields": [
        {"field": "m", "type": "map", "optional": False, "keys": {"type": "array", "items": {"type": "int32"}},
         "values": {"type": "int32"}}]}
    parquet_export(worker, bucket, "s3parquet5", odd, [{"m": [[[1], 2]]}])
    first = failed_trace(worker, "s3parquet5").splitlines()[0]
    assert "Cannot write the record at" in first and "offset 0 as Parquet" in first and "field m" in first, first


def test_schema_compatibility_backward_projects_older_records(tmp_path, bucket):
    """The weather emitter's schema gains a field (v2) while old producers still write v1: with
    schema.compatibility=BACKWARD (versions from the registry through the AvroConverter) a v1 record
    after the switch is projected into v2 instead of starting another file; without versions the
    task fails naming the setting."""
    import io
    import fastavro
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    w = Worker(tmp_path).with_registry(proxy=False).start()
    try:
        topic = "s3-" + uuid.uuid4().hex[:8]
        create_topic(topic)
        v1 = {"type": "record", "name": "weather", "namespace": "com.udacity", "fields": [
            {"name": "temperature", "type": "float"}, {"name": "status", "type": "string"}]}
        v2 = dict(v1, fields=v1["fields"] + [{"name": "station", "type": ["null", "int"], "default": None}])
        sr = SchemaRegistryClient({"url": w.sr_url})
        ser = {1: AvroSerializer(sr, json.dumps(v1)), 2: AvroSerializer(sr, json.dumps(v2))}
        ctx = SerializationContext(topic, MessageField.VALUE)
        rows = [(1, {"temperature": 20.5, "status": "sunny"}), (1, {"temperature": 18.0, "status": "cloudy"}),
                (2, {"temperature": 17.5, "status": "windy", "station": 40380}),
                (1, {"temperature": 16.0, "status": "windy"}),
                (2, {"temperature": 15.5, "status": "precipitation", "station": 40390})]
        produce(topic, [(None, ser[v](r, ctx)) for v, r in rows], partition=0)
        avro = {"value.converter": "io.confluent.connect.avro.AvroConverter",
                "value.converter.schema.registry.url": w.sr_url,
                "format.class": "io.confluent.connect.s3.format.avro.AvroFormat"}
        cfg = sink_config(topic, bucket, **avro, **{"schema.compatibility": "BACKWARD"})
        assert w.post("/connectors", {"name": "s3backward", "config": cfg}).status_code == 201
        got = wait_objects(bucket, 2)
        base = f"topics/{topic}/partition=0/{topic}+0+"
        assert sorted(got) == [base + "0000000000.avro", base + "0000000002.avro"]
        first = list(fastavro.reader(io.BytesIO(got[base + "0000000000.avro"])))
        assert first == [rows[0][1], rows[1][1]]
        second = fastavro.reader(io.BytesIO(got[base + "0000000002.avro"]))
        assert [f["name"] for f in second.writer_schema["fields"]] == ["temperature", "status", "station"]
        assert list(second) == [rows[2][1], dict(rows[3][1], station=None), rows[4][1]]

        # JSON schemas without versions cannot be compared under BACKWARD.
        topic2 = "s3-" + uuid.uuid4().hex[:8]
        create_topic(topic2)
        s = {"type": "struct", "name": "w", "optional": False, "fields": [
            {"field": "t", "type": "float", "optional": False}]}
        s2 = dict(s, fields=s["fields"] + [{"field": "u", "type": "int32", "optional": True}])
        produce(topic2, [(None, {"schema": s, "payload": {"t": 1.0}}),
                         (None, {"schema": s2, "payload": {"t": 2.0, "u": 1}})], partition=0)
        cfg = sink_config(topic2, bucket, **{"value.converter.schemas.enable": "true",
                                             "schema.compatibility": "BACKWARD"})
        assert w.post("/connectors", {"name": "s3noversion", "config": cfg}).status_code == 201
        assert "Schema version required for BACKWARD compatibility" in failed_trace(w, "s3noversion")
    finally:
        w.stop()


def test_object_tagging_with_offsets_count_and_extra_pairs(worker, bucket):
    """s3.object.tagging: each object tagged after it is written with its first and last offset and its
    record count, plus s3.object.tagging.key.value.pairs (Confluent's tag names)."""
    topic = "s3-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    produce(topic, [(None, {"id": i}) for i in range(5)], partition=0)
    cfg = sink_config(topic, bucket, **{"flush.size": "2", "s3.object.tagging": "true",
                                         "s3.object.tagging.key.value.pairs": "team:iot, retention:30d",
                                         "s3.object.behavior.on.tagging.error": "fail"})
    assert worker.post("/connectors", {"name": "s3tags", "config": cfg}).status_code == 201
    base = f"topics/{topic}/partition=0/{topic}+0+"

    def tags(key):
        return {t["Key"]: t["Value"] for t in s3().get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}
    # Objects become visible before their tags are put: wait for the second one's tags.
    wait_until(lambda: len(objects(bucket)) == 2 and tags(base + "0000000002.json"), what="2 tagged objects")
    assert tags(base + "0000000000.json") == {"startOffset": "0", "endOffset": "1", "recordCount": "2",
                                              "team": "iot", "retention": "30d"}
    assert tags(base + "0000000002.json")["endOffset"] == "3"
