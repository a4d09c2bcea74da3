"""The REST Proxy against real clients: the weather emitter's Avro request read back by confluent-kafka's
AvroDeserializer through our registry, binary/json records read by kcat, v2 metadata, v3 topics and
produce, and every malformed request answered with its documented code while nothing reaches Kafka."""
import base64
import json
import os
import subprocess
import uuid

import pytest
import requests
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from conftest import BOOTSTRAP, Worker, read_topic, wait_until

AVRO = "application/vnd.kafka.avro.v2+json"
BINARY = "application/vnd.kafka.binary.v2+json"
JSON = "application/vnd.kafka.json.v2+json"
V2 = "application/vnd.kafka.v2+json"


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    w = Worker(tmp_path_factory.mktemp("proxy")).with_registry()
    w.start()
    yield w
    w.stop()


def new_topic(partitions=1):
    name = "rp-" + uuid.uuid4().hex[:10]
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    for f in admin.create_topics([NewTopic(name, partitions, 1)]).values():
        f.result()
    return name


def produce(w, topic, body, ctype, path=None, **kw):
    return requests.post(f"{w.proxy_url}{path or '/topics/' + topic}", data=json.dumps(body),
                         headers={"Content-Type": ctype, **kw.pop("headers", {})}, timeout=30, **kw)


def kcat(topic, fmt):
    out = subprocess.run(["kcat", "-b", BOOTSTRAP, "-C", "-t", topic, "-e", "-q", "-f", fmt],
                         capture_output=True, timeout=60, check=True)
    return out.stdout


WEATHER_KEY = {"namespace": "com.udacity", "type": "record", "name": "weather.key",
               "fields": [{"name": "timestamp", "type": "long"}]}
WEATHER_VALUE = {"type": "record", "name": "weather.value", "namespace": "com.udacity",
                 "fields": [{"name": "temperature", "type": "float"}, {"name": "status", "type": "string"}]}


def test_weather_emitter_request_is_decoded_by_the_avro_consumer(proxy):
    topic = new_topic()
    # The request exactly as the Udacity emitter sends it (python-requests, schemas as JSON strings).
    r = requests.post(f"{proxy.proxy_url}/topics/{topic}",
                      headers={"Content-Type": AVRO},
                      data=json.dumps({"key_schema": json.dumps(WEATHER_KEY), "value_schema": json.dumps(WEATHER_VALUE),
                                       "records": [{"key": {"timestamp": 1580000000000},
                                                    "value": {"temperature": 71.42, "status": "sunny"}}]}))
    r.raise_for_status()
    assert r.status_code == 200 and r.headers["Content-Type"] == V2
    body = r.json()
    assert body["offsets"] == [{"partition": 0, "offset": 0, "error_code": None, "error": None}]
    key_id, value_id = body["key_schema_id"], body["value_schema_id"]
    assert isinstance(key_id, int) and isinstance(value_id, int) and key_id != value_id
    # A second post registers nothing new and reuses the ids.
    again = produce(proxy, topic, {"key_schema": json.dumps(WEATHER_KEY), "value_schema": json.dumps(WEATHER_VALUE),
                                   "records": [{"key": {"timestamp": 1580000060000},
                                                "value": {"temperature": 12.5, "status": "windy"}}]}, AVRO).json()
    assert (again["key_schema_id"], again["value_schema_id"]) == (key_id, value_id)
    sr = requests.get(f"{proxy.sr_url}/subjects").json()
    assert f"{topic}-key" in sr and f"{topic}-value" in sr

    client = SchemaRegistryClient({"url": proxy.sr_url})
    value_de = AvroDeserializer(client)
    key_de = AvroDeserializer(client)
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "weather-" + uuid.uuid4().hex,
                  "auto.offset.reset": "earliest", "enable.partition.eof": True})
    c.assign([TopicPartition(topic, 0, 0)])
    got = []
    while len(got) < 2:
        m = c.poll(10)
        assert m is not None, "no weather records"
        if m.error():
            continue
        value = value_de(m.value(), SerializationContext(topic, MessageField.VALUE))
        key = key_de(m.key(), SerializationContext(topic, MessageField.KEY))
        got.append((key, value))
    c.close()
    assert got[0][0] == {"timestamp": 1580000000000}
    assert got[0][1]["status"] == "sunny" and abs(got[0][1]["temperature"] - 71.42) < 1e-4
    assert got[1][1] == {"temperature": 12.5, "status": "windy"}
    # Confluent framing: magic byte 0, then the value schema id big-endian.
    raw = read_topic(topic, expect_min=2)
    assert raw[0][1][:5] == b"\x00" + value_id.to_bytes(4, "big")


