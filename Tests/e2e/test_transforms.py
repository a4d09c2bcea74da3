"""Kafka's SMTs and predicates in real pipelines: a JDBC source whose records are renamed, reshaped and
routed on their way to Kafka, and a JDBC sink that drops, converts and annotates records on their way
to PostgreSQL. Records are read back with confluent-kafka and psycopg2."""
import json
import os
import uuid

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import BOOTSTRAP, read_topic, wait_until, sql

PG_JDBC_URL = os.environ.get("PG_JDBC_URL")
SMT = "org.apache.kafka.connect.transforms."


def connection():
    return {"connection.url": PG_JDBC_URL, "connection.user": os.environ["PG_USER"],
            "connection.password": os.environ["PG_PASSWORD"]}


def test_source_records_are_reshaped_and_routed(worker, schema):
    sql(f"CREATE TABLE {schema}.events (id int PRIMARY KEY, name text, secret text, created_at timestamp)")
    sql(f"INSERT INTO {schema}.events VALUES (1, 'ada', 'pw1', '2024-02-29 23:59:59'), "
        f"(2, 'bob', 'pw2', '2024-03-01 00:00:00')")
    prefix = f"smt-{worker.id}-"
    config = {
        "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector", **connection(),
        "mode": "incrementing", "incrementing.column.name": "id", "table.whitelist": f"{schema}.events",
        "topic.prefix": prefix, "poll.interval.ms": "1000",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "transforms": "route,fields,day,origin",
        "transforms.route.type": SMT + "RegexRouter",
        "transforms.route.regex": "(.*)events", "transforms.route.replacement": "$1audit",
        "transforms.fields.type": SMT + "ReplaceField$Value",
        "transforms.fields.exclude": "secret", "transforms.fields.renames": "name:user",
        "transforms.day.type": SMT + "TimestampConverter$Value",
        "transforms.day.field": "created_at", "transforms.day.target.type": "string",
        "transforms.day.format": "yyyy-MM-dd",
        "transforms.origin.type": SMT + "InsertField$Value",
        "transforms.origin.topic.field": "topic", "transforms.origin.static.field": "origin",
        "transforms.origin.static.value": "pg",
    }
    r = worker.post("/connectors", {"name": "audit", "config": config})
    assert r.status_code == 201, r.text
    records = [json.loads(v) for _, v in read_topic(prefix + "audit", expect_min=2)]
    payloads = sorted((rec["payload"] for rec in records), key=lambda p: p["id"])
    assert payloads == [
        {"id": 1, "user": "ada", "created_at": "2024-02-29", "topic": prefix + "audit", "origin": "pg"},
        {"id": 2, "user": "bob", "created_at": "2024-03-01", "topic": prefix + "audit", "origin": "pg"},
    ]
    fields = {f["field"]: f for f in records[0]["schema"]["fields"]}
    assert list(fields) == ["id", "user", "created_at", "topic", "origin"]
    assert fields["created_at"]["type"] == "string" and "name" not in fields["created_at"]
    assert fields["topic"]["optional"] is True
    assert read_topic(prefix + "events", timeout=0) == []  # nothing went to the table's own topic

    plugins = {p["class"]: p["type"] for p in worker.get("/connector-plugins?connectorsOnly=false").json()}
    assert plugins[SMT + "RegexRouter"] == "transformation"
    assert plugins[SMT + "Cast$Value"] == "transformation"
    assert plugins[SMT + "predicates.HasHeaderKey"] == "predicate"

    # A bad regex is refused at creation, naming the key.
    bad = dict(config, **{"transforms.route.regex": "(unclosed"})
    r = worker.post("/connectors", {"name": "badregex", "config": bad})
    assert r.status_code == 400, r.text
    assert "transforms.route" in r.json()["message"] or "regex" in r.json()["message"], r.text


def test_sink_records_are_filtered_cast_and_annotated(worker, schema):
    topic = f"smt-sink-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result()
    sql(f"CREATE TABLE {schema}.payments (id int PRIMARY KEY, amount int, kafka_offset bigint, kafka_partition int)")
    p = Producer({"bootstrap.servers": BOOTSTRAP})
    p.produce(topic, value=json.dumps({"id": 1, "amount": 12.7}).encode())
    p.produce(topic, value=json.dumps({"id": 2, "amount": 99}).encode(), headers=[("skip", b"test data")])
    p.produce(topic, value=json.dumps({"id": 3, "amount": "5"}).encode())
    p.flush()
    config = {
        "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector", **connection(), "topics": topic,
        "table.name.format": f"{schema}.payments", "insert.mode": "upsert", "pk.mode": "record_value",
        "pk.fields": "id",
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
        "transforms": "skip,cast,meta",
        "transforms.skip.type": SMT + "Filter", "transforms.skip.predicate": "isTest",
        "transforms.cast.type": SMT + "Cast$Value", "transforms.cast.spec": "amount:int32",
        "transforms.meta.type": SMT + "InsertField$Value",
        "transforms.meta.offset.field": "kafka_offset", "transforms.meta.partition.field": "kafka_partition",
        "predicates": "isTest",
        "predicates.isTest.type": SMT + "predicates.HasHeaderKey", "predicates.isTest.name": "skip",
    }
    r = worker.post("/connectors", {"name": "payments", "config": config})
    assert r.status_code == 201, r.text
    query = f"SELECT id, amount, kafka_offset, kafka_partition FROM {schema}.payments ORDER BY id"
    wait_until(lambda: sql(query, fetch=True) == [(1, 12, 0, 0), (3, 5, 2, 0)], what="filtered, cast rows")
    # The filtered record's offset is committed too: nothing is left to redeliver.
    wait_until(lambda: worker.get("/connectors/payments/offsets").json().get("offsets") == [
        {"partition": {"kafka_topic": topic, "kafka_partition": 0}, "offset": {"kafka_offset": 3}}],
        what="committed offsets past the filtered record")
    # A record a transformation refuses fails the task; the trace's first line names it.
    p.produce(topic, value=json.dumps({"id": 4, "amount": "lots"}).encode())
    p.flush()

    def failed():
        t = worker.get("/connectors/payments/status").json()["tasks"]
        return t and t[0]["state"] == "FAILED" and t[0]["trace"]
    first_line = wait_until(failed, what="payments FAILED").splitlines()[0]
    assert f"(record at {topic}-0 offset 3, task payments-0)" in first_line, first_line
