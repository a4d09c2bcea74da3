"""The Socrata source against the in-process fake SODA server (fake_socrata.py), serving DataSF's real
responses: a pipeline set up only through connectors.json, updates between polls, throttling, errors,
and a SIGKILL in the middle of a backfill."""
import json
import uuid
from collections import Counter

import pytest

from conftest import Worker, read_topic, wait_until
from fake_socrata import FakeSocrata, fixture_rows


@pytest.fixture
def incidents():
    fake = FakeSocrata("wg3w-h783", fixture_rows("wg3w-h783.json"))
    yield fake
    fake.close()


def source_config(fake, topic, **extra):
    c = {"connector.class": "SocrataSource", "socrata.domain": fake.url, "socrata.dataset": fake.dataset,
         "topic": topic, "socrata.page.size": "5", "poll.interval.ms": "300",
         "key.converter": "org.apache.kafka.connect.storage.StringConverter",
         "value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"}
    c.update(extra)
    return c


def rows_of(topic, n):
    """[(key, row)] of the topic once it holds n records."""
    return [(k.decode(), json.loads(v)) for k, v in read_topic(topic, expect_min=n, timeout=60)]


def test_connectors_file_pipeline_with_updates_throttling_and_garbage(tmp_path, incidents):
    topic = f"sf.police.incidents-{uuid.uuid4().hex[:6]}"
    cfg = source_config(incidents, topic, **{"socrata.app.token": "app-token-123"})
    connectors = tmp_path / "connectors.json"
    connectors.write_text(json.dumps([{"name": "sf-incidents", "config": cfg}]))
    w = Worker(tmp_path).start(connectors_file=connectors)
    try:
        w.wait_running("sf-incidents")
        got = rows_of(topic, 17)
        assert len(got) == 17
        assert [k for k, _ in got] == sorted(k for k, _ in got) or len({k for k, _ in got}) == 17
        by_id = {k: r for k, r in got}
        first = by_id["row-0000000"]
        assert first["incident_id"] == fixture_rows("wg3w-h783.json")[0]["incident_id"]
        assert first[":updated_at"] == "2024-01-01T00:00:01.000Z"
        # Paged by 5 with the keyset condition; the app token went along, and stays hidden over REST.
        assert any("$where" in r["params"] for r in incidents.requests)
        assert all(r["token"] == "app-token-123" for r in incidents.requests)
        assert w.get("/connectors/sf-incidents/config").json()["socrata.app.token"] == "[hidden]"

        # Upstream updates a row between polls: it is delivered again, with its new value.
        incidents.update("row-0000003", resolution="Cite or Arrest Adult")
        got = rows_of(topic, 18)
        again = [r for k, r in got if k == "row-0000003"]
        assert len(again) == 2 and again[-1]["resolution"] == "Cite or Arrest Adult"

        # Throttling, a server error and a garbled answer: the task keeps running and catches up.
        incidents.throttle(2)
        incidents.fail(1)
        incidents.garble(1)
        incidents.add({"incident_id": "999999", "resolution": "Open or Active"})
        got = rows_of(topic, 19)
        assert any(r["incident_id"] == "999999" for _, r in got)
        assert w.get("/connectors/sf-incidents/status").json()["tasks"][0]["state"] == "RUNNING"
        log = w.log.read_text()
        assert "HTTP 429" in log and "malformed JSON" in log
        # The stored offset is the last row's position.
        newest = max((r[":updated_at"], k) for k, r in got)  # records of several partitions: not in order
        offsets = wait_until(lambda: (lambda o: o if o and o[0]["offset"]["id"] == newest[1] else None)(
            w.get("/connectors/sf-incidents/offsets").json()["offsets"]), what="the newest row's offset")
        assert offsets == [{"partition": {"domain": "127.0.0.1", "dataset": "wg3w-h783"},
                            "offset": {"updated_at": newest[0], "id": newest[1]}}]
    finally:
        w.stop()


