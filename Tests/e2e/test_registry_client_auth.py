"""The AvroConverter as a client of a secured Schema Registry (Confluent Cloud's, or a self-managed one):
Basic or Bearer credentials, a trust store for its HTTPS certificate, URL failover. The registry here is
the worker's own behind a small checking HTTPS proxy made in the test: it refuses requests without the
expected Authorization header (401, as Confluent's registry answers) and records what it saw."""
import base64
import http.server
import os
import ssl
import threading

import pytest
import requests

from conftest import Worker, free_port, read_topic, sql, wait_until
from secure_kafka import PKI


class CheckingProxy:
    def __init__(self, upstream, pki, expected_authorization):
        self.seen = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def handle_one(self):
                auth = self.headers.get("Authorization")
                proxy.seen.append((self.command, self.path, auth, self.headers.get("target-sr-cluster")))
                if auth != expected_authorization:
                    body = b'{"error_code":401,"message":"Unauthorized"}'
                    self.send_response(401)
                    self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else None
                r = requests.request(self.command, upstream + self.path, data=data, timeout=10,
                                     headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
                self.send_response(r.status_code)
                self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

            do_GET = do_POST = do_PUT = do_DELETE = handle_one

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pki["broker.pem"], pki["broker.key"])
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return PKI(tmp_path_factory.mktemp("pki"))


def source_config(schema, prefix, converter):
    return {"connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
            "connection.url": os.environ["PG_JDBC_URL"], "connection.user": os.environ["PG_USER"],
            "connection.password": os.environ["PG_PASSWORD"], "mode": "incrementing",
            "incrementing.column.name": "id", "table.whitelist": f"{schema}.readings", "topic.prefix": prefix,
            "poll.interval.ms": "500", "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "io.confluent.connect.avro.AvroConverter",
            **{"value.converter." + k: v for k, v in converter.items()}}


def trust(pki):
    return {"schema.registry.ssl.truststore.location": pki["truststore.jks"],
            "schema.registry.ssl.truststore.password": PKI.password}


def test_basic_credentials_trust_store_and_failover(tmp_path, schema, pki):
    w = Worker(tmp_path).with_registry(proxy=False).start()
    proxy = CheckingProxy(w.sr_url, pki, "Basic " + base64.b64encode(b"sr-key:sr-secret").decode())
    try:
        sql(f"CREATE TABLE {schema}.readings (id int PRIMARY KEY, celsius float8)")
        sql(f"INSERT INTO {schema}.readings VALUES (1, 21.5), (2, 19.0)")
        prefix = f"auth-{w.id}-"
        dead = f"https://127.0.0.1:{free_port()}"  # nothing listens: fail over to the next URL
        r = w.post("/connectors", {"name": "src", "config": source_config(schema, prefix, {
            "schema.registry.url": f"{dead},{proxy.url}", "basic.auth.credentials.source": "USER_INFO",
            "basic.auth.user.info": "sr-key:sr-secret", **trust(pki)})})
        assert r.status_code == 201, r.text
        w.wait_running("src")
        assert len(read_topic(prefix + "readings", expect_min=2)) == 2
        assert requests.get(w.sr_url + "/subjects").json() == [prefix + "readings-value"]
        assert any(c == "POST" and p.startswith("/subjects/") for c, p, _, _ in proxy.seen)
        # The secret is hidden in the REST API, and never logged.
        config = w.get("/connectors/src/config").json()
        assert config["value.converter.basic.auth.user.info"] == "[hidden]"
        assert "sr-secret" not in w.log.read_text()
    finally:
        proxy.stop()
        w.stop()


def test_without_credentials_the_task_fails_with_the_registrys_401(tmp_path, schema, pki):
    w = Worker(tmp_path).with_registry(proxy=False).start()
    proxy = CheckingProxy(w.sr_url, pki, "Basic " + base64.b64encode(b"sr-key:sr-secret").decode())
    try:
        sql(f"CREATE TABLE {schema}.readings (id int PRIMARY KEY, celsius float8)")
        sql(f"INSERT INTO {schema}.readings VALUES (1, 21.5)")
        r = w.post("/connectors", {"name": "src", "config": source_config(schema, f"noauth-{w.id}-", {
            "schema.registry.url": proxy.url, **trust(pki)})})
        assert r.status_code == 201, r.text

        def trace():
            s = w.get("/connectors/src/status").json()
            return next((t.get("trace") for t in s.get("tasks", []) if t["state"] == "FAILED"), None)
        t = wait_until(trace, what="the task failing on the registry's 401")
        assert "answered HTTP 401: Unauthorized; error code: 401" in t
        assert "basic.auth.credentials.source=USER_INFO" in t
    finally:
        proxy.stop()
        w.stop()


def test_bearer_token_with_confluent_cloud_headers(tmp_path, schema, pki):
    w = Worker(tmp_path).with_registry(proxy=False).start()
    proxy = CheckingProxy(w.sr_url, pki, "Bearer token-123")
    try:
        sql(f"CREATE TABLE {schema}.readings (id int PRIMARY KEY, celsius float8)")
        sql(f"INSERT INTO {schema}.readings VALUES (1, 21.5)")
        prefix = f"bearer-{w.id}-"
        r = w.post("/connectors", {"name": "src", "config": source_config(schema, prefix, {
            "schema.registry.url": proxy.url, "bearer.auth.credentials.source": "STATIC_TOKEN",
            "bearer.auth.token": "token-123", "bearer.auth.logical.cluster": "lsrc-abc", **trust(pki)})})
        assert r.status_code == 201, r.text
        assert len(read_topic(prefix + "readings", expect_min=1)) == 1
        assert any(a == "Bearer token-123" and c == "lsrc-abc" for _, _, a, c in proxy.seen)
    finally:
        proxy.stop()
        w.stop()


def test_record_name_strategies_and_bad_sources_named(tmp_path, schema):
    w = Worker(tmp_path).with_registry(proxy=False).start()
    try:
        sql(f"CREATE TABLE {schema}.readings (id int PRIMARY KEY, celsius float8)")
        sql(f"INSERT INTO {schema}.readings VALUES (1, 21.5)")
        prefix = f"strategy-{w.id}-"
        r = w.post("/connectors", {"name": "src", "config": source_config(schema, prefix, {
            "schema.registry.url": w.sr_url,
            "value.subject.name.strategy": "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"})})
        assert r.status_code == 201, r.text
        assert len(read_topic(prefix + "readings", expect_min=1)) == 1
        # The JDBC source names its value struct after the table.
        assert requests.get(w.sr_url + "/subjects").json() == [f"{prefix}readings-readings"]
        r = w.put("/connector-plugins/JdbcSourceConnector/config/validate", source_config(schema, prefix, {
            "schema.registry.url": w.sr_url, "basic.auth.credentials.source": "KERBEROS"}))
        errors = [e for c in r.json()["configs"] for e in c["value"]["errors"]]
        assert any("basic.auth.credentials.source" in e and "URL, USER_INFO, SASL_INHERIT" in e for e in errors), errors
    finally:
        w.stop()
