"""The JDBC sink against the local PostgreSQL: records produced with confluent-kafka (JSON with and
without schemas), written by the built binary, checked with psycopg2."""
import datetime
import json
import os

import psycopg2
from confluent_kafka import Producer

from conftest import BOOTSTRAP, Worker, wait_until, sql

PG_URL = os.environ.get("PG_URL")
PG_JDBC_URL = os.environ.get("PG_JDBC_URL")


def produce(topic, records, **where):
    """records: (key, value) with dicts/None serialized as compact JSON, as Jackson writes it (so runs
    of 64 and more schemaless values take the sink's path that copies from the consumed bytes); bytes
    passed as they are. `where`: partition=0 puts them all in one partition, in order."""
    p = Producer({"bootstrap.servers": BOOTSTRAP})
    for k, v in records:
        enc = lambda x: x if isinstance(x, (bytes, type(None))) else json.dumps(x, separators=(",", ":")).encode()
        p.produce(topic, key=enc(k), value=enc(v), **where)
    p.flush()


def envelope(fields, payload, name=None):
    """A JsonConverter schema+payload value; fields: (name, type, optional)."""
    schema = {"type": "struct", "optional": False,
              "fields": [{"field": n, "type": t, "optional": o} for n, t, o in fields]}
    if name:
        schema["name"] = name
    return {"schema": schema, "payload": payload}


def sink_config(topic, **extra):
    c = {
        "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
        "topics": topic,
        "connection.url": PG_JDBC_URL,
        "connection.user": os.environ["PG_USER"],
        "connection.password": os.environ["PG_PASSWORD"],
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "false",
    }
    c.update(extra)
    return c


def rows(query):
    try:
        return sql(query, fetch=True)
    except (psycopg2.errors.UndefinedTable, psycopg2.errors.UndefinedColumn):
        return None  # not created or evolved yet


def failed_trace(worker, name):
    def check():
        s = worker.get(f"/connectors/{name}/status").json()
        t = s.get("tasks", [])
        return t and t[0]["state"] == "FAILED" and t[0]["trace"]
    return wait_until(check, what=f"{name} FAILED")


STATION = [("id", "int32", False), ("name", "string", False), ("temp", "double", True)]


def test_upsert_with_auto_create_keeps_the_latest_value_per_key(worker, schema):
    topic = f"stations-{worker.id}"
    # Key 1 appears twice (keyed records: same partition, so in order): the later value wins.
    produce(topic, [(i, envelope(STATION, {"id": i, "name": f"s{i}", "temp": i / 2})) for i in range(1, 4)]
            + [(1, envelope(STATION, {"id": 1, "name": "s1-new", "temp": None}))])
    r = worker.post("/connectors", {"name": "pg", "config": sink_config(topic, **{
        "table.name.format": f"{schema}.${{topic}}", "auto.create": "true", "insert.mode": "upsert",
        "pk.mode": "record_value", "pk.fields": "id"})})
    assert r.status_code == 201, r.text
    table = f'{schema}."{topic}"'
    wait_until(lambda: rows(f"SELECT id, name, temp FROM {table} ORDER BY id") ==
               [(1, "s1-new", None), (2, "s2", 1.0), (3, "s3", 1.5)], what="3 upserted rows")
    # The table Confluent's DDL makes: types, NOT NULL, primary key.
    cols = rows(f"""SELECT column_name, data_type, is_nullable FROM information_schema.columns
                    WHERE table_schema = '{schema}' AND table_name = '{topic}' ORDER BY ordinal_position""")
    assert cols == [("id", "integer", "NO"), ("name", "text", "NO"), ("temp", "double precision", "YES")]
    # Redelivered and updated records: still one row per key.
    produce(topic, [(2, envelope(STATION, {"id": 2, "name": "s2", "temp": 9.5}))])
    wait_until(lambda: rows(f"SELECT id, temp FROM {table} ORDER BY id") == [(1, None), (2, 9.5), (3, 1.5)],
               what="row 2 updated")


