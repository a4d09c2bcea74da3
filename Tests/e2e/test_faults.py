"""Faults under load, on the built binary: the broker paused (SIGSTOP) mid-stream under a source."""
import json
import os
import signal
import time
from pathlib import Path

from conftest import Worker, read_topic, wait_until, write_lines

CACHE = Path(os.environ.get("TRIBUTARY_CACHE") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tributary")


def broker_pid():
    return int((CACHE / "services" / "tansu.pid").read_text())


def append_lines(path, lines):
    with open(path, "a") as f:
        f.write("".join(line + "\n" for line in lines))


def test_broker_paused_20s_under_a_source_every_record_exactly_once(tmp_path):
    """Kafka Connect's source producers are idempotent: requests retried after the broker comes back
    are not written twice. (With enable.idempotence=false this lost nothing but wrote a third of the
    records twice.)"""
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
        pid = broker_pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            append_lines(src, [f"line-{i:05d}" for i in range(1000, 2000)])
            time.sleep(20)  # the fault itself: the broker stays paused this long
        finally:
            os.kill(pid, signal.SIGCONT)
        append_lines(src, [f"line-{i:05d}" for i in range(2000, 3000)])
        expected = [f"line-{i:05d}" for i in range(3000)]
        values = lambda: [json.loads(v) for _, v in read_topic(topic)]
        wait_until(lambda: set(values()) == set(expected), timeout=120, what="all 3000 lines")
        got = values()
        assert len(got) == 3000, f"{len(got) - len(set(got))} duplicates"
        assert w.get("/connectors/paused/status").json()["tasks"][0]["state"] == "RUNNING"
    finally:
        w.stop()
