"""KIP-158: source connectors create their topics with the partitions, replication factor and topic
configs of their topic.creation groups (checked with Metadata and DescribeConfigs)."""
import os

from confluent_kafka.admin import AdminClient, ConfigResource

from conftest import BOOTSTRAP, Worker, read_topic, sql, wait_until

PG_JDBC_URL = os.environ.get("PG_JDBC_URL")


def jdbc_source(schema, tables, prefix, **extra):
    return {"connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector", "connection.url": PG_JDBC_URL,
            "connection.user": os.environ["PG_USER"], "connection.password": os.environ["PG_PASSWORD"],
            "table.whitelist": ",".join(f"{schema}.{t}" for t in tables), "mode": "incrementing",
            "incrementing.column.name": "id", "topic.prefix": prefix, "poll.interval.ms": "500", **extra}


def partitions(topic):
    md = AdminClient({"bootstrap.servers": BOOTSTRAP}).list_topics(timeout=10)
    t = md.topics.get(topic)
    return len(t.partitions) if t is not None and t.error is None else None


def topic_config(topic, key):
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    entries = admin.describe_configs([res])[res].result(timeout=10)
    return entries[key].value if key in entries else None


def test_default_group_makes_a_one_partition_compacted_topic(worker, schema):
    sql(f"CREATE TABLE {schema}.stations (id int PRIMARY KEY, name text)")
    sql(f"INSERT INTO {schema}.stations SELECT g, 'station ' || g FROM generate_series(1, 10) g")
    prefix = f"kip158{worker.id}."
    r = worker.post("/connectors", {"name": "stations", "config": jdbc_source(schema, ["stations"], prefix, **{
        "topic.creation.default.partitions": "1", "topic.creation.default.replication.factor": "-1",
        "topic.creation.default.cleanup.policy": "compact"})})
    assert r.status_code == 201, r.text
    worker.wait_running("stations")
    topic = prefix + "stations"
    assert len(read_topic(topic, expect_min=10)) == 10
    # The broker auto-creates with 4 partitions and no explicit cleanup.policy: these came from the group.
    assert partitions(topic) == 1
    assert topic_config(topic, "cleanup.policy") == "compact"
    assert f"Created topic '{topic}' using creation group default" in worker.log.read_text()


def test_two_groups_matched_by_include_over_two_tables(worker, schema):
    for t in ("orders_big", "orders_small"):
        sql(f"CREATE TABLE {schema}.{t} (id int PRIMARY KEY)")
        sql(f"INSERT INTO {schema}.{t} VALUES (1), (2)")
    prefix = f"groups{worker.id}."
    r = worker.post("/connectors", {"name": "orders", "config": jdbc_source(schema, ["orders_big", "orders_small"], prefix, **{
        "topic.creation.groups": "big,small",
        "topic.creation.default.partitions": "2", "topic.creation.default.replication.factor": "1",
        "topic.creation.big.include": ".*big.*", "topic.creation.big.partitions": "3",
        "topic.creation.big.retention.ms": "86400000",
        "topic.creation.small.include": ".*small.*", "topic.creation.small.partitions": "1"})})
    assert r.status_code == 201, r.text
    for t in ("orders_big", "orders_small"):
        assert len(read_topic(prefix + t, expect_min=2)) == 2
    assert partitions(prefix + "orders_big") == 3 and partitions(prefix + "orders_small") == 1
    assert topic_config(prefix + "orders_big", "retention.ms") == "86400000"
    assert topic_config(prefix + "orders_small", "retention.ms") is None  # not inherited across groups


def test_the_topic_a_transformation_renames_is_the_one_created(worker, schema):
    sql(f"CREATE TABLE {schema}.raw (id int PRIMARY KEY)")
    sql(f"INSERT INTO {schema}.raw VALUES (1)")
    prefix = f"smt{worker.id}."
    r = worker.post("/connectors", {"name": "renamed", "config": jdbc_source(schema, ["raw"], prefix, **{
        "transforms": "route", "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
        "transforms.route.regex": "(.*)raw", "transforms.route.replacement": "$1cooked",
        "topic.creation.default.partitions": "1", "topic.creation.default.replication.factor": "1"})})
    assert r.status_code == 201, r.text
    assert len(read_topic(prefix + "cooked", expect_min=1)) == 1
    assert partitions(prefix + "cooked") == 1
    assert partitions(prefix + "raw") is None


def test_missing_default_sizes_are_refused_at_validation(worker, schema):
    config = jdbc_source(schema, ["x"], "p.", **{"topic.creation.groups": "a",
                                                   "topic.creation.a.include": "p.*"})
    r = worker.put("/connector-plugins/JdbcSourceConnector/config/validate", config)
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"] if c["value"]["errors"]}
    assert errors["topic.creation.default.replication.factor"] == [
        'Missing required configuration "topic.creation.default.replication.factor" which has no default value.']
    r = worker.post("/connectors", {"name": "nosizes", "config": config})
    assert r.status_code == 400 and "topic.creation.default.replication.factor" in r.text
    bad = dict(config, **{"topic.creation.default.replication.factor": "0", "topic.creation.default.partitions": "1"})
    r = worker.put("/connector-plugins/JdbcSourceConnector/config/validate", bad)
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"] if c["value"]["errors"]}
    assert errors["topic.creation.default.replication.factor"][0].startswith(
        "Invalid value 0 for configuration replication.factor: Replication factor must be positive")
    dup = dict(config, **{"topic.creation.groups": "a, b, a"})
    r = worker.put("/connector-plugins/JdbcSourceConnector/config/validate", dup)
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"] if c["value"]["errors"]}
    assert errors["topic.creation.groups"] == [
        "Invalid value [a, b, a] for configuration topic.creation.groups: Duplicate alias provided."]


def test_worker_with_topic_creation_disabled_leaves_topics_to_the_broker(tmp_path, schema):
    w = Worker(tmp_path, extra={"topic.creation.enable": "false"}).start()
    try:
        sql(f"CREATE TABLE {schema}.t (id int PRIMARY KEY)")
        sql(f"INSERT INTO {schema}.t VALUES (1)")
        prefix = f"off{w.id}."
        r = w.post("/connectors", {"name": "off", "config": jdbc_source(schema, ["t"], prefix, **{
            "topic.creation.default.partitions": "1", "topic.creation.default.replication.factor": "1"})})
        assert r.status_code == 201, r.text
        assert len(read_topic(prefix + "t", expect_min=1)) == 1
        assert partitions(prefix + "t") == 4  # the local broker's auto-creation default
    finally:
        w.stop()
