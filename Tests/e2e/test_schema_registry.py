"""The embedded Schema Registry against real clients: registration semantics, compatibility, deletes,
the error catalogue, `_schemas` record shapes, replay after restart, and two workers sharing one topic."""
import json
import threading

import requests
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

from conftest import Worker, read_topic

SR = "application/vnd.schemaregistry.v1+json"
STRING = json.dumps({"type": "string"})


def record(name, *fields):
    return json.dumps({"type": "record", "name": name, "fields": [dict(f) for f in fields]})


def post(url, path, body, **kw):
    return requests.post(url + path, data=json.dumps(body), headers={"Content-Type": SR}, timeout=10, **kw)


def registry(tmp_path):
    return Worker(tmp_path).with_registry(proxy=False).start()


def test_registration_ids_versions_and_lookup(tmp_path):
    w = registry(tmp_path)
    try:
        u = w.sr_url
        assert requests.get(u + "/").json() == {}
        assert post(u, "/subjects/a-value/versions", {"schema": STRING}).json() == {"id": 1}
        # Whitespace does not make a new schema; the same schema under another subject keeps its id.
        assert post(u, "/subjects/a-value/versions", {"schema": '{ "type" : "string" }'}).json() == {"id": 1}
        assert post(u, "/subjects/b-value/versions", {"schema": STRING}).json() == {"id": 1}
        v2 = record("R", {"name": "f", "type": "int"})
        r = post(u, "/subjects/a-value/versions", {"schema": v2, "schemaType": "AVRO"})
        assert r.status_code == 409
        # BACKWARD (default) refuses string → record; NONE on the subject lets it in.
        assert requests.put(u + "/config/a-value", json={"compatibility": "NONE"}).json() == {"compatibility": "NONE"}
        assert post(u, "/subjects/a-value/versions", {"schema": v2}).json() == {"id": 2}
        assert requests.get(u + "/subjects/a-value/versions").json() == [1, 2]
        latest = requests.get(u + "/subjects/a-value/versions/latest")
        assert latest.headers["Content-Type"] == SR
        assert latest.json() == {"subject": "a-value", "version": 2, "id": 2,
                                 "schema": '{"type":"record","name":"R","fields":[{"name":"f","type":"int"}]}'}
        assert "schemaType" not in latest.json()
        assert requests.get(u + "/subjects/a-value/versions/1/schema").json() == "string"
        assert requests.get(u + "/schemas/ids/1").json() == {"schema": '"string"'}
        assert requests.get(u + "/schemas/ids/1/subjects").json() == ["a-value", "b-value"]
        assert requests.get(u + "/schemas/ids/1/versions").json() == [
            {"subject": "a-value", "version": 1}, {"subject": "b-value", "version": 1}]
        assert sorted(requests.get(u + "/subjects").json()) == ["a-value", "b-value"]
        assert requests.get(u + "/subjects?subjectPrefix=b").json() == ["b-value"]
        found = post(u, "/subjects/b-value", {"schema": STRING}).json()
        assert found == {"subject": "b-value", "version": 1, "id": 1, "schema": '"string"'}
        assert requests.get(u + "/schemas/types").json() == ["JSON", "AVRO"]

        # The real Python client, with the Accept list the legacy client sends too.
        client = SchemaRegistryClient({"url": u})
        sid = client.register_schema("c-value", Schema(record("C", {"name": "x", "type": "long"}), "AVRO"))
        assert sid == 3
        assert client.get_schema(sid).schema_str == '{"type":"record","name":"C","fields":[{"name":"x","type":"long"}]}'
        assert client.get_latest_version("c-value").version == 1
        legacy = requests.get(u + "/subjects", headers={
            "Accept": "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json"})
        assert legacy.status_code == 200 and legacy.headers["Content-Type"] == SR
    finally:
        w.stop()