def test_schema_id_unions_and_tombstones(proxy):
    topic = new_topic()
    schema = {"type": "record", "name": "Reading", "fields": [
        {"name": "id", "type": "int"}, {"name": "note", "type": ["null", "string"], "default": None}]}
    first = produce(proxy, topic, {"value_schema": json.dumps(schema),
                                   "records": [{"value": {"id": 1, "note": {"string": "tagged"}}}]}, AVRO).json()
    sid = first["value_schema_id"]
    # By id; unions tagged or untagged; a null value is a tombstone.
    r = produce(proxy, topic, {"value_schema_id": sid, "records": [
        {"value": {"id": 2, "note": "untagged"}}, {"value": {"id": 3, "note": None}}, {"key": None, "value": None}]},
        AVRO)
    assert r.status_code == 200, r.text
    assert r.json()["value_schema_id"] == sid and r.json()["key_schema_id"] is None
    de = AvroDeserializer(SchemaRegistryClient({"url": proxy.sr_url}))
    values = [v for _, v in read_topic(topic, expect_min=4)]
    assert values[3] is None
    decoded = [de(v, SerializationContext(topic, MessageField.VALUE)) for v in values[:3]]
    assert decoded == [{"id": 1, "note": "tagged"}, {"id": 2, "note": "untagged"}, {"id": 3, "note": None}]


def test_binary_and_json_records_read_by_kcat(proxy):
    topic = new_topic(3)
    r = produce(proxy, topic, {"records": [
        {"key": base64.b64encode(b"k1").decode(), "value": base64.b64encode(b"hello").decode()},
        {"value": base64.b64encode(b"\x00\xffbytes").decode(), "partition": 2}]}, BINARY)
    assert r.status_code == 200, r.text
    offsets = r.json()["offsets"]
    assert offsets[1]["partition"] == 2 and r.json()["key_schema_id"] is None
    out = kcat(topic, "%p|%k|%s\n")
    assert f"{offsets[0]['partition']}|k1|hello\n".encode() in out
    assert b"2||\x00\xffbytes\n" in out

    jtopic = new_topic()
    r = produce(proxy, jtopic, {"records": [{"key": "abc", "value": {"name": "testUser", "n": [1, 2.5]}}]}, JSON)
    assert r.status_code == 200, r.text
    # JSON keys stay JSON text: a string key keeps its quotes, as Confluent's proxy writes it.
    assert kcat(jtopic, "%k|%s\n") == b'"abc"|{"name":"testUser","n":[1,2.5]}\n'
    # The partition endpoint, with plain application/json meaning binary (as Karapace accepts).
    r = produce(proxy, jtopic, {"records": [{"value": base64.b64encode(b"p0").decode()}]}, "application/json",
                path=f"/topics/{jtopic}/partitions/0")
    assert r.json()["offsets"][0] == {"partition": 0, "offset": 1, "error_code": None, "error": None}


