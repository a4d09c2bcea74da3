"""The USGS earthquake source against the in-process fake event service (fake_usgs.py), serving the real
summary feeds: FDSN queries with window splitting, a summary feed, updates emitted once per `updated`,
restart from the stored offset, validation."""
import json
import uuid
from collections import Counter

import pytest

from conftest import Worker, read_topic, wait_until
from fake_usgs import FakeUSGS, fixture


@pytest.fixture
def usgs():
    fake = FakeUSGS()
    yield fake
    fake.close()


def source_config(fake, topic, **extra):
    c = {"connector.class": "USGSEarthquakeSource", "usgs.url": fake.url, "topic": topic,
         "usgs.start.time": "2019-01-29T00:00:00Z", "poll.interval.ms": "300",
         "key.converter": "org.apache.kafka.connect.storage.StringConverter",
         "value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"}
    c.update(extra)
    return c


def events(topic, n):
    return [(k.decode(), json.loads(v)) for k, v in read_topic(topic, expect_min=n, timeout=60)]


def test_query_mode_splits_windows_and_emits_each_update_once(tmp_path, usgs):
    topic = f"quakes-{uuid.uuid4().hex[:6]}"
    w = Worker(tmp_path).start()
    try:
        # 233 events with usgs.limit=50: the window is halved until every part holds fewer.
        assert w.post("/connectors", {"name": "quakes", "config": source_config(usgs, topic, **{"usgs.limit": "50"})}).status_code == 201
        got = events(topic, 233)
        ids = Counter(k for k, _ in got)
        assert len(got) == 233 and set(ids) == {f["id"] for f in fixture("all_day.geojson")["features"]}
        first = dict(got)["nc73138176"]
        assert first["type"] == "Feature" and first["properties"]["mag"] == 2.79
        assert first["geometry"]["coordinates"] == [-122.512001, 37.6756668, 12.48]
        queries = [r["params"] for r in usgs.requests if r["path"].endswith("/query")]
        assert all(q["orderby"] == "time-asc" and q["limit"] == "50" for q in queries)
        assert len({(q["starttime"], q["endtime"]) for q in queries}) > 4  # split windows
        # Later polls ask only for events updated since the last one (and emit nothing new)...
        wait_until(lambda: any("updatedafter" in r["params"] for r in usgs.requests), what="an updatedafter poll")
        # ...until one is updated upstream: it comes again, once, with its new values.
        usgs.update("nc73138176", mag=3.1, status="reviewed")
        got = events(topic, 234)
        again = [v for k, v in got if k == "nc73138176"]
        assert len(again) == 2 and again[-1]["properties"]["mag"] == 3.1
        n = len(usgs.requests)
        wait_until(lambda: len(usgs.requests) >= n + 3, what="three more polls")
        assert len(read_topic(topic)) == 234
        offsets = w.get("/connectors/quakes/offsets").json()["offsets"]
        assert offsets[0]["partition"] == {"url": usgs.url, "query": ""}
        assert offsets[0]["offset"]["id"] == "nc73138176"
    finally:
        w.stop()
    # A restart resumes from the stored offset: nothing is emitted twice.
    w2 = Worker(tmp_path, name=w.id).start()
    try:
        w2.wait_running("quakes")
        n = len(usgs.requests)
        wait_until(lambda: len(usgs.requests) >= n + 3, what="polls after the restart")
        assert len(read_topic(topic)) == 234
    finally:
        w2.stop()


