"""Kafka Connect's error handling (errors.tolerance, errors.log.*, the dead-letter queue and its context
headers) on the built binary: poison records against the JDBC sink, a source whose converter refuses
every record."""
import os
import uuid

import psycopg2
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import BOOTSTRAP, read_topic, wait_until, write_lines

PG_URL = os.environ.get("PG_URL")


def sql(statement, fetch=False):
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(statement)
        return cur.fetchall() if fetch else None


def create_topic(name):
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    for f in admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)]).values():
        f.result()


def dlq_records(topic, n):
    """(value, {header: str}) of the first n records of the dead-letter queue topic (once the task made it)."""
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    wait_until(lambda: topic in admin.list_topics(timeout=5).topics, what=f"topic {topic}")
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "dlq-" + uuid.uuid4().hex, "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, 0)])
    out = []
    def more():
        m = c.poll(0.5)
        if m is not None and not m.error():
            out.append((m.value(), {k: v.decode() for k, v in (m.headers() or [])}))
        return len(out) >= n
    try:
        wait_until(more, what=f"{n} records in {topic}")
    finally:
        c.close()
    return out


def poison_batch(topic):
    """good, invalid JSON, good, a row the table refuses (NOT NULL), good: all in one partition."""
    p = Producer({"bootstrap.servers": BOOTSTRAP})
    for v in [b'{"id":1,"name":"a"}', b'{"id":2,"name":', b'{"id":3,"name":"c"}', b'{"id":4,"name":null}',
              b'{"id":5,"name":"e"}']:
        p.produce(topic, value=v, partition=0, headers=[("origin", b"test")])
    p.flush()


def jdbc_sink(topic, table, **extra):
    c = {
        "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector", "topics": topic,
        "connection.url": os.environ["PG_JDBC_URL"], "connection.user": os.environ["PG_USER"],
        "connection.password": os.environ["PG_PASSWORD"], "table.name.format": table,
        "insert.mode": "upsert", "pk.mode": "record_value", "pk.fields": "id",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
    }
    c.update(extra)
    return c


def test_poison_records_go_to_the_dead_letter_queue_with_headers(worker):
    topic, dlq, table = (f"{p}-{uuid.uuid4().hex[:8]}" for p in ("poison", "dlq", "t"))
    table = table.replace("-", "_")
    sql(f"CREATE TABLE {table} (id int PRIMARY KEY, name text NOT NULL)")
    try:
        create_topic(topic)
        poison_batch(topic)
        cfg = jdbc_sink(topic, table, **{
            "errors.tolerance": "all", "errors.log.enable": "true", "errors.log.include.messages": "true",
            "errors.deadletterqueue.topic.name": dlq, "errors.deadletterqueue.topic.replication.factor": "1",
            "errors.deadletterqueue.context.headers.enable": "true"})
        assert worker.post("/connectors", {"name": "poison", "config": cfg}).status_code == 201
        dead = dlq_records(dlq, 2)
        # The original bytes and headers, then Kafka Connect's context headers.
        assert [v for v, _ in dead] == [b'{"id":2,"name":', b'{"id":4,"name":null}']
        conv, put = dead[0][1], dead[1][1]
        assert conv["origin"] == "test"
        assert conv["__connect.errors.topic"] == topic
        assert conv["__connect.errors.partition"] == "0"
        assert conv["__connect.errors.offset"] == "1"
        assert conv["__connect.errors.connector.name"] == "poison"
        assert conv["__connect.errors.task.id"] == "0"
        assert conv["__connect.errors.stage"] == "VALUE_CONVERTER"
        assert conv["__connect.errors.class.name"] == "org.apache.kafka.connect.json.JsonConverter"
        assert conv["__connect.errors.exception.class.name"] == "org.apache.kafka.connect.errors.DataException"
        assert put["__connect.errors.offset"] == "3"
        assert put["__connect.errors.stage"] == "TASK_PUT"
        assert put["__connect.errors.class.name"] == "io.confluent.connect.jdbc.sink.JdbcSinkTask"
        assert "null value in column \"name\"" in put["__connect.errors.exception.message"]
        assert "23502" in put["__connect.errors.exception.message"]
        # Every good record is in the table, the task still runs, and the offsets cover all five.
        wait_until(lambda: sql(f"SELECT id FROM {table} ORDER BY id", fetch=True) == [(1,), (3,), (5,)],
                   what="the three good rows")
        assert worker.get("/connectors/poison/status").json()["tasks"][0]["state"] == "RUNNING"
        # No offsets until the first commit (every offset.flush.interval.ms): an empty list is "not yet".
        def committed():
            offsets = worker.get("/connectors/poison/offsets").json()["offsets"]
            return offsets and offsets[0]["offset"]["kafka_offset"] == 5
        wait_until(committed, what="offsets past the poison records")
        log = worker.log.read_text()
        assert "Error encountered in task poison-0. Executing stage 'VALUE_CONVERTER' with class 'org.apache.kafka.connect.json.JsonConverter', where consumed record is {topic='%s', partition=0, offset=1" % topic in log
    finally:
        sql(f"DROP TABLE IF EXISTS {table}")


