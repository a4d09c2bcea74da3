"""io.confluent.connect.avro.AvroConverter end to end: the JDBC source emits Avro registered in our Schema
Registry (read back with confluent-kafka's AvroDeserializer), and the JDBC sink reads that Avro into
another table."""
import decimal
import os

import psycopg2
import requests
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from conftest import Worker, read_topic, wait_until, sql


def test_jdbc_source_to_avro_to_jdbc_sink(tmp_path, schema):
    w = Worker(tmp_path).with_registry(proxy=False)
    w.start()
    try:
        sql(f"""CREATE TABLE {schema}.stations (stop_id int PRIMARY KEY, name text NOT NULL, ada boolean,
                 lat numeric(9,6), updated timestamp)""")
        sql(f"""INSERT INTO {schema}.stations VALUES (1, 'Austin', true, 41.870851, '2024-01-02 03:04:05'),
                 (2, 'Belmont', NULL, NULL, NULL)""")
        avro = {"value.converter": "io.confluent.connect.avro.AvroConverter",
                "value.converter.schema.registry.url": w.sr_url}
        prefix = f"avro-{w.id}-"
        r = w.post("/connectors", {"name": "src", "config": {
            "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
            "connection.url": os.environ["PG_JDBC_URL"], "connection.user": os.environ["PG_USER"],
            "connection.password": os.environ["PG_PASSWORD"], "mode": "incrementing",
            "incrementing.column.name": "stop_id", "table.whitelist": f"{schema}.stations", "topic.prefix": prefix,
            "poll.interval.ms": "500", "key.converter": "org.apache.kafka.connect.storage.StringConverter", **avro}})
        assert r.status_code == 201, r.text
        topic = prefix + "stations"
        raw = read_topic(topic, expect_min=2)
        assert len(raw) == 2
        assert requests.get(w.sr_url + "/subjects").json() == [f"{topic}-value"]
        de = AvroDeserializer(SchemaRegistryClient({"url": w.sr_url}))
        rows = sorted((de(v, SerializationContext(topic, MessageField.VALUE)) for _, v in raw), key=lambda r: r["stop_id"])
        assert rows[0]["name"] == "Austin" and rows[0]["ada"] is True
        assert rows[0]["lat"] == decimal.Decimal("41.870851")
        assert rows[1] == {"stop_id": 2, "name": "Belmont", "ada": None, "lat": None, "updated": None}

        # The sink reads the same Avro (schema by id from the registry) into a new table.
        r = w.post("/connectors", {"name": "sink", "config": {
            "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector", "topics": topic,
            "connection.url": os.environ["PG_JDBC_URL"], "connection.user": os.environ["PG_USER"],
            "connection.password": os.environ["PG_PASSWORD"], "auto.create": "true",
            "table.name.format": f"{schema}.copy", "pk.mode": "record_value", "pk.fields": "stop_id",
            "insert.mode": "upsert", "key.converter": "org.apache.kafka.connect.storage.StringConverter", **avro}})
        assert r.status_code == 201, r.text

        def copied():
            try:
                return sql(f"SELECT stop_id, name, ada, lat, updated FROM {schema}.copy ORDER BY stop_id", fetch=True)
            except psycopg2.Error:
                return []
        wait_until(lambda: len(copied()) == 2, what="rows copied through Avro")
        got = copied()
        assert got[0][:4] == (1, "Austin", True, decimal.Decimal("41.870851"))
        assert str(got[0][4]) == "2024-01-02 03:04:05"
        assert got[1] == (2, "Belmont", None, None, None)
    finally:
        w.stop()


def test_validation_names_the_missing_registry_url(tmp_path):
    w = Worker(tmp_path).with_registry(proxy=False)
    w.start()
    try:
        r = w.put("/connector-plugins/FileStreamSink/config/validate", {
            "connector.class": "FileStreamSink", "topics": "x", "file": str(tmp_path / "out"),
            "value.converter": "io.confluent.connect.avro.AvroConverter"})
        body = r.json()
        errors = [e for c in body["configs"] for e in c["value"]["errors"]]
        assert any("schema.registry.url" in e for e in errors), body
    finally:
        w.stop()
