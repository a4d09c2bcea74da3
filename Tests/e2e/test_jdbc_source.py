"""The JDBC source against the local PostgreSQL: Confluent's tutorial request, offsets in Kafka
Connect's format, new rows while polling, restart from stored offsets."""
import json
import os

import psycopg2

from conftest import Worker, read_topic, wait_until, sql

PG_URL = os.environ.get("PG_URL")
PG_JDBC_URL = os.environ.get("PG_JDBC_URL")


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
    # (Records have no key, so they spread over the topic's partitions: compare without order.)
    rows = sorted(values(topic, 2), key=lambda r: r["stop_id"])
    assert [r["stop_id"] for r in rows] == [30001, 30002]
    assert rows[0]["name"] == "Austin" and rows[0]["opened"] == 7305 and rows[1]["opened"] is None
    assert set(rows[0]) == {"stop_id", "name", "lat", "opened"}

    offsets_key = json.dumps(["stations", {"protocol": "1", "table": f"{schema}.stations"}], separators=(",", ":"))
    def stored():
        return {k.decode(): v for k, v in read_topic(worker.topics["offsets"]) if k}.get(offsets_key)
    wait_until(lambda: stored() == b'{"incrementing":30002}', what="offset {incrementing: 30002}")

    # A row inserted afterwards arrives within poll.interval.ms (plus the time to notice).
    sql(f"INSERT INTO {schema}.stations VALUES (30003, 'Oak Park', NULL, NULL)")
    wait_until(lambda: sorted(r["stop_id"] for r in values(topic, 3)) == [30001, 30002, 30003], timeout=10,
               what="new row")
    wait_until(lambda: stored() == b'{"incrementing":30003}', what="offset {incrementing: 30003}")

    # Restart from the stored offset: nothing is sent twice, new rows continue.
    worker.stop()
    worker.start()
    worker.wait_running("stations")
    sql(f"INSERT INTO {schema}.stations VALUES (30004, 'Cicero', NULL, NULL)")
    wait_until(lambda: sorted(r["stop_id"] for r in values(topic, 4)) == [30001, 30002, 30003, 30004],
               what="row after restart, each row once")


def schema_and_payload(topic, n):
    return [json.loads(v) for _, v in read_topic(topic, expect_min=n)]


