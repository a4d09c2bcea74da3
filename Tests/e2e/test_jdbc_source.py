"""The JDBC source against the local PostgreSQL: Confluent's tutorial request, offsets in Kafka
Connect's format, new rows while polling, restart from stored offsets."""
import json
import os
import uuid

import psycopg2
import pytest

from conftest import Worker, read_topic, wait_until

PG_URL = os.environ.get("PG_URL")
PG_JDBC_URL = os.environ.get("PG_JDBC_URL")


def sql(statement, *args):
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(statement, args)


@pytest.fixture
def schema():
    name = "s_" + uuid.uuid4().hex[:8]
    sql(f"CREATE SCHEMA {name}")
    yield name
    sql(f"DROP SCHEMA {name} CASCADE")


def jdbc_config(**extra):
    c = {
        "connection.class": None,
        "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "false",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "connection.url": PG_JDBC_URL,
        "connection.user": os.environ["PG_USER"],
        "connection.password": os.environ["PG_PASSWORD"],
        "poll.interval.ms": "1000",
    }
    del c["connection.class"]
    c.update(extra)
    return c


def values(topic, n):
    return [json.loads(v) for _, v in read_topic(topic, expect_min=n)]


def test_tutorial_request_incrementing_mode(worker, schema):
    sql(f"CREATE TABLE {schema}.stations (stop_id int PRIMARY KEY, name text NOT NULL, lat numeric(9,6), opened date)")
    sql(f"INSERT INTO {schema}.stations VALUES (30001, 'Austin', 41.870851, '1990-01-01'), (30002, 'Harlem', 41.88, NULL)")
    prefix = f"org.chicago.cta{worker.id}"
    r = worker.post("/connectors", {"name": "stations", "config": jdbc_config(**{
        "batch.max.rows": "500", "table.whitelist": f"{schema}.stations", "mode": "incrementing",
        "incrementing.column.name": "stop_id", "topic.prefix": prefix})})
    assert r.status_code == 201, r.text
    worker.wait_running("stations")
    topic = prefix + "stations"  # Confluent's rule: prefix + table name, no separator
    wait_until(lambda: len(values(topic, 2)) >= 2, what="initial rows")
    # Plain JSON objects; numeric(9,6) is a Decimal, which JsonConverter writes as base64 by default.
    rows = values(topic, 2)
    assert [r["stop_id"] for r in rows] == [30001, 30002]
    assert rows[0]["name"] == "Austin" and rows[0]["opened"] == 7305 and rows[1]["opened"] is None
    assert set(rows[0]) == {"stop_id", "name", "lat", "opened"}

    offsets_key = json.dumps(["stations", {"protocol": "1", "table": f"{schema}.stations"}], separators=(",", ":"))
    def stored():
        return {k.decode(): v for k, v in read_topic(worker.topics["offsets"]) if k}.get(offsets_key)
    wait_until(lambda: stored() == b'{"incrementing":30002}', what="offset {incrementing: 30002}")

    # A row inserted afterwards arrives within poll.interval.ms (plus the time to notice).
    sql(f"INSERT INTO {schema}.stations VALUES (30003, 'Oak Park', NULL, NULL)")
    wait_until(lambda: [r["stop_id"] for r in values(topic, 3)][-1:] == [30003], timeout=10, what="new row")
    wait_until(lambda: stored() == b'{"incrementing":30003}', what="offset {incrementing: 30003}")

    # Restart from the stored offset: nothing is sent twice, new rows continue.
    worker.stop()
    worker.start()
    worker.wait_running("stations")
    sql(f"INSERT INTO {schema}.stations VALUES (30004, 'Cicero', NULL, NULL)")
    wait_until(lambda: [r["stop_id"] for r in values(topic, 4)] == [30001, 30002, 30003, 30004], what="row after restart")