def json_source_config(fake, topic):
    return {"connector.class": "JsonHttpSource", "kafka.topic": topic,
            "http.request.url": f"{fake.url}/earthquakes/feed/v1.0/summary/all_hour.geojson",
            "http.request.headers": "Accept: application/json, X-Client: tributary-test",
            "http.response.list.pointer": "/features", "http.response.record.key.pointer": "/id",
            "http.response.record.timestamp.pointer": "/properties/updated", "http.timer.interval.millis": "300",
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"}


@pytest.mark.parametrize("source", ["USGSEarthquakeSource", "JsonHttpSource"])
def test_a_kill_before_the_first_offset_commit_repeats_no_event(tmp_path, usgs, source):
    """The worker writes every event and is killed before it ever commits an offset: its successor, with
    no stored offset, reads the topic back and writes none of them again, only a later update."""
    topic = f"quakes-{uuid.uuid4().hex[:6]}"
    if source == "USGSEarthquakeSource":
        cfg, n, updated = source_config(usgs, topic), 233, "nc73138176"
    else:
        cfg, n = json_source_config(usgs, topic), 8
        updated = fixture("all_hour.geojson")["features"][2]["id"]
    slow_commits = {"offset.flush.interval.ms": "600000"}
    w = Worker(tmp_path, extra=slow_commits).start()
    assert w.post("/connectors", {"name": "quakes", "config": cfg}).status_code == 201
    events(topic, n)
    w.kill()
    w2 = Worker(tmp_path, name=w.id, extra=slow_commits).start()
    try:
        w2.wait_running("quakes")
        wait_until(lambda: f"{n} records in {topic} were delivered after the stored offset" in w2.log.read_text(),
                   what=f"the read-back of the {n} events")
        usgs.update(updated, mag=3.1)
        events(topic, n + 1)
        polls = len(usgs.requests)
        wait_until(lambda: len(usgs.requests) >= polls + 3, what="three more polls")
        got = [(k.decode(), json.loads(v)) for k, v in read_topic(topic)]
        versions = Counter((k, v["properties"]["updated"]) for k, v in got)
        assert len(got) == n + 1 and max(versions.values()) == 1
        assert [v["properties"]["mag"] for k, v in got if k == updated][-1] == 3.1
    finally:
        w2.stop()


def test_summary_feed_flattened_and_filtered_by_updates(worker, usgs):
    topic = f"feed-{uuid.uuid4().hex[:6]}"
    cfg = source_config(usgs, topic, **{"usgs.feed": "all_hour", "usgs.flatten": "true"})
    assert worker.post("/connectors", {"name": "feed", "config": cfg}).status_code == 201
    got = events(topic, 8)
    assert len(got) == 8
    k, v = got[0]
    assert v["id"] == k and {"mag", "place", "time", "updated", "longitude", "latitude", "depth"} <= set(v)
    n = len(usgs.requests)
    wait_until(lambda: len(usgs.requests) >= n + 3, what="more feed polls")
    assert len(read_topic(topic)) == 8
    hour = fixture("all_hour.geojson")["features"][0]["id"]
    usgs.update(hour, mag=5.0)
    got = events(topic, 9)
    assert [v["mag"] for k, v in got if k == hour][-1] == 5.0  # one key: one partition, in order
    assert sum(1 for k, _ in got if k == hour) == 2


def test_validation_names_the_key(worker, usgs):
    r = worker.put("/connector-plugins/USGSEarthquakeSource/config/validate",
                   {"name": "v", "connector.class": "USGSEarthquakeSource", "topic": "t",
                    "usgs.min.magnitude": "eleven", "usgs.start.time": "last tuesday", "usgs.feed": "all_year",
                    "usgs.limit": "20001"})
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"] if c["value"]["errors"]}
    assert set(errors) == {"usgs.min.magnitude", "usgs.start.time", "usgs.feed", "usgs.limit"}, errors
    r = worker.post("/connectors", {"name": "badmag", "config": source_config(usgs, "t", **{"usgs.min.magnitude": "4", "usgs.max.magnitude": "2"})})
    assert r.status_code == 400 and "usgs.min.magnitude" in r.json()["message"]


def test_the_generic_json_http_source_reads_the_same_feed(worker, usgs):
    """JsonHttpSource with castorm's key names, pointed at the summary feed: items at /features, keyed
    by /id, ordered and deduplicated by /properties/updated."""
    topic = f"generic-{uuid.uuid4().hex[:6]}"
    cfg = json_source_config(usgs, topic)
    assert worker.post("/connectors", {"name": "generic", "config": cfg}).status_code == 201
    got = events(topic, 8)
    assert sorted(k for k, _ in got) == sorted(f["id"] for f in fixture("all_hour.geojson")["features"])
    n = len(usgs.requests)
    wait_until(lambda: len(usgs.requests) >= n + 3, what="more polls")
    assert len(read_topic(topic)) == 8
    hour = fixture("all_hour.geojson")["features"][2]["id"]
    usgs.update(hour, mag=4.2)
    got = events(topic, 9)
    assert [v["properties"]["mag"] for k, v in got if k == hour][-1] == 4.2
    assert sum(1 for k, _ in got if k == hour) == 2
    o = worker.get("/connectors/generic/offsets").json()["offsets"][0]
    assert o["partition"] == {"url": f"{usgs.url}/earthquakes/feed/v1.0/summary/all_hour.geojson"}
    assert o["offset"]["key"] == hour and o["offset"]["timestamp"].endswith("Z")
