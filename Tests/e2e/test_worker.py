"""The worker core as a user sees it: REST API, records in topics, internal topics, crash recovery."""
import json
import signal
import subprocess

from conftest import BIN, Worker, read_topic, wait_until, write_lines


def test_root_reports_version_commit_and_cluster_id(worker):
    body = worker.get("/").json()
    assert set(body) == {"version", "commit", "kafka_cluster_id"}
    assert body["version"] == "3.9.0"
    assert body["kafka_cluster_id"]


def test_file_source_end_to_end_with_kafka_connect_formats(worker, tmp_path):
    src = tmp_path / "in.txt"
    write_lines(src, ["alpha", "beta", "gamma"])
    config = {"connector.class": "FileStreamSource", "tasks.max": "1", "file": str(src), "topic": f"lines-{worker.id}"}
    r = worker.post("/connectors", {"name": "files", "config": config})
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == "/connectors/files"
    info = r.json()
    assert info["name"] == "files" and info["type"] == "source"
    assert info["config"] == {**config, "name": "files"}
    worker.wait_running("files")

    values = [json.loads(v) for _, v in read_topic(f"lines-{worker.id}", expect_min=3)]
    assert sorted(values) == ["alpha", "beta", "gamma"]

    records = {k.decode(): v for k, v in read_topic(worker.topics["configs"], expect_min=3)}
    assert records["connector-files"] == (
        '{"properties":{"connector.class":"FileStreamSource","tasks.max":"1","file":"%s","topic":"lines-%s","name":"files"}}'
        % (src, worker.id)).encode()
    assert records["task-files-0"] == (
        '{"properties":{"connector.class":"FileStreamSource","tasks.max":"1","file":"%s","topic":"lines-%s","name":"files",'
        '"task.class":"org.apache.kafka.connect.file.FileStreamSourceTask"}}' % (src, worker.id)).encode()
    assert records["commit-files"] == b'{"tasks":1}'

    key = ('["files",{"filename":"%s"}]' % src).encode()

    def offset_written():
        offsets = dict(read_topic(worker.topics["offsets"]))
        return offsets.get(key)
    assert wait_until(offset_written, what="source offset record") == b'{"position":%d}' % len("alpha\nbeta\ngamma\n")

    status = dict(read_topic(worker.topics["status"], expect_min=2))
    task_status = json.loads(status[b"status-task-files-0"])
    assert list(task_status) == ["state", "trace", "worker_id", "generation"]
    assert task_status["state"] == "RUNNING" and task_status["trace"] is None

    assert worker.get("/connectors/files/offsets").json() == {
        "offsets": [{"partition": {"filename": str(src)}, "offset": {"position": 17}}]}
    assert worker.get("/connectors/files/tasks").json()[0]["id"] == {"connector": "files", "task": 0}
    assert worker.get("/connectors/files/topics").json() == {"files": {"topics": [f"lines-{worker.id}"]}}


def test_errors_answer_as_kafka_connect_does(worker, tmp_path):
    good = {"connector.class": "FileStreamSource", "file": str(tmp_path / "x"), "topic": "t"}
    assert worker.post("/connectors", {"name": "dup", "config": good}).status_code == 201
    r = worker.post("/connectors", {"name": "dup", "config": good})
    assert (r.status_code, r.json()) == (409, {"error_code": 409, "message": "Connector dup already exists"})

    r = worker.get("/connectors/nope")
    assert (r.status_code, r.json()) == (404, {"error_code": 404, "message": "Connector nope not found"})

    r = worker.post("/connectors", {"name": "bad", "config": {"connector.class": "FileStreamSink"}})
    assert r.status_code == 400
    assert r.json()["message"] == (
        "Connector configuration is invalid and contains the following 2 error(s):\n"
        "Must configure one of topics or topics.regex\nMust configure one of topics or topics.regex\n"
        "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")

    r = worker.post("/connectors", data=b'{"name": "broken", "config": {')
    assert r.status_code == 400 and r.json()["error_code"] == 400 and "Invalid JSON" in r.json()["message"]

    r = worker.post("/connectors", {"name": "unknown", "config": {"connector.class": "com.example.Nope"}})
    assert r.status_code == 400
    assert "com.example.Nope" in r.json()["message"]
    assert "org.apache.kafka.connect.file.FileStreamSourceConnector" in r.json()["message"]

    # Nothing half-created by the rejected requests.
    assert worker.get("/connectors").json() == ["dup"]
    # An expand naming nothing known still answers the map, each connector with nothing expanded.
    assert worker.get("/connectors?expand=everything").json() == {"dup": {}}
    r = worker.put("/connectors/dup", {})
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, DELETE"  # RFC 9110, as Jersey answers


def test_validate_endpoint_shapes_config_infos(worker):
    r = worker.put("/connector-plugins/FileStreamSinkConnector/config/validate",
                   {"connector.class": "FileStreamSink", "topics": "a", "name": "v"})
    body = r.json()
    assert r.status_code == 200 and body["error_count"] == 0
    assert body["groups"][:2] == ["Common", "Transforms"]
    names = [c["value"]["name"] for c in body["configs"]]
    assert names[:3] == ["name", "connector.class", "tasks.max"] and "file" in names