def test_v2_metadata(proxy):
    topic = new_topic(2)
    produce(proxy, topic, {"records": [{"value": "AA=="}]}, BINARY, path=f"/topics/{topic}/partitions/1")
    assert requests.get(proxy.proxy_url + "/").json() == {}
    assert topic in requests.get(proxy.proxy_url + "/topics").json()
    t = requests.get(f"{proxy.proxy_url}/topics/{topic}")
    assert t.headers["Content-Type"] == V2
    assert t.json()["name"] == topic and [p["partition"] for p in t.json()["partitions"]] == [0, 1]
    p = requests.get(f"{proxy.proxy_url}/topics/{topic}/partitions/1").json()
    assert p["partition"] == 1 and p["leader"] >= 0 and p["replicas"][0]["leader"] is True
    assert requests.get(f"{proxy.proxy_url}/topics/{topic}/partitions/1/offsets").json() == {
        "beginning_offset": 0, "end_offset": 1}
    brokers = requests.get(proxy.proxy_url + "/brokers").json()["brokers"]
    assert brokers and all(isinstance(b, int) for b in brokers)
    r = requests.get(f"{proxy.proxy_url}/topics/nope-{uuid.uuid4().hex}")
    assert (r.status_code, r.json()["error_code"]) == (404, 40401)
    r = requests.get(f"{proxy.proxy_url}/topics/{topic}/partitions/9")
    assert (r.status_code, r.json()["error_code"]) == (404, 40402)


def end_offsets(topic):
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "eo-" + uuid.uuid4().hex})
    md = c.list_topics(topic, timeout=10).topics[topic]
    out = [c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in md.partitions]
    c.close()
    return out


def test_malformed_requests_get_documented_codes_and_produce_nothing(proxy):
    topic = new_topic()
    good = {"value": {"temperature": 1.0, "status": "ok"}}

    def expect(r, status, code, fragment=""):
        assert r.status_code == status, r.text
        assert r.json()["error_code"] == code, r.text
        assert fragment in r.json()["message"], r.text

    expect(produce(proxy, topic, {"records": [{"value": "aGk="}]}, "text/plain"), 415, 415)
    expect(produce(proxy, topic, {"records": [{"value": "aGk="}]}, "application/vnd.kafka.protobuf.v2+json"), 415, 415)
    expect(produce(proxy, topic, {"records": [{"value": "aGk="}]}, BINARY, headers={"Accept": "text/html"}), 406, 406)
    expect(requests.post(f"{proxy.proxy_url}/topics/{topic}", data="{\"records\": [", headers={"Content-Type": BINARY}),
           400, 400)
    expect(produce(proxy, topic, [1, 2], BINARY), 400, 400)
    expect(produce(proxy, topic, {"records": []}, BINARY), 422, 422)
    expect(produce(proxy, topic, {}, BINARY), 422, 422)
    # One bad record fails the whole request: the good one before it is not sent either.
    expect(produce(proxy, topic, {"records": [{"value": "aGk="}, {"value": "not base64!"}]}, BINARY), 400, 400,
           "records[1].value")
    expect(produce(proxy, topic, {"value_schema": json.dumps(WEATHER_VALUE), "records": [{"key": 1, **good}]}, AVRO),
           422, 42201)
    expect(produce(proxy, topic, {"records": [good]}, AVRO), 422, 42202)
    expect(produce(proxy, topic, {"value_schema": '{"type": "record", "name": "X"}', "records": [good]}, AVRO),
           422, 42205)
    expect(produce(proxy, topic, {"value_schema": json.dumps(WEATHER_VALUE),
                                  "records": [good, {"value": {"temperature": 2.0, "status": 3}}]}, AVRO),
           422, 42203, "status")
    expect(produce(proxy, topic, {"value_schema_id": 987654, "records": [good]}, AVRO), 422, 42207)
    # Incompatible with what the subject holds (BACKWARD: a new field without a default).
    assert produce(proxy, topic, {"value_schema": json.dumps(WEATHER_VALUE), "records": [good]}, AVRO).status_code == 200
    incompatible = dict(WEATHER_VALUE, fields=WEATHER_VALUE["fields"] + [{"name": "wind", "type": "int"}])
    expect(produce(proxy, topic, {"value_schema": json.dumps(incompatible),
                                  "records": [{"value": {"temperature": 1.0, "status": "x", "wind": 3}}]}, AVRO),
           422, 42207, "incompatible")
    expect(produce(proxy, topic, {"records": [{"value": "aGk=", "partition": 5}]}, BINARY), 404, 40402)
    expect(produce(proxy, topic, {"records": [{"value": "aGk="}]}, BINARY, path=f"/topics/{topic}/partitions/3"),
           404, 40402)
    big = base64.b64encode(os.urandom(48 * 1024 * 1024)).decode()
    expect(produce(proxy, topic, {"records": [{"value": big}]}, BINARY), 413, 413)
    # Only the one valid request above reached Kafka.
    assert end_offsets(topic) == [1]