def test_without_tolerance_the_first_poison_record_fails_the_task(worker):
    topic, table = f"poison-{uuid.uuid4().hex[:8]}", "t_" + uuid.uuid4().hex[:8]
    sql(f"CREATE TABLE {table} (id int PRIMARY KEY, name text NOT NULL)")
    try:
        create_topic(topic)
        poison_batch(topic)
        assert worker.post("/connectors", {"name": "strict", "config": jdbc_sink(topic, table)}).status_code == 201
        def failed():
            t = worker.get("/connectors/strict/status").json()["tasks"]
            return t and t[0]["state"] == "FAILED" and t[0]["trace"]
        first = wait_until(failed, what="strict FAILED").splitlines()[0]
        assert "offset 1" in first and "DataException" in first, first
        assert sql(f"SELECT count(*) FROM {table}", fetch=True) == [(0,)]  # nothing half-written
    finally:
        sql(f"DROP TABLE IF EXISTS {table}")


def test_source_records_a_converter_refuses_are_skipped_under_tolerance(worker, tmp_path):
    """ByteArrayConverter refuses the file source's strings: with errors.tolerance=all every record is
    logged and skipped and the source offset still moves; without it the task fails."""
    src = tmp_path / "lines.txt"
    write_lines(src, ["one", "two", "three"])
    topic = f"skipped-{worker.id}"
    base = {"connector.class": "FileStreamSource", "file": str(src), "topic": topic,
            "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter"}
    tolerant = dict(base, **{"errors.tolerance": "all", "errors.log.enable": "true"})
    assert worker.post("/connectors", {"name": "tolerant", "config": tolerant}).status_code == 201
    def offset_moved():
        o = worker.get("/connectors/tolerant/offsets").json()["offsets"]
        return o and o[0]["offset"].get("position") == len("one\ntwo\nthree\n")
    wait_until(offset_moved, what="source offset past the skipped records")
    assert worker.get("/connectors/tolerant/status").json()["tasks"][0]["state"] == "RUNNING"
    assert read_topic(topic) == []
    assert worker.log.read_text().count("Executing stage 'VALUE_CONVERTER' with class 'org.apache.kafka.connect.converters.ByteArrayConverter'") == 3
    assert worker.post("/connectors", {"name": "intolerant", "config": base}).status_code == 201
    def failed():
        t = worker.get("/connectors/intolerant/status").json()["tasks"]
        return t and t[0]["state"] == "FAILED" and t[0]["trace"]
    assert "Invalid schema type for ByteArrayConverter: STRING" in wait_until(failed, what="intolerant FAILED")