def test_compatibility_levels_and_endpoint(tmp_path):
    w = registry(tmp_path)
    try:
        u = w.sr_url
        v1 = record("User", {"name": "name", "type": "string"})
        no_default = record("User", {"name": "name", "type": "string"}, {"name": "age", "type": "int"})
        with_default = record("User", {"name": "name", "type": "string"}, {"name": "age", "type": "int", "default": 0})
        assert post(u, "/subjects/u-value/versions", {"schema": v1}).json() == {"id": 1}
        r = post(u, "/subjects/u-value/versions", {"schema": no_default})
        assert r.status_code == 409 and r.json()["error_code"] in (409, 40901)
        assert 'incompatible with an earlier schema for subject "u-value"' in r.json()["message"]
        assert "READER_FIELD_MISSING_DEFAULT_VALUE" in r.json()["message"] and "age" in r.json()["message"]
        check = post(u, "/compatibility/subjects/u-value/versions/latest?verbose=true", {"schema": no_default}).json()
        assert check["is_compatible"] is False and check["messages"]
        assert post(u, "/compatibility/subjects/u-value/versions/latest", {"schema": with_default}).json() == {
            "is_compatible": True}
        assert post(u, "/subjects/u-value/versions", {"schema": with_default}).json() == {"id": 2}

        # FORWARD_TRANSITIVE: the new schema must be readable by every earlier version.
        assert requests.put(u + "/config/u-value", json={"compatibility": "forward_transitive"}).json() == {
            "compatibility": "FORWARD_TRANSITIVE"}
        assert requests.get(u + "/config/u-value").json() == {"compatibilityLevel": "FORWARD_TRANSITIVE"}
        dropped_name = record("User", {"name": "age", "type": "int", "default": 0})
        r = post(u, "/subjects/u-value/versions", {"schema": dropped_name})
        assert r.status_code == 409
        assert requests.get(u + "/config").json() == {"compatibilityLevel": "BACKWARD"}
        r = requests.get(u + "/config/other")
        assert r.status_code == 404 and r.json()["error_code"] == 40408
        assert requests.get(u + "/config/other?defaultToGlobal=true").json() == {"compatibilityLevel": "BACKWARD"}
        r = requests.put(u + "/config", json={"compatibility": "SIDEWAYS"})
        assert r.status_code == 422 and r.json()["error_code"] == 42203
        assert requests.delete(u + "/config/u-value").json() == {"compatibilityLevel": "FORWARD_TRANSITIVE"}
        assert requests.get(u + "/config/u-value?defaultToGlobal=true").json() == {"compatibilityLevel": "BACKWARD"}
    finally:
        w.stop()


def test_soft_and_hard_deletes(tmp_path):
    w = registry(tmp_path)
    try:
        u = w.sr_url
        requests.put(u + "/config", json={"compatibility": "NONE"})
        assert post(u, "/subjects/d/versions", {"schema": STRING}).json() == {"id": 1}
        assert post(u, "/subjects/d/versions", {"schema": json.dumps("long")}).json() == {"id": 2}
        r = requests.delete(u + "/subjects/d?permanent=true")
        assert r.status_code == 404 and r.json()["error_code"] == 40405
        assert requests.delete(u + "/subjects/d").json() == [1, 2]
        r = requests.delete(u + "/subjects/d")
        assert r.status_code == 404 and r.json()["error_code"] == 40404
        assert requests.get(u + "/subjects").json() == []
        assert requests.get(u + "/subjects?deleted=true").json() == ["d"]
        assert requests.get(u + "/subjects/d/versions").json()["error_code"] == 40401
        assert requests.get(u + "/subjects/d/versions?deleted=true").json() == [1, 2]
        # Ids stay resolvable; re-registering gets a new version with the old id.
        assert requests.get(u + "/schemas/ids/1").json() == {"schema": '"string"'}
        assert post(u, "/subjects/d/versions", {"schema": STRING}).json() == {"id": 1}
        assert requests.get(u + "/subjects/d/versions").json() == [3]
        # Single versions: soft, then hard.
        r = requests.delete(u + "/subjects/d/versions/3?permanent=true")
        assert r.status_code == 404 and r.json()["error_code"] == 40407
        assert requests.delete(u + "/subjects/d/versions/3").json() == 3
        r = requests.delete(u + "/subjects/d/versions/3")
        assert r.status_code == 404 and r.json()["error_code"] == 40406
        assert requests.delete(u + "/subjects/d/versions/3?permanent=true").json() == 3
        assert requests.delete(u + "/subjects/d?permanent=true").json() == [1, 2]
        assert requests.get(u + "/subjects?deleted=true").json() == []
    finally:
        w.stop()