def test_bad_requests_fail_the_task_with_the_apis_message(worker, incidents):
    cfg = source_config(incidents, "t-" + uuid.uuid4().hex[:6], **{"socrata.where": "nonsense >>> 1"})
    assert worker.post("/connectors", {"name": "bad-where", "config": cfg}).status_code == 201
    def failed():
        t = worker.get("/connectors/bad-where/status").json()["tasks"]
        return t and t[0]["state"] == "FAILED" and t[0]["trace"]
    first = wait_until(failed, what="bad-where FAILED").splitlines()[0]
    assert "HTTP 400" in first and "Could not parse SoQL" in first, first


def test_validation_names_the_key(worker):
    r = worker.put("/connector-plugins/SocrataSource/config/validate",
                   {"name": "v", "connector.class": "SocrataSource", "socrata.domain": "data sfgov org",
                    "socrata.dataset": "fire-incidents", "topic": "t", "socrata.page.size": "60000"})
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"] if c["value"]["errors"]}
    assert set(errors) == {"socrata.domain", "socrata.dataset", "socrata.page.size"}, errors


def assert_every_row_once(topic, n):
    """Waits until the topic holds rows row-0000000 … row-<n-1>, then checks none came twice."""
    def all_rows():
        ids = Counter(k.decode() for k, _ in read_topic(topic))
        return ids if len(ids) >= n else None
    ids = wait_until(all_rows, timeout=120, what="every row after the restart")
    assert set(ids) == {f"row-{i:07d}" for i in range(n)}
    assert [k for k, c in ids.items() if c > 1] == []


def test_sigkill_during_a_backfill_loses_no_row_and_repeats_none(tmp_path):
    """100k rows, pages of 5000; the worker is killed mid-backfill and restarted: every row arrives, and
    each (:id, :updated_at) once although Kafka had acknowledged rows after the last offset commit."""
    base = fixture_rows("rqzj-sfat.json")
    fake = FakeSocrata("rqzj-sfat", [dict(base[i % len(base)], permit=f"P{i}") for i in range(100_000)])
    topic = f"sf.food-{uuid.uuid4().hex[:6]}"
    cfg = source_config(fake, topic, **{"socrata.page.size": "5000"})
    w = Worker(tmp_path, name="soda-" + uuid.uuid4().hex[:6], extra={"offset.flush.interval.ms": "1000"}).start()
    try:
        assert w.post("/connectors", {"name": "food", "config": cfg}).status_code == 201
        wait_until(lambda: len(read_topic(topic)) >= 20_000, timeout=60, what="part of the backfill")
        w.kill()
        w2 = Worker(tmp_path, name=w.id, extra={"offset.flush.interval.ms": "1000"}).start()
        try:
            assert_every_row_once(topic, 100_000)
        finally:
            w2.stop()
    finally:
        fake.close()


def test_rows_delivered_after_the_last_offset_commit_are_not_written_again(tmp_path):
    """Deterministic: the stored offset is row 20000 (a clean stop), Kafka holds 25000 rows more when
    the next worker is killed before its first offset commit; the worker after it skips exactly those
    25000 (read back from the topic) and writes the remaining 55000."""
    base = fixture_rows("rqzj-sfat.json")
    fake = FakeSocrata("rqzj-sfat", [dict(base[i % len(base)], permit=f"P{i}") for i in range(100_000)])
    topic = f"sf.food-{uuid.uuid4().hex[:6]}"
    cfg = source_config(fake, topic, **{"socrata.page.size": "5000"})
    name = "soda-" + uuid.uuid4().hex[:6]
    # No periodic commit while the test runs: only the clean stop commits.
    slow_commits = {"offset.flush.interval.ms": "600000"}
    try:
        fake.visible = 20_000
        w = Worker(tmp_path, name=name, extra=slow_commits).start()
        assert w.post("/connectors", {"name": "food", "config": cfg}).status_code == 201
        wait_until(lambda: len(read_topic(topic)) >= 20_000, timeout=60, what="the first 20000 rows")
        w.stop()
        fake.visible = 45_000
        w = Worker(tmp_path, name=name, extra=slow_commits).start()
        wait_until(lambda: len(read_topic(topic)) >= 45_000, timeout=60, what="25000 rows more")
        w.kill()
        fake.visible = None
        w = Worker(tmp_path, name=name, extra=slow_commits).start()
        try:
            assert_every_row_once(topic, 100_000)
            assert f"25000 records in {topic} were delivered after the stored offset" in w.log.read_text()
        finally:
            w.stop()
    finally:
        fake.close()