def test_type_map_and_schemas(worker, schema):
    sql(f"""CREATE TABLE {schema}.types (
        i2 int2 NOT NULL, i4 int4, i8 int8, n numeric(12,2), nu numeric, f4 float4, f8 float8, b bool,
        t text, vc varchar(10), c char(3), d date, tm time, ts timestamp, tz timestamptz, by bytea,
        j json, jb jsonb, u uuid, iv interval, arr int[])""")
    sql(f"""INSERT INTO {schema}.types VALUES (1, 2, 3, 1234.50, 1.5, 1.25, 2.5, true, 'x', 'vc', 'ab',
        '2024-02-29', '13:14:15.123', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.5+02',
        '\\x0102ff', '{{"a": 1}}', '{{"b": 2}}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 day', '{{1,2}}')""")
    sql(f"INSERT INTO {schema}.types (i2) VALUES (-5)")
    topic = f"types-{worker.id}-types"
    r = worker.post("/connectors", {"name": "types", "config": jdbc_config(**{
        "mode": "bulk", "table.whitelist": f"{schema}.types", "topic.prefix": f"types-{worker.id}-",
        "poll.interval.ms": "600000", "value.converter.schemas.enable": "true"})})
    assert r.status_code == 201, r.text
    msgs = wait_until(lambda: len(schema_and_payload(topic, 2)) >= 2 and schema_and_payload(topic, 2), what="rows")
    msgs.sort(key=lambda m: -m["payload"]["i2"])
    s, p = msgs[0]["schema"], msgs[0]["payload"]
    assert s["name"] == "types" and s["type"] == "struct" and s["optional"] is False
    fields = {f["field"]: f for f in s["fields"]}
    assert "iv" not in fields and "arr" not in fields  # no Connect type: left out, as Confluent does
    expected = {"i2": ("int16", False), "i4": ("int32", True), "i8": ("int64", True), "f4": ("float", True),
                "f8": ("double", True), "b": ("boolean", True), "t": ("string", True), "vc": ("string", True),
                "c": ("string", True), "by": ("bytes", True), "j": ("string", True), "jb": ("string", True),
                "u": ("string", True)}
    for name, (typ, optional) in expected.items():
        assert (fields[name]["type"], fields[name]["optional"]) == (typ, optional), name
    assert fields["n"]["name"] == "org.apache.kafka.connect.data.Decimal"
    assert fields["n"]["parameters"] == {"scale": "2", "connect.decimal.precision": "12"}
    assert fields["nu"]["parameters"]["scale"] == "127"
    assert [fields[k]["name"] for k in ("d", "tm", "ts", "tz")] == [
        "org.apache.kafka.connect.data.Date", "org.apache.kafka.connect.data.Time",
        "org.apache.kafka.connect.data.Timestamp", "org.apache.kafka.connect.data.Timestamp"]
    assert p["i2"] == 1 and p["i8"] == 3 and p["f4"] == 1.25 and p["b"] is True and p["c"] == "ab "
    assert p["n"] == "AeI6"  # unscaled 123450 = 0x01E23A, base64 (JsonConverter's default decimal.format)
    assert p["d"] == 19782 and p["tm"] == 47655123
    assert p["ts"] == 1709212455123 and p["tz"] == 1709205255500
    assert p["by"] == "AQL/" and json.loads(p["j"]) == {"a": 1} and p["u"] == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    assert msgs[1]["payload"]["i2"] == -5 and msgs[1]["payload"]["n"] is None
    # Bulk mode stores no offset: the partition's key gets a tombstone.
    key = json.dumps(["types", {"table": "types"}], separators=(",", ":")).encode()
    wait_until(lambda: (key, None) in read_topic(worker.topics["offsets"]), what="bulk tombstone")