def test_error_catalogue(tmp_path):
    w = registry(tmp_path)
    try:
        u = w.sr_url

        def err(r, status, code):
            assert r.status_code == status, r.text
            assert r.json()["error_code"] == code, r.text
            return r.json()["message"]

        m = err(post(u, "/subjects/x/versions", {"schema": '{"type":"record","name":"R"}'}), 422, 42201)
        assert "Invalid schema" in m and "fields" in m
        err(post(u, "/subjects/x/versions", {"schema": '{"type": "strin"}'}), 422, 42201)
        err(post(u, "/subjects/x/versions", {}), 422, 42201)
        err(post(u, "/subjects/x/versions", {"schema": STRING, "schemaType": "PROTOBUF"}), 422, 42201)
        err(requests.post(u + "/subjects/x/versions", data="{not json", headers={"Content-Type": SR}), 400, 400)
        err(requests.get(u + "/subjects/x/versions/1"), 404, 40401)
        post(u, "/subjects/x/versions", {"schema": STRING})
        assert err(requests.get(u + "/subjects/x/versions/7"), 404, 40402) == "Version 7 not found."
        m = err(requests.get(u + "/subjects/x/versions/zero"), 422, 42202)
        assert "'zero' is not a valid version id" in m
        assert err(requests.get(u + "/schemas/ids/99"), 404, 40403) == "Schema 99 not found"
        assert err(post(u, "/subjects/x", {"schema": json.dumps("int")}), 404, 40403) == "Schema not found"
        err(post(u, "/subjects/nope", {"schema": STRING}), 404, 40401)
        err(requests.post(u + "/subjects/x/versions", data=json.dumps({"schema": STRING}),
                          headers={"Content-Type": "text/plain"}), 415, 415)
        err(requests.get(u + "/subjects", headers={"Accept": "text/html"}), 406, 406)
        err(requests.put(u + "/mode", json={"mode": "SOMETIMES"}), 422, 42204)
        err(requests.get(u + "/nowhere"), 404, 404)
        # Nothing half-registered by the failures above.
        assert requests.get(u + "/subjects").json() == ["x"]
    finally:
        w.stop()


def test_schemas_topic_records_and_replay(tmp_path):
    w = registry(tmp_path)
    topic = f"_schemas-{w.id}"
    try:
        u = w.sr_url
        assert post(u, "/subjects/t-value/versions", {"schema": STRING}).json() == {"id": 1}
        requests.put(u + "/config/t-value", json={"compatibility": "FULL"})
        requests.put(u + "/mode/t-value", json={"mode": "READONLY"})
        r = post(u, "/subjects/t-value/versions", {"schema": json.dumps("long")})
        assert r.status_code == 422 and r.json()["error_code"] == 42205
    finally:
        w.stop()
    records = [(k.decode(), v.decode() if v else None) for k, v in read_topic(topic, expect_min=3)]
    assert ('{"keytype":"SCHEMA","subject":"t-value","version":1,"magic":1}',
            '{"subject":"t-value","version":1,"id":1,"schema":"\\"string\\"","deleted":false}') in records
    assert ('{"keytype":"CONFIG","subject":"t-value","magic":0}', '{"compatibilityLevel":"FULL"}') in records
    assert ('{"keytype":"MODE","subject":"t-value","magic":0}', '{"subject":"t-value","mode":"READONLY"}') in records

    # A new process replays the topic: same ids, config and mode; the next id continues.
    w2 = Worker(tmp_path)
    w2.with_registry(proxy=False)
    w2.set({"kafkastore.topic": topic})
    w2.start()
    try:
        u = w2.sr_url
        assert requests.get(u + "/schemas/ids/1").json() == {"schema": '"string"'}
        assert requests.get(u + "/config/t-value").json() == {"compatibilityLevel": "FULL"}
        assert requests.get(u + "/mode/t-value").json() == {"mode": "READONLY"}
        assert post(u, "/subjects/other/versions", {"schema": json.dumps("bytes")}).json() == {"id": 2}
    finally:
        w2.stop()