def test_source_records_the_producer_refuses_are_skipped_under_tolerance(worker, tmp_path):
    """A line of 1.5 MB is larger than the producer's message.max.bytes (1 000 000): with
    errors.tolerance=all it is logged (stage KAFKA_PRODUCE) and skipped, the lines around it arrive
    and the offset moves past it, as Kafka Connect does since KIP-779; without it the task fails."""
    src = tmp_path / "big.txt"
    write_lines(src, ["before", "x" * 1_500_000, "after"])
    topic = f"big-{worker.id}"
    base = {"connector.class": "FileStreamSource", "file": str(src), "topic": topic}
    tolerant = dict(base, **{"errors.tolerance": "all", "errors.log.enable": "true"})
    assert worker.post("/connectors", {"name": "bigtolerant", "config": tolerant}).status_code == 201
    def offset_moved():
        o = worker.get("/connectors/bigtolerant/offsets").json()["offsets"]
        return o and o[0]["offset"].get("position") == src.stat().st_size
    wait_until(offset_moved, what="source offset past the refused record")
    assert worker.get("/connectors/bigtolerant/status").json()["tasks"][0]["state"] == "RUNNING"
    # The topic has the broker's default partitions: the two records may be read in either order.
    values = sorted(v for _, v in read_topic(topic, expect_min=2))
    assert len(values) == 2 and b"after" in values[0] and b"before" in values[1], values
    assert "Executing stage 'KAFKA_PRODUCE' with class 'org.apache.kafka.connect.runtime.WorkerSourceTask'" \
        in worker.log.read_text()
    assert worker.post("/connectors", {"name": "bigintolerant",
                                       "config": dict(base, topic=topic + "-2")}).status_code == 201
    def failed():
        t = worker.get("/connectors/bigintolerant/status").json()["tasks"]
        return t and t[0]["state"] == "FAILED" and t[0]["trace"]
    assert "too large" in wait_until(failed, what="bigintolerant FAILED").lower()


def test_under_tolerance_a_value_postgresql_refuses_is_the_only_record_in_the_dead_letter_queue(worker):
    """One bad value (a decimal for an INT column) in a batch of 100: the 99 good rows land, exactly the
    bad record goes to the DLQ with PostgreSQL's message, its column and value, and the task runs on."""
    topic, dlq, table = f"orders-{uuid.uuid4().hex[:8]}", f"dlq-{uuid.uuid4().hex[:8]}", "t_" + uuid.uuid4().hex[:8]
    sql(f"CREATE TABLE {table} (id int PRIMARY KEY, total int)")
    try:
        create_topic(topic)
        p = Producer({"bootstrap.servers": BOOTSTRAP})
        for i in range(100):
            p.produce(topic, value=b'{"id":%d,"total":%s}' % (i, b"119.88" if i == 42 else str(i).encode()), partition=0)
        p.flush()
        cfg = jdbc_sink(topic, table, **{
            "errors.tolerance": "all", "errors.deadletterqueue.topic.name": dlq,
            "errors.deadletterqueue.topic.replication.factor": "1", "errors.deadletterqueue.context.headers.enable": "true"})
        assert worker.post("/connectors", {"name": "orders", "config": cfg}).status_code == 201
        wait_until(lambda: sql(f"SELECT count(*), sum(id) FROM {table}", fetch=True) == [(99, sum(range(100)) - 42)],
                   what="the 99 good rows")
        [(value, headers)] = dlq_records(dlq, 1)
        assert value == b'{"id":42,"total":119.88}'
        assert headers["__connect.errors.offset"] == "42"
        assert headers["__connect.errors.stage"] == "TASK_PUT"
        message = headers["__connect.errors.exception.message"]
        assert 'invalid input syntax for type integer: "119.88" (SQLSTATE 22P02)' in message, message
        assert 'column total, value "119.88"' in message, message
        # It is the only one: the queue ends after it (every good row is already written).
        c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "dlq-" + uuid.uuid4().hex})
        try:
            assert c.get_watermark_offsets(TopicPartition(dlq, 0), timeout=10) == (0, 1)
        finally:
            c.close()
        assert worker.get("/connectors/orders/status").json()["tasks"][0]["state"] == "RUNNING"
    finally:
        sql(f"DROP TABLE IF EXISTS {table}")