def test_v3_clusters_topics_and_records(proxy):
    u = proxy.proxy_url
    clusters = requests.get(u + "/v3/clusters").json()
    assert clusters["kind"] == "KafkaClusterList" and len(clusters["data"]) == 1
    cid = clusters["data"][0]["cluster_id"]
    assert requests.get(f"{u}/v3/clusters/{cid}").json()["cluster_id"] == cid
    assert requests.get(f"{u}/v3/clusters/nope").status_code == 404
    name = "v3-" + uuid.uuid4().hex[:8]
    r = requests.post(f"{u}/v3/clusters/{cid}/topics", json={"topic_name": name, "partitions_count": 2,
                                                              "replication_factor": 1})
    assert r.status_code == 201, r.text
    assert r.json()["partitions_count"] == 2 and r.headers["Location"].endswith(f"/topics/{name}")
    r = requests.post(f"{u}/v3/clusters/{cid}/topics", json={"topic_name": name})
    assert (r.status_code, r.json()["error_code"]) == (400, 40002)
    r = requests.post(f"{u}/v3/clusters/{cid}/topics", json={"topic_name": "bad name!"})
    assert (r.status_code, r.json()["error_code"]) == (422, 42206)
    assert name in [t["topic_name"] for t in requests.get(f"{u}/v3/clusters/{cid}/topics").json()["data"]]

    # Concatenated records, one report per record in order; a bad one gets its own error.
    stream = "".join(json.dumps(x) + "\n" for x in [
        {"partition_id": 1, "key": {"type": "STRING", "data": "k"}, "value": {"type": "JSON", "data": {"a": 1}},
         "headers": [{"name": "h", "value": base64.b64encode(b"hv").decode()}]},
        {"value": {"type": "BINARY", "data": "%%%"}},
        {"value": {"data": "plain json"}, "timestamp": "2021-02-05T19:14:42Z"},
    ])
    r = requests.post(f"{u}/v3/clusters/{cid}/topics/{name}/records", data=stream,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 200
    reports = [json.loads(x) for x in r.text.split("\r\n") if x]
    assert [x["error_code"] for x in reports] == [200, 400, 200]
    assert reports[0]["partition_id"] == 1 and reports[0]["key"] == {"type": "STRING", "size": 1}
    assert reports[2]["timestamp"] == "2021-02-05T19:14:42Z"
    assert b"1|k|{\"a\":1}|h=hv\n" in kcat(name, "%p|%k|%s|%h\n")

    # Avro by schema text under the topic's value subject, then batch produce (207).
    schema = json.dumps({"type": "record", "name": "V", "fields": [{"name": "n", "type": "long"}]})
    r = requests.post(f"{u}/v3/clusters/{cid}/topics/{name}/records",
                      json={"value": {"type": "AVRO", "schema": schema, "data": {"n": 7}}})
    rep = json.loads(r.text.split("\r\n")[0])
    assert rep["error_code"] == 200 and rep["value"]["subject"] == f"{name}-value"
    r = requests.post(f"{u}/v3/clusters/{cid}/topics/{name}/records:batch", json={"entries": [
        {"id": "1", "value": {"data": {"n": 8}}}, {"id": "2", "value": {"type": "BINARY", "data": "?"}}]})
    assert r.status_code == 207
    assert [s["id"] for s in r.json()["successes"]] == ["1"] and r.json()["failures"][0]["id"] == "2"
    r = requests.post(f"{u}/v3/clusters/{cid}/topics/{name}/records:batch", json={"entries": [{"id": "1"}, {"id": "1"}]})
    assert (r.status_code, r.json()["error_code"]) == (422, 42208)
    r = requests.post(f"{u}/v3/clusters/{cid}/topics/{name}/records", data="")
    assert (r.status_code, r.json()["error_code"]) == (422, 42206)

    assert requests.delete(f"{u}/v3/clusters/{cid}/topics/{name}").status_code == 204
    wait_until(lambda: requests.get(f"{u}/v3/clusters/{cid}/topics/{name}").status_code == 404, what="topic deleted")
    assert requests.get(f"{u}/v3/clusters/{cid}/topics/{name}").json()["error_code"] == 40403


def consumer_call(method, url, body=None, accept=None):
    headers = {"Content-Type": V2}
    if accept:
        headers["Accept"] = accept
    return requests.request(method, url, data=None if body is None else json.dumps(body), headers=headers, timeout=30)


def read_records(base, accept, want):
    got = []
    wait_until(lambda: got.extend(consumer_call("GET", f"{base}/records?timeout=1000", accept=accept).json()) or
               len(got) >= want, what=f"{want} records")
    return got


def test_v2_consumer_subscribe_read_commit_and_delete(proxy):
    topic = new_topic()
    produce(proxy, topic, {"records": [{"key": "k", "value": {"n": i}} for i in range(3)]}, JSON)
    group = "g-" + uuid.uuid4().hex[:8]
    r = consumer_call("POST", f"{proxy.proxy_url}/consumers/{group}",
                      {"name": "c1", "format": "json", "auto.offset.reset": "earliest"})
    assert r.status_code == 200, r.text
    assert r.json() == {"instance_id": "c1", "base_uri": f"{proxy.proxy_url}/consumers/{group}/instances/c1"}
    base = r.json()["base_uri"]
    dup = consumer_call("POST", f"{proxy.proxy_url}/consumers/{group}", {"name": "c1"})
    assert (dup.status_code, dup.json()["error_code"]) == (409, 40902)
    bad = consumer_call("POST", f"{proxy.proxy_url}/consumers/{group}", {"name": "c2", "format": "xml"})
    assert (bad.status_code, bad.json()["error_code"]) == (422, 42204)

    assert consumer_call("POST", f"{base}/subscription", {"topics": [topic]}).status_code == 204
    assert consumer_call("GET", f"{base}/subscription").json() == {"topics": [topic]}
    records = read_records(base, JSON, 3)
    assert [r["value"] for r in records] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert records[0] == {"topic": topic, "key": "k", "value": {"n": 0}, "partition": 0, "offset": 0}
    wrong = consumer_call("GET", f"{base}/records", accept=BINARY)
    assert (wrong.status_code, wrong.json()["error_code"]) == (406, 40601)

    # Commit what was consumed (no body), then read it back.
    assert consumer_call("POST", f"{base}/offsets").status_code == 200
    committed = consumer_call("GET", f"{base}/offsets", {"partitions": [{"topic": topic, "partition": 0}]}).json()
    assert committed["offsets"][0]["offset"] == 3
    # The client names the last record it consumed; the group stores the next offset.
    consumer_call("POST", f"{base}/offsets", {"offsets": [{"topic": topic, "partition": 0, "offset": 0}]})
    assert consumer_call("GET", f"{base}/offsets",
                         {"partitions": [{"topic": topic, "partition": 0}]}).json()["offsets"][0]["offset"] == 1

    assert consumer_call("DELETE", base).status_code == 204
    gone = consumer_call("GET", f"{base}/subscription")
    assert (gone.status_code, gone.json()["error_code"]) == (404, 40403)


def test_v2_consumer_assignment_seek_binary_and_avro(proxy):
    topic = new_topic()
    produce(proxy, topic, {"records": [{"value": base64.b64encode(f"v{i}".encode()).decode()} for i in range(5)]},
            BINARY)
    group = "g-" + uuid.uuid4().hex[:8]
    base = consumer_call("POST", f"{proxy.proxy_url}/consumers/{group}",
                         {"name": "b", "auto.offset.reset": "earliest"}).json()["base_uri"]
    tp = {"topic": topic, "partition": 0}
    assert consumer_call("POST", f"{base}/assignments", {"partitions": [tp]}).status_code == 204
    assert consumer_call("GET", f"{base}/assignments").json() == {"partitions": [tp]}
    conflict = consumer_call("POST", f"{base}/subscription", {"topics": [topic]})
    assert (conflict.status_code, conflict.json()["error_code"]) == (409, 40903)
    first = read_records(base, BINARY, 1)
    assert base64.b64decode(first[0]["value"]) == b"v0"
    assert consumer_call("POST", f"{base}/positions", {"offsets": [dict(tp, offset=3)]}).status_code == 204
    again = read_records(base, BINARY, 1)
    assert [base64.b64decode(r["value"]) for r in again][0] == b"v3"
    assert consumer_call("POST", f"{base}/positions/beginning", {"partitions": [tp]}).status_code == 204
    assert base64.b64decode(read_records(base, V2, 1)[0]["value"]) == b"v0"
    # max_bytes caps a read (at least one record is returned); what did not fit comes next, in order.
    consumer_call("POST", f"{base}/positions", {"offsets": [dict(tp, offset=0)]})
    seen = []
    while len(seen) < 5:
        batch = consumer_call("GET", f"{base}/records?timeout=1000&max_bytes=3", accept=BINARY).json()
        assert len(batch) <= 1
        seen += [base64.b64decode(r["value"]) for r in batch]
    assert seen == [b"v0", b"v1", b"v2", b"v3", b"v4"]
    consumer_call("DELETE", base)

    # Avro: records come back in Avro JSON (tagged unions), decoded with the registry's schema.
    atopic = new_topic()
    schema = {"type": "record", "name": "A", "fields": [{"name": "s", "type": ["null", "string"]}]}
    produce(proxy, atopic, {"value_schema": json.dumps(schema), "records": [{"value": {"s": "x"}}]}, AVRO)
    abase = consumer_call("POST", f"{proxy.proxy_url}/consumers/{group}",
                          {"name": "a", "format": "avro", "auto.offset.reset": "earliest"}).json()["base_uri"]
    consumer_call("POST", f"{abase}/subscription", {"topics": [atopic]})
    assert read_records(abase, AVRO, 1)[0]["value"] == {"s": {"string": "x"}}
    consumer_call("DELETE", abase)


def test_idle_consumer_instances_expire(tmp_path):
    w = Worker(tmp_path).with_registry()
    w.set({"rest.proxy.consumer.instance.timeout.ms": "1500"})
    w.start()
    try:
        base = consumer_call("POST", f"{w.proxy_url}/consumers/idle", {"name": "sleepy"}).json()["base_uri"]
        assert consumer_call("GET", f"{base}/subscription").status_code == 200
        wait_until(lambda: "sleepy of group idle expired" in w.log.read_text(), what="expiry")
        r = consumer_call("GET", f"{base}/subscription")
        assert (r.status_code, r.json()["error_code"]) == (404, 40403)
    finally:
        w.stop()


def test_jsonschema_produce_validates_frames_and_reads_back(proxy):
    topic = new_topic()
    JS = "application/vnd.kafka.jsonschema.v2+json"
    schema = {"type": "object", "properties": {"temperature": {"type": "number"}, "status": {"type": "string"}},
              "required": ["status"], "additionalProperties": False}
    r = produce(proxy, topic, {"value_schema": json.dumps(schema),
                               "records": [{"value": {"temperature": 20.5, "status": "sunny"}}]}, JS)
    assert r.status_code == 200, r.text
    sid = r.json()["value_schema_id"]
    assert requests.get(f"{proxy.sr_url}/subjects/{topic}-value/versions/1").json()["schemaType"] == "JSON"
    bad = produce(proxy, topic, {"value_schema_id": sid, "records": [{"value": {"status": "ok"}},
                                                                     {"value": {"status": 3}}]}, JS)
    assert (bad.status_code, bad.json()["error_code"]) == (422, 42203)
    assert "$.status" in bad.json()["message"] and "records[1].value" in bad.json()["message"]
    raw = read_topic(topic, expect_min=1)
    assert len(raw) == 1 and raw[0][1] == b"\x00" + sid.to_bytes(4, "big") + b'{"temperature":20.5,"status":"sunny"}'
    # An Avro id used with the jsonschema format is refused.
    avro_id = requests.post(f"{proxy.sr_url}/subjects/other-{topic}/versions", json={"schema": json.dumps("long")}).json()
    wrong = produce(proxy, topic, {"value_schema_id": avro_id["id"], "records": [{"value": {}}]}, JS)
    assert (wrong.status_code, wrong.json()["error_code"]) == (422, 42207)
    group = "g-" + uuid.uuid4().hex[:8]
    base = consumer_call("POST", f"{proxy.proxy_url}/consumers/{group}",
                         {"name": "j", "format": "jsonschema", "auto.offset.reset": "earliest"}).json()["base_uri"]
    consumer_call("POST", f"{base}/subscription", {"topics": [topic]})
    assert read_records(base, JS, 1)[0]["value"] == {"temperature": 20.5, "status": "sunny"}
    consumer_call("DELETE", base)


def test_produce_to_a_new_topic_relies_on_the_broker_creating_it(proxy):
    """As Confluent's proxy (its Java producer waits up to max.block.ms for the topic), not Karapace's 404:
    the local broker creates topics on demand, so the first POST to a new topic lands. A name the broker
    refuses fails each record with the producer's error, in a 200 as Confluent answers."""
    topic = f"new-{uuid.uuid4().hex[:8]}"
    r = produce(proxy, topic, {"records": [{"value": "aGk="}, {"value": "aG8="}]}, BINARY)
    assert r.status_code == 200, r.text
    assert [o["error_code"] for o in r.json()["offsets"]] == [None, None], r.text
    assert sorted(v for _, v in read_topic(topic, expect_min=2)) == [b"hi", b"ho"]
    r = produce(proxy, "bad$name", {"records": [{"value": "aGk="}]}, BINARY)
    assert r.status_code == 200, r.text
    assert r.json()["offsets"] == [
        {"partition": None, "offset": None, "error_code": 50002, "error": "Invalid topics: [bad$name]"}]


def test_producer_keys_of_the_worker_properties_reach_the_proxys_producer(tmp_path):
    """As Confluent's proxy applies `producer.*` to its producer: with producer.message.max.bytes=1000 a
    2 KB record is refused by the producer while a small one lands (the default limit is 1 MB)."""
    w = Worker(tmp_path).with_registry()
    w.set({"producer.message.max.bytes": "1000"})
    w.start()
    try:
        topic = new_topic()
        big = base64.b64encode(b"x" * 2000).decode()
        r = produce(w, topic, {"records": [{"value": "aGk="}, {"value": big}]}, BINARY)
        assert r.status_code == 200, r.text
        small, large = r.json()["offsets"]
        assert small["error_code"] is None, r.text
        assert large["error_code"] == 50002 and "too large" in large["error"].lower(), r.text
        assert [v for _, v in read_topic(topic, expect_min=1)] == [b"hi"]
    finally:
        w.stop()