def test_two_workers_register_concurrently_without_duplicate_ids(tmp_path):
    """Workers sharing `_schemas` elect no leader: the first claim in the log wins and the loser retries,
    so concurrent registrations of different schemas end with distinct ids that both workers agree on."""
    a = Worker(tmp_path).with_registry(proxy=False)
    b = Worker(tmp_path).with_registry(proxy=False)
    b.set({"kafkastore.topic": f"_schemas-{a.id}"})
    a.start()
    b.start()
    try:
        results = {}

        def register(url, name, n):
            for i in range(n):
                s = json.dumps({"type": "fixed", "name": f"{name}{i}", "size": 4})
                results[(name, i)] = post(url, "/subjects/shared/versions", {"schema": s}).json()["id"]

        requests.put(a.sr_url + "/config", json={"compatibility": "NONE"})
        ta = threading.Thread(target=register, args=(a.sr_url, "A", 15))
        tb = threading.Thread(target=register, args=(b.sr_url, "B", 15))
        ta.start(); tb.start(); ta.join(); tb.join()
        ids = list(results.values())
        assert len(ids) == 30 and len(set(ids)) == 30, results
        for url in (a.sr_url, b.sr_url):
            assert requests.get(url + "/subjects/shared/versions").json() == list(range(1, 31))
        for (name, i), sid in results.items():
            for url in (a.sr_url, b.sr_url):
                assert json.loads(requests.get(f"{url}/schemas/ids/{sid}").json()["schema"])["name"] == f"{name}{i}"
    finally:
        a.stop()
        b.stop()


def test_json_schemas(tmp_path):
    w = registry(tmp_path)
    try:
        u = w.sr_url
        js = json.dumps({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]})
        r = post(u, "/subjects/j-value/versions", {"schema": js, "schemaType": "JSON"})
        assert r.json() == {"id": 1}
        # The same text as Avro would be another schema: types are part of the identity.
        got = requests.get(u + "/schemas/ids/1").json()
        assert got == {"schema": '{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}',
                       "schemaType": "JSON"}
        assert requests.get(u + "/subjects/j-value/versions/1").json()["schemaType"] == "JSON"
        assert post(u, "/subjects/j-value", {"schema": js, "schemaType": "JSON"}).json()["id"] == 1
        # JSON Schema evolution is not analysed: a changed schema is refused unless the level is NONE.
        changed = json.dumps({"type": "object"})
        r = post(u, "/subjects/j-value/versions", {"schema": changed, "schemaType": "JSON"})
        assert r.status_code == 409 and "JSON_SCHEMA_CHANGED" in r.json()["message"]
        r = post(u, "/subjects/j-value/versions", {"schema": STRING})
        # Confluent's CompatibilityChecker words a change of schema type this way.
        assert r.status_code == 409 and "Incompatible because of different schema type" in r.json()["message"]
        requests.put(u + "/config/j-value", json={"compatibility": "NONE"})
        assert post(u, "/subjects/j-value/versions", {"schema": changed, "schemaType": "JSON"}).json() == {"id": 2}
        r = post(u, "/subjects/j-value/versions", {"schema": "[1]", "schemaType": "JSON"})
        assert (r.status_code, r.json()["error_code"]) == (422, 42201)
    finally:
        w.stop()


def test_schemas_come_back_as_javas_schema_to_string(tmp_path):
    """Confluent stores and returns Avro's Schema.toString(): a nested named type's namespace is written
    only where it differs from the enclosing one (issue 21's reproduction), read by confluent-kafka."""
    w = registry(tmp_path)
    try:
        u = w.sr_url
        written = {"type": "record", "name": "R", "namespace": "ns",
                   "fields": [{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A"]}}]}
        sid = post(u, "/subjects/ns-value/versions", {"schema": json.dumps(written)}).json()["id"]
        java = ('{"type":"record","name":"R","namespace":"ns","fields":'
                '[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}]}')
        assert requests.get(f"{u}/schemas/ids/{sid}").json()["schema"] == java
        assert requests.get(f"{u}/subjects/ns-value/versions/1/schema").text == java
        # Another namespace is written where it changes, and the same schema text is the same id.
        other = dict(written, fields=[{"name": "e", "type": {"type": "enum", "name": "E", "namespace": "other",
                                                           "symbols": ["A"]}}])
        oid = post(u, "/subjects/other-value/versions", {"schema": json.dumps(other)}).json()["id"]
        assert '"namespace":"other"' in requests.get(f"{u}/schemas/ids/{oid}").json()["schema"]
        assert SchemaRegistryClient({"url": u}).get_schema(sid).schema_str == java
    finally:
        w.stop()