def test_tombstones_delete_by_record_key_and_kafka_coordinates(worker, schema):
    sql(f"CREATE TABLE {schema}.cases (case_id text PRIMARY KEY, status text)")
    topic = f"cases-{worker.id}"
    produce(topic, [("a", {"case_id": "a", "status": "open"}), ("b", {"case_id": "b", "status": "open"}),
                    ("a", None), ("b", {"case_id": "b", "status": "closed"})])
    # Schemaless JSON values into an existing table; the key (a JSON string) is the primary key.
    r = worker.post("/connectors", {"name": "cases", "config": sink_config(topic, **{
        "value.converter.schemas.enable": "false", "table.name.format": f"{schema}.cases",
        "insert.mode": "upsert", "pk.mode": "record_key", "pk.fields": "case_id", "delete.enabled": "true"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: rows(f"SELECT case_id, status FROM {schema}.cases ORDER BY 1") == [("b", "closed")],
               what="a deleted, b closed")
    # pk.mode=kafka: the coordinates become the key columns.
    log = f"log-{worker.id}"
    produce(log, [(None, envelope(STATION, {"id": 7, "name": "x", "temp": 1.0}))])
    r = worker.post("/connectors", {"name": "log", "config": sink_config(log, **{
        "table.name.format": f"{schema}.log", "auto.create": "true", "pk.mode": "kafka",
        "fields.whitelist": "name"})})
    assert r.status_code == 201, r.text
    got = wait_until(lambda: rows(f"SELECT * FROM {schema}.log"), what="row keyed by coordinates")
    # Only the whitelisted value field; the partition is whichever one the producer picked.
    assert len(got) == 1 and got[0][0] == log and got[0][2] == 0 and got[0][3] == "x", got
    cols = rows(f"""SELECT column_name FROM information_schema.columns WHERE table_schema = '{schema}'
                    AND table_name = 'log' ORDER BY ordinal_position""")
    assert cols == [("__connect_topic",), ("__connect_partition",), ("__connect_offset",), ("name",)]


def test_schemaless_fields_are_matched_by_name_in_any_order(worker, schema):
    sql(f"CREATE TABLE {schema}.ordered (id int PRIMARY KEY, name text, temp float8)")
    topic = f"ordered-{worker.id}"
    # A run whose records share one order, unlike the table's (the writer reads them by position) ...
    produce(topic, [(None, {"temp": 1.5, "name": "a", "id": 1}), (None, {"temp": 2.5, "name": "b", "id": 2})])
    r = worker.post("/connectors", {"name": "ordered", "config": sink_config(topic, **{
        "value.converter.schemas.enable": "false", "table.name.format": f"{schema}.ordered",
        "insert.mode": "upsert", "pk.mode": "record_value", "pk.fields": "id"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: rows(f"SELECT id, name, temp FROM {schema}.ordered ORDER BY id") == [(1, "a", 1.5), (2, "b", 2.5)],
               what="a run in one order")
    # ... and records in mixed orders, one without a column, in one run (read by name).
    produce(topic, [(None, {"id": 3, "name": "c", "temp": 3.5}), (None, {"name": "d", "id": 4, "temp": 4.5}),
                    (None, {"temp": 1.0, "id": 1, "name": "a2"}), (None, {"id": 5, "name": "e"})])
    want = [(1, "a2", 1.0), (2, "b", 2.5), (3, "c", 3.5), (4, "d", 4.5), (5, "e", None)]
    wait_until(lambda: rows(f"SELECT id, name, temp FROM {schema}.ordered ORDER BY id") == want,
               what="mixed orders")


def test_auto_evolve_and_readable_failures(worker, schema):
    topic = f"evolve-{worker.id}"
    produce(topic, [(None, envelope(STATION[:2], {"id": 1, "name": "a"}))])
    r = worker.post("/connectors", {"name": "evolve", "config": sink_config(topic, **{
        "table.name.format": f"{schema}.evolve", "auto.create": "true", "auto.evolve": "true"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: rows(f"SELECT id, name FROM {schema}.evolve") == [(1, "a")], what="first row")
    produce(topic, [(None, envelope(STATION, {"id": 2, "name": "b", "temp": 3.5}))])
    wait_until(lambda: rows(f"SELECT id, temp FROM {schema}.evolve ORDER BY id") == [(1, None), (2, 3.5)],
               what="column temp added")

    # No auto.create: the task fails naming the table.
    missing = f"missing-{worker.id}"
    produce(missing, [(None, envelope(STATION, {"id": 1, "name": "a", "temp": 1.0}))])
    worker.post("/connectors", {"name": "missing", "config": sink_config(missing, **{
        "table.name.format": f"{schema}.nope"})})
    assert "is missing and auto-creation is disabled" in failed_trace(worker, "missing").splitlines()[0]

    # A NOT NULL violation: the task fails with PostgreSQL's message; the failing batch is rolled back.
    sql(f"CREATE TABLE {schema}.strict (id int PRIMARY KEY, name text NOT NULL)")
    strict = f"strict-{worker.id}"
    produce(strict, [(None, {"id": 1, "name": "ok"}), (None, {"id": 2, "name": None})])
    worker.post("/connectors", {"name": "strict", "config": sink_config(strict, **{
        "value.converter.schemas.enable": "false", "table.name.format": f"{schema}.strict"})})
    first = failed_trace(worker, "strict").splitlines()[0]
    assert 'null value in column "name"' in first and "23502" in first, first
    assert rows(f"SELECT count(*) FROM {schema}.strict WHERE id = 2") == [(0,)]

    # Config mistakes answer 400 naming the key.
    r = worker.post("/connectors", {"name": "bad", "config": sink_config(topic, **{"delete.enabled": "true"})})
    assert r.status_code == 400 and "Primary key mode must be 'record_key' when delete support is enabled" in r.text


def test_timestamp_fields_and_string_values(worker, schema):
    # timestamp.fields.list: epoch nanoseconds in an INT64 and a STRING field become TIMESTAMP columns.
    topic = f"seen-{worker.id}"
    fields = [("id", "int32", False), ("seen", "int64", False), ("seen_text", "string", True)]
    produce(topic, [(None, envelope(fields, {"id": 1, "seen": 1719835200123456789,
                                             "seen_text": "-1500"}))])
    r = worker.post("/connectors", {"name": "seen", "config": sink_config(topic, **{
        "table.name.format": f"{schema}.seen", "auto.create": "true",
        "timestamp.fields.list": "seen,seen_text", "timestamp.precision.mode": "nanoseconds"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: rows(f"SELECT id, seen, seen_text FROM {schema}.seen") == [
        (1, datetime.datetime(2024, 7, 1, 12, 0, 0, 123457), datetime.datetime(1969, 12, 31, 23, 59, 59, 999999))],
        what="timestamps rounded to microseconds")
    cols = rows(f"""SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '{schema}'
                    AND table_name = 'seen' ORDER BY ordinal_position""")
    assert cols == [("id", "integer"), ("seen", "timestamp without time zone"),
                    ("seen_text", "timestamp without time zone")]

    # A value that is no number fails the task naming the field and the value; nothing is written.
    bad = f"seen-bad-{worker.id}"
    produce(bad, [(None, envelope(fields, {"id": 2, "seen": 0, "seen_text": "soon"}))])
    worker.post("/connectors", {"name": "seen-bad", "config": sink_config(bad, **{
        "table.name.format": f"{schema}.seen", "timestamp.fields.list": "seen,seen_text"})})
    first = failed_trace(worker, "seen-bad").splitlines()[0]
    assert "seen_text" in first and '"soon" is not a whole number of microseconds' in first, first
    assert rows(f"SELECT count(*) FROM {schema}.seen WHERE id = 2") == [(0,)]

    # StringConverter values go to one column, string.output.value.column.name.
    lines = f"lines-{worker.id}"
    produce(lines, [(None, b"hello"), (None, b"tab\there")])
    r = worker.post("/connectors", {"name": "lines", "config": sink_config(lines, **{
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
        "table.name.format": f"{schema}.lines", "auto.create": "true", "pk.mode": "kafka",
        "string.output.value.column.name": "line"})})
    assert r.status_code == 201, r.text
    # Null keys may land in different partitions (both at offset 0): order by the text.
    wait_until(lambda: rows(f"SELECT line FROM {schema}.lines ORDER BY line") ==
               [("hello",), ("tab\there",)], what="two lines")
    cols = rows(f"""SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '{schema}'
                    AND table_name = 'lines' ORDER BY ordinal_position""")
    assert cols[-1] == ("line", "text"), cols


def test_restart_loses_nothing_and_upserts_stay_idempotent(tmp_path, schema):
    w = Worker(tmp_path, extra={"offset.flush.interval.ms": "200"})
    w.start()
    topic = f"big-{w.id}"
    n = 20000
    produce(topic, [(None, {"id": i, "v": f"v{i}"}) for i in range(n)])
    sql(f"CREATE TABLE {schema}.big (id int PRIMARY KEY, v text)")
    w.post("/connectors", {"name": "big", "config": sink_config(topic, **{
        "value.converter.schemas.enable": "false", "table.name.format": f"{schema}.big",
        "insert.mode": "upsert", "pk.mode": "record_value", "pk.fields": "id", "batch.size": "500"})})
    wait_until(lambda: rows(f"SELECT count(*) FROM {schema}.big")[0][0] > 0, what="first rows")
    w.kill()
    w.start()
    # Records written but not committed to Kafka are written again: upserts make that harmless.
    wait_until(lambda: rows(f"SELECT count(*), count(DISTINCT id), min(id), max(id) FROM {schema}.big") ==
               [(n, n, 0, n - 1)], timeout=60, what=f"{n} distinct rows")
    assert rows(f"SELECT count(*) FROM {schema}.big WHERE v <> 'v' || id") == [(0,)]
    w.stop()


def test_a_lost_connection_rewrites_the_batch_and_loses_nothing(worker, schema):
    """The server ends the sink's session between batches: the next transaction fails, is retried on a new
    connection (max.retries), and every record arrives once."""
    topic = f"lost-{worker.id}"
    app = f"sink-{worker.id}"
    sql(f"CREATE TABLE {schema}.lost (id int PRIMARY KEY, v text)")
    url = f"{PG_JDBC_URL}{'&' if '?' in PG_JDBC_URL else '?'}ApplicationName={app}"
    produce(topic, [(None, {"id": i, "v": f"v{i}"}) for i in range(5000)])
    assert worker.post("/connectors", {"name": "lost", "config": sink_config(topic, **{
        "connection.url": url, "value.converter.schemas.enable": "false", "table.name.format": f"{schema}.lost",
        "insert.mode": "upsert", "pk.mode": "record_value", "pk.fields": "id", "retry.backoff.ms": "100"})}).status_code == 201
    wait_until(lambda: rows(f"SELECT count(*) FROM {schema}.lost") == [(5000,)], what="the first 5000 rows")
    ended = sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s", app,
                fetch=True)
    assert ended == [(1,)]
    produce(topic, [(None, {"id": i, "v": f"v{i}"}) for i in range(5000, 20000)])
    wait_until(lambda: rows(f"SELECT count(*), count(DISTINCT id), min(id), max(id) FROM {schema}.lost") ==
               [(20000, 20000, 0, 19999)], timeout=60, what="all 20000 rows after the reconnect")
    assert rows(f"SELECT count(*) FROM {schema}.lost WHERE v <> 'v' || id") == [(0,)]
    assert worker.get("/connectors/lost/status").json()["tasks"][0]["state"] == "RUNNING"
    assert "Write to PostgreSQL failed (1 of max.retries=10)" in worker.log.read_text()


def test_schemaless_fields_match_columns_as_postgresql_folds_names(worker, schema):
    """`CREATE TABLE quakes (… magType TEXT)` makes the column magtype: the field magType fills it. A
    field with no column fails the batch naming it and the table (never dropped silently); under
    auto.evolve the column is added."""
    sql(f"CREATE TABLE {schema}.quakes (id TEXT PRIMARY KEY, magType TEXT)")
    cfg = {"value.converter.schemas.enable": "false", "table.name.format": f"{schema}.quakes",
           "insert.mode": "upsert", "pk.mode": "record_value", "pk.fields": "id"}
    unmatched = f"quakes-depth-{worker.id}"
    produce(unmatched, [(None, {"id": "ev1", "magType": "ml", "depth": 7.5})])
    assert worker.post("/connectors", {"name": "depth", "config": sink_config(unmatched, **cfg)}).status_code == 201
    first = failed_trace(worker, "depth").splitlines()[0]
    assert f'Table "{schema}"."quakes" is missing fields (depth) and auto-evolution is disabled' in first, first
    assert rows(f"SELECT count(*) FROM {schema}.quakes") == [(0,)]

    matched = f"quakes-{worker.id}"
    produce(matched, [(None, {"id": "ev1", "magType": "ml"}), (None, {"magType": "mb", "id": "ev2"})])
    assert worker.post("/connectors", {"name": "quakes", "config": sink_config(matched, **cfg)}).status_code == 201
    wait_until(lambda: rows(f"SELECT id, magtype FROM {schema}.quakes ORDER BY id") == [("ev1", "ml"), ("ev2", "mb")],
               what="magType in magtype")

    evolve = f"quakes-evolve-{worker.id}"
    produce(evolve, [(None, {"id": "ev3", "magType": "md", "depth": 7.5, "felt": None, "tags": {"a": 1}})])
    assert worker.post("/connectors", {"name": "evolve", "config": sink_config(evolve, **cfg, **{
        "auto.evolve": "true"})}).status_code == 201
    wait_until(lambda: rows(f'SELECT id, magtype, depth, felt, tags FROM {schema}.quakes WHERE id = \'ev3\'') ==
               [("ev3", "md", 7.5, None, {"a": 1})], what="depth, felt and tags added")
    cols = rows(f"""SELECT column_name, data_type, is_nullable FROM information_schema.columns
                    WHERE table_schema = '{schema}' AND table_name = 'quakes' ORDER BY ordinal_position""")
    assert cols[2:] == [("depth", "double precision", "YES"), ("felt", "text", "YES"), ("tags", "jsonb", "YES")]


def test_a_value_the_column_refuses_names_the_column_value_and_record(worker, schema):
    """PostgreSQL's own message names neither the record nor (for a parameter) the column: the task's
    trace does, in the statement path (small batches) and the COPY path (64 records and more)."""
    sql(f"CREATE TABLE {schema}.orders (id int PRIMARY KEY, total int)")
    cfg = {"value.converter.schemas.enable": "false", "table.name.format": f"{schema}.orders",
           "insert.mode": "upsert", "pk.mode": "record_value", "pk.fields": "id"}
    for name, n, bad in (("small", 3, 1), ("large", 200, 150)):
        topic = f"orders-{name}-{worker.id}"
        produce(topic, [(None, {"id": i, "total": 119.88 if i == bad else i}) for i in range(n)], partition=0)
        assert worker.post("/connectors", {"name": name, "config": sink_config(topic, **cfg)}).status_code == 201
        first = failed_trace(worker, name).splitlines()[0]
        assert f'Cannot write the record at {topic}-0 offset {bad} to "{schema}"."orders": column total, value "119.88"' \
            in first, first
        assert 'invalid input syntax for type integer: "119.88" (SQLSTATE 22P02)' in first, first
        assert rows(f"SELECT count(*) FROM {schema}.orders") == [(0,)]  # the batch is rolled back
        worker.delete(f"/connectors/{name}")