def test_pause_resume_stop_and_reset_offsets(worker, tmp_path):
    src = tmp_path / "in.txt"
    write_lines(src, ["one"])
    worker.post("/connectors", {"name": "p", "config": {"connector.class": "FileStreamSource", "file": str(src), "topic": f"p-{worker.id}"}})
    worker.wait_running("p")
    assert worker.put("/connectors/p/pause").status_code == 202
    wait_until(lambda: worker.get("/connectors/p/status").json()["tasks"][0]["state"] == "PAUSED", what="PAUSED")
    assert worker.put("/connectors/p/resume").status_code == 202
    worker.wait_running("p")
    r = worker.delete("/connectors/p/offsets")
    assert r.status_code == 400 and "STOPPED" in r.json()["message"]
    assert worker.put("/connectors/p/stop").status_code == 204
    wait_until(lambda: worker.get("/connectors/p/status").json() == {
        "name": "p", "connector": {"state": "STOPPED", "worker_id": f"127.0.0.1:{worker.port}"}, "tasks": [], "type": "source"},
        what="STOPPED")
    wait_until(lambda: worker.get("/connectors/p/offsets").json()["offsets"], what="offsets present")
    r = worker.delete("/connectors/p/offsets")
    assert r.json() == {"message": "The offsets for this connector have been reset successfully"}
    assert worker.get("/connectors/p/offsets").json() == {"offsets": []}
    assert worker.delete("/connectors/p").status_code == 204
    assert worker.get("/connectors/p").status_code == 404


def test_file_source_to_file_sink(worker, tmp_path):
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    write_lines(src, [f"row {i}" for i in range(100)])
    topic = f"pipe-{worker.id}"
    worker.post("/connectors", {"name": "src", "config": {"connector.class": "FileStreamSource", "file": str(src), "topic": topic}})
    r = worker.post("/connectors", {"name": "sink", "config": {"connector.class": "FileStreamSink", "topics": topic, "file": str(dst)}})
    assert r.status_code == 201, r.text
    worker.wait_running("sink")
    # The sink may subscribe before the source has created the topic: it sees it at a metadata refresh.
    wait_until(lambda: dst.exists() and len(dst.read_text().splitlines()) >= 100, timeout=60, what="sink file")
    assert sorted(dst.read_text().splitlines()) == sorted(f"row {i}" for i in range(100))


def test_sigkill_mid_stream_then_restart_loses_nothing(tmp_path):
    src = tmp_path / "big.txt"
    n = 20000
    write_lines(src, [f"line-{i:06d}" for i in range(n)])
    w = Worker(tmp_path, extra={"offset.flush.interval.ms": "200"})
    w.start()
    topic = f"big-{w.id}"
    w.post("/connectors", {"name": "big", "config": {"connector.class": "FileStreamSource", "file": str(src), "topic": topic, "batch.size": "100"}})
    wait_until(lambda: len(read_topic(topic)) > 0, what="first records")
    w.kill()
    w.start()
    w.wait_running("big")
    # Records sent but not yet committed when the worker died are sent again (at least once), so the
    # count can reach n before the last lines arrive: wait for the distinct lines instead.
    expected = {f"line-{i:06d}" for i in range(n)}
    values = lambda: {json.loads(v) for _, v in read_topic(topic)}
    wait_until(lambda: len(values()) == n, timeout=60, what=f"{n} distinct lines")
    assert values() == expected
    w.stop()


def test_connectors_file_applied_at_start_and_validate_cli(tmp_path):
    good = tmp_path / "connectors.json"
    good.write_text(json.dumps([{"name": "fromfile", "config": {
        "connector.class": "FileStreamSource", "file": str(tmp_path / "f.txt"), "topic": "ff"}}]))
    out = subprocess.run([BIN, "validate", str(good)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([
        {"name": "ok", "config": {"connector.class": "FileStreamSource", "topic": "t"}},
        {"name": "broken", "config": {"connector.class": "FileStreamSource", "tasks.max": "zero"}}]))
    out = subprocess.run([BIN, "validate", str(bad)], capture_output=True, text=True)
    assert out.returncode == 1
    assert "broken: tasks.max: Invalid value zero for configuration tasks.max: Not a number of type INT" in out.stdout
    assert 'broken: topic: Missing required configuration "topic" which has no default value.' in out.stdout

    w = Worker(tmp_path)
    w.start(connectors_file=bad)
    assert w.get("/connectors").json() == []  # an invalid file is refused whole
    w.stop()
    w.start(connectors_file=good)
    w.wait_running("fromfile")
    # A connector created over REST is left alone by the file.
    assert w.post("/connectors", {"name": "byrest", "config": {
        "connector.class": "FileStreamSource", "file": str(tmp_path / "r.txt"), "topic": "rr"}}).status_code == 201

    # SIGHUP re-applies the file: a changed connector is updated, a new one created, the rest kept.
    good.write_text(json.dumps([
        {"name": "fromfile", "config": {"connector.class": "FileStreamSource", "file": str(tmp_path / "f.txt"), "topic": "ff2"}},
        {"name": "added", "config": {"connector.class": "FileStreamSource", "file": str(tmp_path / "a.txt"), "topic": "aa"}}]))
    w.proc.send_signal(signal.SIGHUP)
    w.wait_running("added")
    wait_until(lambda: w.get("/connectors/fromfile/config").json().get("topic") == "ff2", what="fromfile updated")
    assert sorted(w.get("/connectors").json()) == ["added", "byrest", "fromfile"]

    # An invalid file on SIGHUP changes nothing, and the worker keeps running.
    good.write_text(json.dumps([{"name": "fromfile", "config": {"connector.class": "FileStreamSource", "tasks.max": "x"}}]))
    w.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "connectors file refused" in w.log.read_text().split("Applied")[-1], what="refusal logged")
    assert w.get("/connectors/fromfile/config").json().get("topic") == "ff2"
    assert w.proc.poll() is None
    w.stop()