def test_timestamp_incrementing_sees_updates_and_orders_offset_keys(worker, schema):
    sql(f"CREATE TABLE {schema}.orders (id serial PRIMARY KEY, status text, updated_at timestamp NOT NULL DEFAULT now())")
    sql(f"INSERT INTO {schema}.orders (status, updated_at) VALUES ('new', '2024-01-01 00:00:00.25'), ('new', '2024-01-01 00:00:00.25')")
    topic = f"ti-{worker.id}-orders"
    r = worker.post("/connectors", {"name": "orders", "config": jdbc_config(**{
        "mode": "timestamp+incrementing", "timestamp.column.name": "updated_at", "table.whitelist": "orders",
        "schema.pattern": schema, "topic.prefix": f"ti-{worker.id}-"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: len(values(topic, 2)) == 2, what="2 rows")
    key = json.dumps(["orders", {"protocol": "1", "table": f"{schema}.orders"}], separators=(",", ":")).encode()
    stored = lambda: dict(read_topic(worker.topics["offsets"])).get(key)
    wait_until(lambda: stored() == b'{"timestamp_nanos":250000000,"incrementing":2,"timestamp":1704067200250}',
               what="offset in Confluent's key order")
    sql(f"UPDATE {schema}.orders SET status = 'paid', updated_at = '2024-01-02 00:00:00' WHERE id = 1")
    wait_until(lambda: sorted((v["id"], v["status"]) for v in values(topic, 3)) == [(1, "new"), (1, "paid"), (2, "new")],
               what="update re-sent")


def test_timestamp_mode_keeps_rows_sharing_a_timestamp_across_batches(worker, schema):
    sql(f"CREATE TABLE {schema}.events (id int, at timestamptz NOT NULL)")
    sql(f"INSERT INTO {schema}.events SELECT g, '2024-05-01 10:00:00+00' FROM generate_series(1, 5) g")
    topic = f"ts-{worker.id}-events"
    r = worker.post("/connectors", {"name": "events", "config": jdbc_config(**{
        "mode": "timestamp", "timestamp.column.name": "at", "table.whitelist": f"{schema}.events",
        "batch.max.rows": "2", "topic.prefix": f"ts-{worker.id}-"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: sorted(v["id"] for v in values(topic, 5)) == [1, 2, 3, 4, 5], what="all 5 rows")
    key = json.dumps(["events", {"protocol": "1", "table": f"{schema}.events"}], separators=(",", ":")).encode()
    wait_until(lambda: dict(read_topic(worker.topics["offsets"])).get(key) ==
               b'{"timestamp_nanos":0,"timestamp":1714557600000}', what="offset after the whole timestamp")
    # Rows with a later timestamp follow; none of the first five is sent again.
    sql(f"INSERT INTO {schema}.events VALUES (6, '2024-05-01 10:00:01+00')")
    wait_until(lambda: sorted(v["id"] for v in values(topic, 6)) == [1, 2, 3, 4, 5, 6], what="row 6 once")


def test_query_mode_and_hostile_names(worker, schema):
    sql(f'CREATE TABLE {schema}."Mixed.Case-Table" (id int NOT NULL, "select" text)')
    sql(f'INSERT INTO {schema}."Mixed.Case-Table" VALUES (1, %s)', 'it\'s "quoted"')
    r = worker.post("/connectors", {"name": "mixed", "config": jdbc_config(**{
        "mode": "incrementing", "incrementing.column.name": "id",
        "table.whitelist": f'"{schema}"."Mixed.Case-Table", x; DROP TABLE {schema}."Mixed.Case-Table"',
        "topic.prefix": f"hn-{worker.id}-"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: values(f"hn-{worker.id}-Mixed.Case-Table", 1) == [{"id": 1, "select": "it's \"quoted\""}],
               what="row of the oddly named table")
    sql(f'SELECT 1 FROM {schema}."Mixed.Case-Table"')  # still there

    r = worker.post("/connectors", {"name": "q", "config": jdbc_config(**{
        "mode": "incrementing", "incrementing.column.name": "id",
        "query": f'SELECT id, upper("select") AS shout FROM {schema}."Mixed.Case-Table"', "topic.prefix": f"q-{worker.id}"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: values(f"q-{worker.id}", 1) == [{"id": 1, "shout": "IT'S \"QUOTED\""}], what="query row")
    key = json.dumps(["q", {"query": "query"}], separators=(",", ":")).encode()
    wait_until(lambda: dict(read_topic(worker.topics["offsets"])).get(key) == b'{"incrementing":1}', what="query offset")


def test_tables_split_over_tasks(worker, schema):
    for t in ("a", "b", "c"):
        sql(f"CREATE TABLE {schema}.{t} (id serial PRIMARY KEY)")
        sql(f"INSERT INTO {schema}.{t} DEFAULT VALUES")
    r = worker.post("/connectors", {"name": "split", "config": jdbc_config(**{
        "mode": "incrementing", "schema.pattern": schema, "tasks.max": "2", "topic.prefix": f"sp-{worker.id}-"})})
    assert r.status_code == 201, r.text
    worker.wait_running("split", tasks=2)
    tasks = worker.get("/connectors/split/tasks").json()
    assert [t["config"]["tables"] for t in tasks] == [f'"{schema}"."a","{schema}"."b"', f'"{schema}"."c"']
    for t in ("a", "b", "c"):  # the serial column was found without incrementing.column.name
        wait_until(lambda: values(f"sp-{worker.id}-{t}", 1) == [{"id": 1}], what=f"row of {t}")


def test_errors_name_the_cause(worker, schema):
    r = worker.post("/connectors", {"name": "nomode", "config": jdbc_config(**{"table.whitelist": "x"})})
    assert r.status_code == 400 and "Query mode must be specified" in r.json()["message"]
    r = worker.post("/connectors", {"name": "badurl", "config": jdbc_config(**{
        "mode": "bulk", "connection.url": "jdbc:mysql://h/db"})})
    assert r.status_code == 400 and "jdbc:postgresql:" in r.json()["message"]

    def failed_trace(name):
        def check():
            s = worker.get(f"/connectors/{name}/status").json()
            traces = [s.get("connector", {}).get("trace")] + [t.get("trace") for t in s.get("tasks", [])]
            return next((t for t in traces if t), None)
        return wait_until(check, what=f"{name} FAILED")

    worker.post("/connectors", {"name": "badpw", "config": jdbc_config(**{
        "mode": "bulk", "table.whitelist": "x", "connection.password": "wrong", "connection.attempts": "1"})})
    first = failed_trace("badpw").splitlines()[0]
    assert "password authentication failed" in first, first
    assert "wrong" not in worker.get("/connectors/badpw").text  # the password is hidden

    worker.post("/connectors", {"name": "notable", "config": jdbc_config(**{
        "mode": "bulk", "table.whitelist": f"{schema}.missing"})})
    assert "No tables to copy" in failed_trace("notable").splitlines()[0]

    sql(f"CREATE TABLE {schema}.t (id int NOT NULL)")
    worker.post("/connectors", {"name": "nocol", "config": jdbc_config(**{
        "mode": "incrementing", "incrementing.column.name": "nope", "table.whitelist": f"{schema}.t"})})
    assert "Incrementing column nope does not exist" in failed_trace("nocol").splitlines()[0]


def test_in_flight_guard_keeps_rows_committed_out_of_order(worker, schema):
    sql(f"CREATE TABLE {schema}.ledger (id serial PRIMARY KEY, note text)")
    slow = psycopg2.connect(PG_URL)  # a transaction that takes an id, then commits late
    cur = slow.cursor()
    cur.execute(f"INSERT INTO {schema}.ledger (note) VALUES ('slow') RETURNING id")
    assert cur.fetchone()[0] == 1
    sql(f"INSERT INTO {schema}.ledger (note) VALUES ('fast')")  # id 2, committed first
    common = {"mode": "incrementing", "incrementing.column.name": "id", "table.whitelist": f"{schema}.ledger",
              "poll.interval.ms": "200"}
    worker.post("/connectors", {"name": "plain", "config": jdbc_config(**common, **{"topic.prefix": f"plain-{worker.id}-"})})
    worker.post("/connectors", {"name": "guarded", "config": jdbc_config(**common, **{
        "topic.prefix": f"guard-{worker.id}-", "incrementing.in.flight.guard": "true"})})
    plain, guarded = f"plain-{worker.id}-ledger", f"guard-{worker.id}-ledger"
    # Confluent's behaviour: row 2 goes out and the offset moves past row 1 before it commits.
    wait_until(lambda: [v["id"] for v in values(plain, 1)] == [2], what="plain connector sends row 2")
    slow.commit()
    slow.close()
    sql(f"INSERT INTO {schema}.ledger (note) VALUES ('later')")  # id 3: proves both polled after the commit
    wait_until(lambda: 3 in [v["id"] for v in values(plain, 2)], what="plain connector sends row 3")
    assert 1 not in [v["id"] for v in values(plain, 2)]  # lost: the top complaint
    # With the guard, row 2 waited for the older transaction: nothing is lost.
    wait_until(lambda: sorted(v["id"] for v in values(guarded, 3)) == [1, 2, 3], what="guarded connector sends 1, 2, 3")


def test_sigkill_during_a_million_row_load_loses_nothing(tmp_path, schema):
    n = 1_000_000
    sql(f"""CREATE TABLE {schema}.big AS SELECT g::bigint AS id, md5(g::text) AS name,
            (g % 100000 / 100.0)::numeric(12,2) AS amount, now() AS created_at, g % 2 = 0 AS active,
            (g % 1000)::int AS quantity FROM generate_series(1, {n}) g""")
    sql(f"ALTER TABLE {schema}.big ADD PRIMARY KEY (id)")
    w = Worker(tmp_path, extra={"offset.flush.interval.ms": "500"})
    w.start()
    topic = f"big-{w.id}-big"
    r = w.post("/connectors", {"name": "big", "config": jdbc_config(**{
        "mode": "incrementing", "incrementing.column.name": "id", "table.whitelist": f"{schema}.big",
        "batch.max.rows": "5000", "topic.prefix": f"big-{w.id}-"})})
    assert r.status_code == 201, r.text
    key = json.dumps(["big", {"protocol": "1", "table": f"{schema}.big"}], separators=(",", ":")).encode()

    def committed():
        v = dict(read_topic(w.topics["offsets"])).get(key)
        return json.loads(v)["incrementing"] if v else 0
    # Kill it once part of the table has been committed, well before the end.
    wait_until(lambda: 0 < committed() < n, timeout=120, what="a committed offset mid-load")
    w.kill()
    assert committed() < n
    w.start()
    w.wait_running("big")
    ids = lambda: {json.loads(v)["id"] for _, v in read_topic(topic)}
    wait_until(lambda: len(ids()) == n, timeout=180, what=f"{n} distinct ids")
    assert ids() == set(range(1, n + 1))
    w.stop()


def test_key_from_primary_key_is_opt_in(worker, schema):
    sql(f"CREATE TABLE {schema}.kv (a int, b text, v text, PRIMARY KEY (a, b))")
    sql(f"INSERT INTO {schema}.kv VALUES (1, 'x', 'one')")
    for name, extra in (("nokey", {}), ("pkkey", {"key.from.primary.key": "true"})):
        r = worker.post("/connectors", {"name": name, "config": jdbc_config(**{
            "mode": "bulk", "table.whitelist": f"{schema}.kv", "topic.prefix": f"{name}-{worker.id}-",
            "poll.interval.ms": "600000", **extra})})
        assert r.status_code == 201, r.text
    plain = wait_until(lambda: read_topic(f"nokey-{worker.id}-kv", expect_min=1), what="row without key")
    keyed = wait_until(lambda: read_topic(f"pkkey-{worker.id}-kv", expect_min=1), what="row with key")
    assert plain[0][0] is None  # Confluent's default: no key
    assert json.loads(keyed[0][0]) == {"a": 1, "b": "x"}
    assert json.loads(keyed[0][1]) == {"a": 1, "b": "x", "v": "one"}


def test_transforms_key_records_by_a_column(worker, schema):
    """Confluent's documented way to key JDBC source records: ValueToKey, then ExtractField$Key."""
    sql(f"CREATE TABLE {schema}.users (id int PRIMARY KEY, name text)")
    sql(f"INSERT INTO {schema}.users VALUES (1, 'ada'), (2, 'bob')")
    prefix = f"smt-{worker.id}-"
    transforms = {
        "transforms": "createKey,extractInt",
        "transforms.createKey.type": "org.apache.kafka.connect.transforms.ValueToKey",
        "transforms.createKey.fields": "id",
        "transforms.extractInt.type": "org.apache.kafka.connect.transforms.ExtractField$Key",
        "transforms.extractInt.field": "id",
    }
    r = worker.post("/connectors", {"name": "keyed", "config": jdbc_config(**{
        "mode": "incrementing", "incrementing.column.name": "id", "table.whitelist": f"{schema}.users",
        "topic.prefix": prefix, **transforms})})
    assert r.status_code == 201, r.text
    records = wait_until(lambda: read_topic(prefix + "users", expect_min=2), what="keyed rows")
    assert sorted((json.loads(k), json.loads(v)) for k, v in records) == [
        (1, {"id": 1, "name": "ada"}), (2, {"id": 2, "name": "bob"})]
    # A transformation's missing setting is refused at creation, naming the key.
    r = worker.post("/connectors", {"name": "nofields", "config": jdbc_config(**{
        "mode": "bulk", "table.whitelist": f"{schema}.users", "topic.prefix": prefix,
        "transforms": "createKey", "transforms.createKey.type": "org.apache.kafka.connect.transforms.ValueToKey"})})
    assert r.status_code == 400, r.text
    assert "fields" in r.json()["message"], r.text


def test_discovery_options_and_new_tables(worker, schema):
    for t in ("keep_a", "keep_b", "skip_c"):
        sql(f"CREATE TABLE {schema}.{t} (id serial PRIMARY KEY)")
        sql(f"INSERT INTO {schema}.{t} DEFAULT VALUES")
    sql(f"CREATE VIEW {schema}.v_keep AS SELECT id FROM {schema}.keep_a")

    def topics_with_rows(prefix, names):
        return {n for n in names if read_topic(f"{prefix}{n}")}

    # Regex include/exclude on schema.table, views only when table.types says so.
    r = worker.post("/connectors", {"name": "regex", "config": jdbc_config(**{
        "mode": "bulk", "poll.interval.ms": "600000", "topic.prefix": f"rx-{worker.id}-",
        "table.include.list": f"{schema}\\.(keep_.*|v_.*)", "table.exclude.list": f"{schema}\\.keep_b",
        "table.types": "TABLE,VIEW"})})
    assert r.status_code == 201, r.text
    names = ("keep_a", "keep_b", "skip_c", "v_keep")
    wait_until(lambda: topics_with_rows(f"rx-{worker.id}-", names) == {"keep_a", "v_keep"}, what="regex selection")

    # Blacklist, unquoted identifiers (quote.sql.identifiers=never), and a table created later is picked up
    # within table.poll.interval.ms (the tasks are reconfigured).
    r = worker.post("/connectors", {"name": "bl", "config": jdbc_config(**{
        "mode": "incrementing", "schema.pattern": schema, "table.blacklist": f"{schema}.skip_c",
        "quote.sql.identifiers": "never", "table.poll.interval.ms": "1000", "topic.prefix": f"bl-{worker.id}-"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: topics_with_rows(f"bl-{worker.id}-", names) == {"keep_a", "keep_b"}, what="blacklist")
    sql(f"CREATE TABLE {schema}.keep_new (id serial PRIMARY KEY)")
    sql(f"INSERT INTO {schema}.keep_new DEFAULT VALUES")
    wait_until(lambda: read_topic(f"bl-{worker.id}-keep_new"), what="the new table's row")
    assert worker.get("/connectors/bl/tasks").json()[0]["config"]["tables"] == \
        f"{schema}.keep_a,{schema}.keep_b,{schema}.keep_new"


def test_timestamp_initial_and_delay(worker, schema):
    sql(f"CREATE TABLE {schema}.ev (id int, at timestamp NOT NULL)")
    sql(f"INSERT INTO {schema}.ev VALUES (1, '2020-01-01 00:00:00'), (2, '2024-01-01 00:00:00'), (3, now() + interval '1 hour')")
    r = worker.post("/connectors", {"name": "ev", "config": jdbc_config(**{
        "mode": "timestamp", "timestamp.column.name": "at", "table.whitelist": f"{schema}.ev",
        "timestamp.initial": "1672531200000",  # 2023-01-01: row 1 is older and never sent
        "timestamp.delay.interval.ms": "60000", "topic.prefix": f"ev-{worker.id}-"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: [v["id"] for v in values(f"ev-{worker.id}-ev", 1)] == [2], what="only row 2")
    # Row 3 lies beyond now - timestamp.delay.interval.ms and waits; row 4 (after the stored timestamp,
    # before the upper bound) arrives meanwhile.
    sql(f"INSERT INTO {schema}.ev VALUES (4, '2024-06-01 00:00:00')")
    wait_until(lambda: sorted(v["id"] for v in values(f"ev-{worker.id}-ev", 2)) == [2, 4], what="row 4, not row 3")


def test_named_db_timezone_reads_wall_clock_columns(worker, schema):
    from datetime import datetime, timezone

    def ms(*args):
        return int(datetime(*args, tzinfo=timezone.utc).timestamp() * 1000)

    # Wall-clock values written in Chicago: winter (CST, UTC-6) and summer (CDT, UTC-5) rows.
    sql(f"CREATE TABLE {schema}.shifts (id int, at timestamp NOT NULL, starts time)")
    sql(f"INSERT INTO {schema}.shifts VALUES (1, '2024-01-15 12:00:00', '10:00'), (2, '2024-07-01 12:00:00', NULL)")
    bad = worker.put("/connector-plugins/JdbcSourceConnector/config/validate", jdbc_config(**{
        "connector.class": "JdbcSourceConnector", "mode": "bulk", "db.timezone": "Mars/Olympus_Mons"}))
    errors = {c["value"]["name"]: c["value"]["errors"] for c in bad.json()["configs"] if c["value"]["errors"]}
    assert "Mars/Olympus_Mons" in errors["db.timezone"][0], errors
    topic = f"tz-{worker.id}-shifts"
    r = worker.post("/connectors", {"name": "shifts", "config": jdbc_config(**{
        "mode": "timestamp", "timestamp.column.name": "at", "table.whitelist": f"{schema}.shifts",
        "db.timezone": "America/Chicago", "topic.prefix": f"tz-{worker.id}-"})})
    assert r.status_code == 201, r.text
    wait_until(lambda: len(values(topic, 2)) == 2, what="2 rows")
    got = sorted((v["id"], v["at"], v["starts"]) for v in values(topic, 2))
    # time: 10:00 on 1970-01-01 in Chicago (CST) is 16:00 UTC, in milliseconds of the day.
    assert got == [(1, ms(2024, 1, 15, 18), 16 * 3600 * 1000), (2, ms(2024, 7, 1, 17), None)]
    key = json.dumps(["shifts", {"protocol": "1", "table": f"{schema}.shifts"}], separators=(",", ":")).encode()
    wait_until(lambda: dict(read_topic(worker.topics["offsets"])).get(key) ==
               b'{"timestamp_nanos":0,"timestamp":%d}' % ms(2024, 7, 1, 17), what="offset in UTC")
    # The upper bound (database now, as Chicago wall time): a row a minute old arrives, one an hour
    # ahead waits. Rendering the bound as UTC wall time would let the second one through.
    sql(f"INSERT INTO {schema}.shifts VALUES (3, (now() AT TIME ZONE 'America/Chicago') - interval '1 minute', NULL),"
        f" (4, (now() AT TIME ZONE 'America/Chicago') + interval '1 hour', NULL)")
    wait_until(lambda: 3 in {v["id"] for v in values(topic, 3)}, what="row 3")
    assert 4 not in {v["id"] for v in values(topic, 3)}
    # timestamp.granularity: timestamps as ISO wall-clock strings in db.timezone, nanoseconds shown.
    r = worker.post("/connectors", {"name": "iso", "config": jdbc_config(**{
        "mode": "bulk", "table.whitelist": f"{schema}.shifts", "db.timezone": "America/Chicago",
        "timestamp.granularity": "nanos_iso_datetime_string", "topic.prefix": f"iso-{worker.id}-"})})
    assert r.status_code == 201, r.text
    first = lambda: {v["id"]: v["at"] for v in values(f"iso-{worker.id}-shifts", 4)}.get(1)
    assert wait_until(first, what="ISO timestamps") == "2024-01-15T12:00:00.000000000"


def test_isolation_mode_and_query_retry_attempts(worker, schema):
    r = worker.post("/connectors", {"name": "snap", "config": jdbc_config(**{
        "mode": "bulk", "table.whitelist": "x", "transaction.isolation.mode": "SQL_SERVER_SNAPSHOT"})})
    assert r.status_code == 400
    assert "Isolation mode of `SQL_SERVER_SNAPSHOT` can only be configured with a Sql Server Dialect" in r.json()["message"]

    sql(f"CREATE TABLE {schema}.readings (id serial PRIMARY KEY, v int)")
    sql(f"INSERT INTO {schema}.readings (v) VALUES (1)")
    apps = {name: f"{name}-{worker.id}" for name in ("once", "forever")}
    for name, retries in (("once", "0"), ("forever", "-1")):
        r = worker.post("/connectors", {"name": name, "config": jdbc_config(**{
            "connection.url": f"{PG_JDBC_URL}{'&' if '?' in PG_JDBC_URL else '?'}ApplicationName={apps[name]}",
            "mode": "incrementing", "table.whitelist": f"{schema}.readings", "poll.interval.ms": "200",
            "transaction.isolation.mode": "REPEATABLE_READ", "query.retry.attempts": retries,
            "topic.prefix": f"{name}-{worker.id}-"})})
        assert r.status_code == 201, r.text
        wait_until(lambda: len(values(f"{name}-{worker.id}-readings", 1)) == 1, what=f"{name}: first row")

    # Lost connections: the server ends every session of both connectors.
    def terminate():
        with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ANY(%s)",
                        (list(apps.values()),))
            return cur.fetchone()[0]
    assert terminate() > 0
    sql(f"INSERT INTO {schema}.readings (v) VALUES (2)")
    # query.retry.attempts=0: the first failed query fails the task, naming the setting and the cause.
    def task_trace():
        tasks = worker.get("/connectors/once/status").json().get("tasks", [])
        return tasks and tasks[0]["state"] == "FAILED" and tasks[0]["trace"]
    first = wait_until(task_trace, what="task of 'once' FAILED").splitlines()[0]
    assert "query.retry.attempts=0" in first, first
    assert "terminating connection" in first or "closed the connection" in first, first
    # The default (-1) reconnects and goes on.
    wait_until(lambda: sorted(v["v"] for v in values(f"forever-{worker.id}-readings", 2)) == [1, 2],
               timeout=60, what="forever: second row after reconnecting")


def test_column_mappings_pick_columns_per_table(worker, schema):
    sql(f"CREATE TABLE {schema}.orders (oid serial PRIMARY KEY, changed timestamp, created timestamp NOT NULL)")
    sql(f"CREATE TABLE {schema}.parcels (pid serial PRIMARY KEY, moved timestamp NOT NULL)")
    sql(f"INSERT INTO {schema}.orders (changed, created) VALUES (NULL, '2024-01-01'), ('2024-02-01', '2024-01-02')")
    sql(f"INSERT INTO {schema}.parcels (moved) VALUES ('2024-03-01')")
    # Mixing the mappings with the legacy keys is refused, naming both keys.
    r = worker.post("/connectors", {"name": "mixed", "config": jdbc_config(**{
        "mode": "timestamp", "table.whitelist": f"{schema}.orders",
        "timestamp.columns.mapping": ".*:[changed]"})})
    assert r.status_code == 400 and "Use table.include.list with column mappings" in r.json()["message"], r.text
    prefix = f"map-{worker.id}-"
    r = worker.post("/connectors", {"name": "mapped", "config": jdbc_config(**{
        "mode": "timestamp+incrementing", "table.include.list": f"{schema}\\.(orders|parcels)",
        "timestamp.columns.mapping": f"{schema}\\.orders:[changed|created],{schema}\\.parcels:[moved]",
        "incrementing.column.mapping": f"{schema}\\.orders:oid,{schema}\\.parcels:pid",
        "topic.prefix": prefix})})
    assert r.status_code == 201, r.text
    wait_until(lambda: sorted(v["oid"] for v in values(prefix + "orders", 2)) == [1, 2], what="orders")
    wait_until(lambda: [v["pid"] for v in values(prefix + "parcels", 1)] == [1], what="parcels")
    offsets = lambda: dict(read_topic(worker.topics["offsets"]))
    key = json.dumps(["mapped", {"protocol": "1", "table": f"{schema}.parcels"}], separators=(",", ":")).encode()
    # parcels' offset: its own columns (moved, pid), 2024-03-01 in epoch milliseconds.
    wait_until(lambda: offsets().get(key) == b'{"timestamp_nanos":0,"incrementing":1,"timestamp":1709251200000}',
               what="parcels offset")
    # COALESCE(changed, created) orders rows: an order changed later is sent again.
    sql(f"UPDATE {schema}.orders SET changed = '2024-04-01' WHERE oid = 1")
    wait_until(lambda: sorted(v["oid"] for v in values(prefix + "orders", 3)) == [1, 1, 2], what="order 1 again")
