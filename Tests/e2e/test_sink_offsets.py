"""Sink connector offsets (KIP-875): they are the committed offsets of consumer group connect-<name>;
PATCH moves them, DELETE resets them, and the sink then re-reads from there."""
from confluent_kafka import Producer

from conftest import BOOTSTRAP, wait_until


def lines(path):
    return path.read_text().splitlines() if path.exists() else []


def test_alter_and_reset_sink_offsets(worker, tmp_path):
    topic = f"sinkoff-{worker.id}"
    p = Producer({"bootstrap.servers": BOOTSTRAP})
    for i in range(10):
        p.produce(topic, value=f"\"r{i}\"".encode(), partition=0)
    p.flush()
    out = tmp_path / "out.txt"
    r = worker.post("/connectors", {"name": "s", "config": {
        "connector.class": "FileStreamSink", "topics": topic, "file": str(out)}})
    assert r.status_code == 201, r.text
    wait_until(lambda: len(lines(out)) == 10, what="10 lines in the sink file")

    partition = {"kafka_topic": topic, "kafka_partition": 0}
    wait_until(lambda: worker.get("/connectors/s/offsets").json() == {
        "offsets": [{"partition": partition, "offset": {"kafka_offset": 10}}]}, what="committed offset 10")

    # Bad input is refused with Kafka Connect's messages, and nothing is changed.
    assert worker.put("/connectors/s/stop").status_code == 204
    wait_until(lambda: worker.get("/connectors/s/status").json()["connector"]["state"] == "STOPPED", what="STOPPED")
    r = worker.patch("/connectors/s/offsets", {"offsets": [{"partition": {"kafka_topic": topic}, "offset": {"kafka_offset": 1}}]})
    assert r.status_code == 400
    assert r.json()["message"] == "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'"
    r = worker.patch("/connectors/s/offsets", {"offsets": [{"partition": partition, "offset": {"kafka_offset": "x"}}]})
    assert r.status_code == 400
    assert r.json()["message"] == ("Failed to parse the following Kafka offset value in the provided offsets: 'x'. "
                                   "Offset values for sink connectors need to be integers.")
    assert worker.get("/connectors/s/offsets").json()["offsets"][0]["offset"] == {"kafka_offset": 10}

    # PATCH back to offset 4 ("4" as a string is accepted too): on resume records 4..9 arrive again.
    r = worker.patch("/connectors/s/offsets", {"offsets": [{"partition": {"kafka_topic": topic, "kafka_partition": "0"}, "offset": {"kafka_offset": 4}}]})
    assert r.status_code == 200, r.text
    assert r.json() == {"message": "The offsets for this connector have been altered successfully"}
    assert worker.get("/connectors/s/offsets").json() == {"offsets": [{"partition": partition, "offset": {"kafka_offset": 4}}]}
    assert worker.put("/connectors/s/resume").status_code == 202
    wait_until(lambda: len(lines(out)) == 16, what="records 4..9 again")
    assert lines(out)[10:] == [f"r{i}" for i in range(4, 10)]

    # DELETE resets: the group's offsets are gone and the sink starts from the beginning.
    assert worker.put("/connectors/s/stop").status_code == 204
    wait_until(lambda: worker.get("/connectors/s/status").json()["connector"]["state"] == "STOPPED", what="STOPPED")
    r = worker.delete("/connectors/s/offsets")
    assert r.status_code == 200, r.text
    assert r.json() == {"message": "The offsets for this connector have been reset successfully"}
    assert worker.get("/connectors/s/offsets").json() == {"offsets": []}
    assert worker.put("/connectors/s/resume").status_code == 202
    wait_until(lambda: len(lines(out)) == 26, what="all 10 records again")
    assert lines(out)[16:] == [f"r{i}" for i in range(10)]
