"""Faults under load, on the built binary: the broker paused (SIGSTOP) under a source, PostgreSQL stopped
under a JDBC sink, the S3 server paused under an S3 sink. Each outage ends; every record arrives exactly
once and the connector stays RUNNING."""
import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

from conftest import Worker, read_topic, wait_until, write_lines, sql
from test_jdbc_sink import produce as produce_json, sink_config as jdbc_sink_config
from test_s3_sink import create_topic, objects, sink_config as s3_sink_config

CACHE = Path(os.environ.get("TRIBUTARY_CACHE") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tributary")
SERVICES = Path(__file__).resolve().parents[2] / "dev" / "services.sh"


def pid(service):
    return int((CACHE / "services" / f"{service}.pid").read_text())


def append_lines(path, lines):
    with open(path, "a") as f:
        f.write("".join(line + "\n" for line in lines))


def task_state(w, name):
    tasks = w.get(f"/connectors/{name}/status").json().get("tasks", [])
    return tasks[0]["state"] if tasks else None


def test_broker_paused_20s_under_a_source_every_record_exactly_once(tmp_path):
    """Kafka Connect's source producers are idempotent, and a rebalance does not restart a task that
    stays where it is: requests retried after the broker comes back are not written twice. (Before
    issue 22 this lost nothing but wrote a third of the records twice.)"""
    src = tmp_path / "lines.txt"
    write_lines(src, [f"line-{i:05d}" for i in range(1000)])
    w = Worker(tmp_path)
    w.start()
    try:
        topic = f"paused-{w.id}"
        assert w.post("/connectors", {"name": "paused", "config": {
            "connector.class": "FileStreamSource", "file": str(src), "topic": topic,
            "batch.size": "50"}}).status_code == 201
        wait_until(lambda: len(read_topic(topic)) > 0, what="first records")
        broker = pid("tansu")
        os.kill(broker, signal.SIGSTOP)
        try:
            append_lines(src, [f"line-{i:05d}" for i in range(1000, 2000)])
            time.sleep(20)  # the fault itself: the broker stays paused this long
        finally:
            os.kill(broker, signal.SIGCONT)
        append_lines(src, [f"line-{i:05d}" for i in range(2000, 3000)])
        expected = [f"line-{i:05d}" for i in range(3000)]
        values = lambda: [json.loads(v) for _, v in read_topic(topic)]
        wait_until(lambda: set(values()) == set(expected), timeout=120, what="all 3000 lines")
        got = values()
        assert len(got) == 3000, f"{len(got) - len(set(got))} duplicates"
        assert task_state(w, "paused") == "RUNNING"
    finally:
        w.stop()


def test_postgres_stopped_15s_under_a_jdbc_sink_every_row_once(tmp_path, schema):
    """The sink's writes fail while PostgreSQL is down (retriable: the task retries, with max.retries
    and retry.backoff.ms), then resume: every row lands once and the task stays RUNNING."""
    table = f"outage_{uuid.uuid4().hex[:6]}"
    w = Worker(tmp_path).start()
    try:
        topic = f"pgdown-{w.id}"
        produce_json(topic, [({"id": i}, {"id": i, "v": f"a-{i}"}) for i in range(500)], partition=0)
        # The sink's defaults: max.retries=10 with retry.backoff.ms=3000 cover the outage.
        cfg = jdbc_sink_config(topic, **{
            "table.name.format": f"{schema}.{table}", "insert.mode": "upsert", "pk.mode": "record_value",
            "pk.fields": "id", "value.converter.schemas.enable": "false"})
        sql(f"CREATE TABLE {schema}.{table} (id INT PRIMARY KEY, v TEXT)")
        assert w.post("/connectors", {"name": "pgdown", "config": cfg}).status_code == 201
        count = lambda: sql(f"SELECT count(*) FROM {schema}.{table}", fetch=True)[0][0]
        wait_until(lambda: count() == 500, what="the first 500 rows")
        subprocess.run(["bash", str(SERVICES), "pg-stop"], check=True)
        try:
            produce_json(topic, [({"id": i}, {"id": i, "v": f"b-{i}"}) for i in range(500, 1000)], partition=0)
            time.sleep(15)  # the fault itself: PostgreSQL stays down this long
        finally:
            subprocess.run(["bash", str(SERVICES), "pg-start"], check=True)
        wait_until(lambda: count() == 1000, timeout=90, what="all 1000 rows")
        assert sql(f"SELECT count(DISTINCT id) FROM {schema}.{table} WHERE v = 'b-' || id", fetch=True)[0][0] == 500
        assert task_state(w, "pgdown") == "RUNNING"
    finally:
        w.stop()


def test_s3_paused_20s_under_an_s3_sink_every_record_in_one_object(tmp_path):
    """Uploads stall while the S3 server is paused, then complete: every record is in exactly one
    object and the task stays RUNNING."""
    import boto3
    bucket = "b-" + uuid.uuid4().hex[:10]
    boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT"], region_name="us-east-1").create_bucket(Bucket=bucket)
    topic = "s3down-" + uuid.uuid4().hex[:8]
    create_topic(topic)
    w = Worker(tmp_path).start()
    try:
        from confluent_kafka import Producer
        from conftest import BOOTSTRAP
        p = Producer({"bootstrap.servers": BOOTSTRAP})
        send = lambda ids: ([p.produce(topic, value=json.dumps({"id": i}).encode(), partition=0) for i in ids], p.flush())
        send(range(0, 300))
        assert w.post("/connectors", {"name": "s3down", "config": s3_sink_config(
            topic, bucket, **{"flush.size": "100"})}).status_code == 201
        wait_until(lambda: len(objects(bucket)) == 3, what="the first 3 objects")
        server = pid("moto")
        os.kill(server, signal.SIGSTOP)
        try:
            send(range(300, 600))
            time.sleep(20)  # the fault itself: the S3 server stays paused this long
        finally:
            os.kill(server, signal.SIGCONT)
        got = wait_until(lambda: (o := objects(bucket)) and len(o) == 6 and o, timeout=120, what="6 objects")
        ids = [json.loads(l)["id"] for body in got.values() for l in body.splitlines()]
        assert sorted(ids) == list(range(600))
        assert task_state(w, "s3down") == "RUNNING"
    finally:
        w.stop()
