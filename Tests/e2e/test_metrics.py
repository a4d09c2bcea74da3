"""GET /metrics on the Connect REST port: Prometheus text of the task and worker metrics (Kafka Connect's
JMX groups as the JMX exporter names them), read after a file source and a file sink moved records."""
import re

import requests
from confluent_kafka.admin import AdminClient

from conftest import BOOTSTRAP, wait_until, write_lines


def scrape(worker):
    """{(name, frozenset of label pairs): value} of every sample."""
    r = requests.get(worker.url + "/metrics", timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    out = {}
    for line in r.text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r'([a-z_]+)(?:\{(.*)\})? (\S+)', line)
        assert m, line
        labels = frozenset(re.findall(r'([a-z_]+)="([^"]*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def sample(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


def test_task_and_worker_metrics(worker, tmp_path):
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    write_lines(src, ["a", "b", "c"])
    topic = f"metrics-{worker.id}"
    assert worker.post("/connectors", {"name": "msrc", "config": {
        "connector.class": "FileStreamSource", "file": str(src), "topic": topic}}).status_code == 201
    assert worker.post("/connectors", {"name": "msink", "config": {
        "connector.class": "FileStreamSink", "file": str(dst), "topics": topic}}).status_code == 201
    wait_until(lambda: dst.exists() and len(dst.read_text().splitlines()) == 3, what="3 lines copied")

    def counted():
        s = scrape(worker)
        ok = (sample(s, "kafka_connect_source_task_source_record_write_total", connector="msrc", task="0") == 3
              and sample(s, "kafka_connect_sink_task_sink_record_send_total", connector="msink", task="0") == 3)
        return ok and s
    s = wait_until(counted, what="records counted")
    assert sample(s, "kafka_connect_source_task_source_record_poll_total", connector="msrc", task="0") == 3
    assert sample(s, "kafka_connect_sink_task_sink_record_read_total", connector="msink", task="0") == 3
    partitions = len(AdminClient({"bootstrap.servers": BOOTSTRAP}).list_topics(topic, timeout=10).topics[topic].partitions)
    assert sample(s, "kafka_connect_sink_task_partition_count", connector="msink", task="0") == partitions
    for name in ("msrc", "msink"):
        assert sample(s, "kafka_connect_connector_task_status", connector=name, task="0", status="running") == 1
    assert sample(s, "kafka_connect_connect_worker_connector_count") == 2
    assert sample(s, "kafka_connect_connect_worker_task_count") == 2

    # Tolerated failures are counted: ByteArrayConverter refuses the file source's strings.
    bad = tmp_path / "bad.txt"
    write_lines(bad, ["x", "y"])
    assert worker.post("/connectors", {"name": "mbad", "config": {
        "connector.class": "FileStreamSource", "file": str(bad), "topic": topic + "-bad",
        "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
        "errors.tolerance": "all", "errors.log.enable": "true"}}).status_code == 201
    s = wait_until(lambda: (lambda s: s if sample(s, "kafka_connect_task_error_total_records_skipped",
                                                  connector="mbad", task="0") == 2 else None)(scrape(worker)),
                   what="2 skipped records counted")
    assert sample(s, "kafka_connect_task_error_total_record_errors", connector="mbad", task="0") == 2
    assert sample(s, "kafka_connect_task_error_total_errors_logged", connector="mbad", task="0") == 2

    # A deleted connector's series go away with its tasks.
    assert worker.delete("/connectors/msrc").status_code == 204
    wait_until(lambda: not any(dict(k[1]).get("connector") == "msrc" for k in scrape(worker)),
               what="msrc's series gone")
    assert sample(scrape(worker), "kafka_connect_connect_worker_task_count") == 2
