"""Log formats: Kafka Connect's text layout with KIP-721's connector context, or one JSON object per line
(`TRIBUTARY_LOG_FORMAT=json` / `log.format=json`), and no secret in either."""
import json
import os
import re
import subprocess
import uuid

import pytest

from conftest import BIN, Worker, read_topic, wait_until

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
# A password the local PostgreSQL refuses: the connector fails, and its failure is logged.
SECRET = "wrong-pw-" + uuid.uuid4().hex


def json_lines(text):
    """Every line as a JSON object with the fields every line has (fails on the first that is not)."""
    out = []
    for line in text.splitlines():
        o = json.loads(line)
        assert isinstance(o, dict), line
        assert TS.match(o["ts"]) and o["level"] in LEVELS and o["logger"] and isinstance(o["message"], str), line
        out.append(o)
    return out


def run_pipeline(tmp_path, env, registry=False):
    """A worker running DataGen → topic → FileStream sink, and a JDBC source that cannot log in; stopped
    once the sink has every record and the JDBC source has failed. Returns (stderr, stdout, topic)."""
    w = Worker(tmp_path, env=env)
    if registry:
        w.with_registry()
    topic = f"logs-{w.id}"
    out_file = tmp_path / "sink.txt"
    w.start(separate_stderr=True)
    try:
        r = w.post("/connectors", {"name": "gen", "config": {
            "connector.class": "DataGen", "kafka.topic": topic, "max.records": "50", "tasks.max": "1"}})
        assert r.status_code == 201, r.text
        assert len(read_topic(topic, expect_min=50)) == 50
        # The sink after the topic exists (a consumer subscribed before would wait for its next metadata refresh).
        r = w.post("/connectors", {"name": "sink", "config": {
            "connector.class": "FileStreamSink", "topics": topic, "file": str(out_file), "tasks.max": "1"}})
        assert r.status_code == 201, r.text
        r = w.post("/connectors", {"name": "pg", "config": {
            "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
            "connection.url": os.environ["PG_JDBC_URL"], "connection.user": os.environ["PG_USER"],
            "connection.password": SECRET, "connection.attempts": "1", "mode": "bulk", "table.whitelist": "x",
            "topic.prefix": topic + "-pg-"}})
        assert r.status_code == 201, r.text
        wait_until(lambda: out_file.exists() and len(out_file.read_text().splitlines()) == 50, what="50 lines in the sink file")
        wait_until(lambda: w.get("/connectors/pg/status").json()["connector"]["state"] == "FAILED", what="pg FAILED")
    finally:
        w.stop()
    assert w.proc.returncode == 0
    return w.stderr_log.read_text(), w.log.read_text(), topic


def test_json_logs_every_line_an_object_with_connector_context(tmp_path):
    # With the Schema Registry and REST Proxy, whose lines are JSON too.
    stderr, stdout, topic = run_pipeline(tmp_path, {"TRIBUTARY_LOG_FORMAT": "json"}, registry=True)
    lines = json_lines(stderr)
    # Standard output (the "ready" line, the listeners' URLs) is JSON too.
    out = json_lines(stdout)
    assert any("ready in" in o["message"] and o["logger"] == "tributary" for o in out)
    assert any(o["message"].startswith("Schema Registry: http://") and o["logger"] == "tributary.schema-registry"
               for o in out)
    # Task lines carry the connector and the task number.
    for name, kind, what in (("gen", "WorkerSourceTask", "Source"), ("sink", "WorkerSinkTask", "Sink")):
        started = [o for o in lines if o["message"] == f"{kind}{{id={name}-0}} {what} task finished initialization and start"]
        assert len(started) == 1, [o["message"] for o in lines]
        task_lines = [o for o in lines if f"{name}-0" in o["message"] and o["logger"] == "tributary"]
        assert len(task_lines) >= 3  # created, started, stopped
        for o in task_lines:
            assert o["connector"] == name and o["task"] == 0, o
    # The connector's failure: its context, the error apart, the password hidden.
    failed = [o for o in lines if o["message"] == "Connector pg failed to start"]
    assert len(failed) == 1 and failed[0]["level"] == "ERROR"
    assert failed[0]["connector"] == "pg" and "task" not in failed[0]
    assert "password authentication failed" in failed[0]["error"] and "password=[hidden]" in failed[0]["error"]
    # Lines about no connector have no connector field.
    assert any(o["message"].startswith("Worker ") and "connector" not in o for o in lines)
    assert SECRET not in stderr + stdout


def test_text_logs_show_kafka_connects_connector_context(tmp_path):
    stderr, stdout, _ = run_pipeline(tmp_path, {"TRIBUTARY_LOG_FORMAT": None})
    assert re.search(r"^\[\S+Z\] INFO \[gen\|task-0\] WorkerSourceTask\{id=gen-0\} Source task finished initialization and start \(tributary\)$", stderr, re.M)
    assert re.search(r"^\[\S+Z\] INFO \[sink\|task-0\] WorkerSinkTask\{id=sink-0\} Sink task finished initialization and start \(tributary\)$", stderr, re.M)
    failed = next(l for l in stderr.splitlines() if "Connector pg failed to start" in l)
    assert failed.startswith("[") and " ERROR [pg|worker] Connector pg failed to start: " in failed
    assert "password=[hidden]" in failed
    assert SECRET not in stderr + stdout
    assert "ready in" in stdout and not stdout.lstrip().startswith("{")


def run_until_exit(w):
    done = subprocess.run([BIN, "worker", str(w.props_file)], capture_output=True, timeout=60, env=w.env)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def test_log_format_key_makes_fatal_errors_json_too(tmp_path):
    # log.format in the properties; the worker cannot run with the next key: its last line is FATAL.
    w = Worker(tmp_path, env={"TRIBUTARY_LOG_FORMAT": None},
               extra={"log.format": "json", "offset.flush.interval.ms": "0"})
    code, stdout, stderr = run_until_exit(w)
    assert code == 1
    lines = json_lines(stderr)
    assert lines[-1]["level"] == "FATAL" and lines[-1]["logger"] == "tributary"
    assert "Invalid value 0 for configuration offset.flush.interval.ms" in lines[-1]["message"]
    assert stdout == ""


@pytest.mark.parametrize("env, extra, named", [
    ({"TRIBUTARY_LOG_FORMAT": None}, {"log.format": "xml"}, "Invalid value xml for configuration log.format"),
    ({"TRIBUTARY_LOG_FORMAT": None, "CONNECT_LOG_FORMAT": "yaml"}, {}, "Invalid value yaml for configuration log.format"),
    ({"TRIBUTARY_LOG_FORMAT": "xml"}, {}, "Invalid value xml for configuration TRIBUTARY_LOG_FORMAT"),
])
def test_unknown_log_format_refuses_to_start(tmp_path, env, extra, named):
    code, _, stderr = run_until_exit(Worker(tmp_path, env=env, extra=extra))
    assert code == 1
    fatal = next(l for l in reversed(stderr.strip().splitlines()) if l.startswith("Error: "))
    assert named in fatal and "text, json" in fatal


def test_environment_wins_over_the_key(tmp_path):
    w = Worker(tmp_path, env={"TRIBUTARY_LOG_FORMAT": "text"}, extra={"log.format": "json"})
    w.set({"offset.flush.interval.ms": "0"})
    code, _, stderr = run_until_exit(w)
    assert code == 1 and stderr.strip().splitlines()[-1].startswith("Error: ")