def test_a_silent_server_does_not_hold_up_a_stop(tmp_path):
    """A server that accepts and never answers: stopping the worker aborts the request in flight (the
    harness allows 30 s for a stop; the request timeout here is two minutes)."""
    import socket
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    w = Worker(tmp_path).start()
    try:
        cfg = {"connector.class": "SocrataSource", "socrata.domain": url, "socrata.dataset": "abcd-1234",
               "topic": "never", "http.request.timeout.ms": "120000"}
        assert w.post("/connectors", {"name": "silent", "config": cfg}).status_code == 201
        w.wait_running("silent")
        wait_until(lambda: silent.accept(), what="the source's request")  # connected, waiting for an answer
    finally:
        w.stop()
        silent.close()
    assert w.proc.returncode == 0


def test_values_with_a_schema_from_the_column_types(worker, incidents):
    """socrata.value.schema=true: Structs typed from X-SODA2-Fields/Types, written with JsonConverter's
    schema envelope."""
    topic = f"typed-{uuid.uuid4().hex[:6]}"
    cfg = source_config(incidents, topic, **{"socrata.value.schema": "true", "value.converter.schemas.enable": "true"})
    assert worker.post("/connectors", {"name": "typed", "config": cfg}).status_code == 201
    got = [json.loads(v) for _, v in read_topic(topic, expect_min=17, timeout=60)]
    assert len(got) == 17
    fields = {f["field"]: f for f in got[0]["schema"]["fields"]}
    assert got[0]["schema"]["name"] == "io.tributary.socrata.ds_wg3w_h783"
    assert fields["latitude"]["type"] == "double" and fields["latitude"]["optional"] is True
    assert fields["filed_online"]["type"] == "boolean"
    assert fields["incident_id"]["type"] == "double"  # all digits in the saved rows: a number column
    assert fields["incident_datetime"]["type"] == "string" and fields[":id"]["type"] == "string"
    first = next(g["payload"] for g in got if g["payload"][":id"] == "row-0000000")
    row = fixture_rows("wg3w-h783.json")[0]
    assert first["latitude"] == float(row["latitude"])
    assert json.loads(first["point"]) == row["point"]


def test_status_shows_what_the_api_answered_and_failing_is_opt_in(worker, incidents):
    """Throttled polls keep the task RUNNING with Socrata's answer as its status trace, cleared once data
    flows again; http.max.consecutive.failures makes a run of garbled answers fail the task."""
    topic = f"throttled-{uuid.uuid4().hex[:6]}"
    incidents.throttle(8)
    cfg = source_config(incidents, topic, **{"http.max.retries": "0"})
    assert worker.post("/connectors", {"name": "throttled", "config": cfg}).status_code == 201
    def task():
        t = worker.get("/connectors/throttled/status").json()["tasks"]
        return t[0] if t else {}
    shown = wait_until(lambda: (lambda t: t.get("state") == "RUNNING" and "HTTP 429" in t.get("trace", "") and t)(task()),
                       what="a RUNNING status that says HTTP 429")
    assert "Too many requests" in shown["trace"]
    assert len(rows_of(topic, 17)) == 17
    wait_until(lambda: (lambda t: t.get("state") == "RUNNING" and "trace" not in t)(task()), what="the trace cleared")

    incidents.garble(100)
    cfg = source_config(incidents, f"garbled-{uuid.uuid4().hex[:6]}", **{"http.max.consecutive.failures": "2"})
    assert worker.post("/connectors", {"name": "garbled", "config": cfg}).status_code == 201
    def failed():
        t = worker.get("/connectors/garbled/status").json()["tasks"]
        return t and t[0]["state"] == "FAILED" and t[0]["trace"]
    first = wait_until(failed, what="garbled FAILED").splitlines()[0]
    assert "2 polls in a row got no data" in first and "malformed JSON" in first, first
