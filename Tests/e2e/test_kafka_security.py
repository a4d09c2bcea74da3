"""Secured Kafka with the configs users already have: Kafka's Java client keys (JKS/PKCS12 stores,
sasl.jaas.config) through a TLS terminator in front of the local broker, with certificates made at test
time. See secure_kafka.py for the set-up and docs/security.md for what the local broker cannot test."""
import json
import os
import pathlib
import re
import subprocess

import pytest

from conftest import Worker, read_topic, sql, wait_until
from secure_kafka import PKI, TlsBroker

REPO = pathlib.Path(__file__).resolve().parents[2]
PG_JDBC_URL = os.environ.get("PG_JDBC_URL")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return PKI(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_broker(pki, tmp_path_factory):
    b = TlsBroker(pki, tmp_path_factory.mktemp("tls-broker"))
    yield b
    b.stop()


@pytest.fixture(scope="module")
def mtls_broker(pki, tmp_path_factory):
    b = TlsBroker(pki, tmp_path_factory.mktemp("mtls-broker"), mtls=True)
    yield b
    b.stop()


def example(name, **replace):
    """A file of config/examples as properties, with `<...>` and other values replaced."""
    props = {}
    for line in (REPO / "config" / "examples" / name).read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            k, v = line.split("=", 1)
            props[k.strip()] = v.strip()
    for k, v in replace.items():
        if v is None:
            props.pop(k, None)
        else:
            props[k] = v
    return props


def secured_worker(tmp_path, props, bootstrap):
    """A worker whose properties are `props` (an example's), with this test's topics, port and broker."""
    w = Worker(tmp_path)
    ours = w.props_file.read_text()
    keep = {k: v for k, v in (l.split("=", 1) for l in ours.splitlines()) if k in (
        "group.id", "config.storage.topic", "offset.storage.topic", "status.storage.topic", "listeners",
        "session.timeout.ms", "heartbeat.interval.ms", "offset.flush.interval.ms")}
    merged = {**props, **keep, "bootstrap.servers": bootstrap,
              "config.storage.replication.factor": "1", "offset.storage.replication.factor": "1",
              "status.storage.replication.factor": "1", "offset.storage.partitions": "5",
              "status.storage.partitions": "2", "schema.registry.listeners": "", "rest.proxy.listeners": ""}
    merged = {k: v for k, v in merged.items() if not k.endswith("bootstrap.servers") or k == "bootstrap.servers"}
    w.props_file.write_text("".join(f"{k}={v}\n" for k, v in merged.items()))
    return w


def tls_client(pki, broker, **extra):
    return {"bootstrap.servers": broker.bootstrap, "security.protocol": "SSL", "ssl.ca.location": pki["ca.pem"],
            **extra}


def confluent_cloud_over_tls(pki):
    """Confluent Cloud's recipe (config/examples/confluent-cloud.properties) pointed at the local TLS broker:
    it speaks TLS but not SASL/PLAIN, so `security.protocol` becomes SSL (the JAAS keys are then named in
    the ignored-keys warning) and a JKS trust store holds the local CA, under every prefix."""
    props = example("confluent-cloud.properties", **{
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter"})
    for prefix in ("", "producer.", "consumer.", "admin."):
        props[prefix + "security.protocol"] = "SSL"
        props[prefix + "ssl.truststore.location"] = pki["truststore.jks"]
        props[prefix + "ssl.truststore.password"] = PKI.password
        props[prefix + "ssl.truststore.type"] = "JKS"
    return props


def test_confluent_cloud_style_worker_runs_datagen_over_tls(tmp_path, pki, tls_broker):
    w = secured_worker(tmp_path, confluent_cloud_over_tls(pki), tls_broker.bootstrap).start()
    try:
        log = w.log.read_text()
        # Java-only keys are named once, never fatal; no secret is printed.
        assert "are ignored" in log and "producer.interceptor.classes" in log
        assert "<API_SECRET>" not in log
        topic = f"datagen-tls-{w.id}"
        r = w.post("/connectors", {"name": "gen", "config": {
            "connector.class": "DataGen", "kafka.topic": topic, "max.records": "200", "tasks.max": "1"}})
        assert r.status_code == 201, r.text
        w.wait_running("gen")
        records = read_topic(topic, expect_min=200, client=tls_client(pki, tls_broker))
        assert len(records) == 200
        # The worker's internal topics went through TLS too: its config record is there.
        configs = read_topic(w.topics["configs"], expect_min=1, client=tls_client(pki, tls_broker))
        assert any(k == b"connector-gen" for k, _ in configs)
    finally:
        w.stop()


def test_jdbc_source_to_jdbc_sink_round_trip_over_tls(tmp_path, pki, tls_broker, schema):
    sql(f"CREATE TABLE {schema}.src (id int PRIMARY KEY, name text)")
    sql(f"INSERT INTO {schema}.src SELECT g, 'row ' || g FROM generate_series(1, 50) g")
    w = secured_worker(tmp_path, confluent_cloud_over_tls(pki), tls_broker.bootstrap).start()
    try:
        prefix = f"tls{w.id}."
        source = {"connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector", "connection.url": PG_JDBC_URL,
                  "connection.user": os.environ["PG_USER"], "connection.password": os.environ["PG_PASSWORD"],
                  "table.whitelist": f"{schema}.src", "mode": "incrementing", "incrementing.column.name": "id",
                  "topic.prefix": prefix, "poll.interval.ms": "500"}
        sink = {"connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector", "connection.url": PG_JDBC_URL,
                "connection.user": os.environ["PG_USER"], "connection.password": os.environ["PG_PASSWORD"],
                "topics": prefix + "src", "table.name.format": f"{schema}.dst", "auto.create": "true",
                "insert.mode": "upsert", "pk.mode": "record_value", "pk.fields": "id"}
        for name, config in (("src", source), ("dst", sink)):
            assert w.post("/connectors", {"name": name, "config": config}).status_code == 201
        wait_until(lambda: sql(f"SELECT to_regclass('{schema}.dst')", fetch=True)[0][0] is not None
                   and sql(f"SELECT count(*) FROM {schema}.dst", fetch=True)[0][0] == 50,
                   timeout=60, what="50 rows copied through the TLS broker")
        assert sql(f"SELECT name FROM {schema}.dst WHERE id = 42", fetch=True) == [("row 42",)]
    finally:
        w.stop()


def test_a_wrong_trust_store_names_the_key_and_the_verification_error(tmp_path, pki, tls_broker):
    props = confluent_cloud_over_tls(pki)
    props["ssl.truststore.location"] = pki["wrong-truststore.jks"]
    code, out = secured_worker(tmp_path, props, tls_broker.bootstrap).run_until_exit()
    assert code != 0
    # The fatal line; the REST server's own shutdown may log after it (a race of two writers to stderr).
    fatal = next(l for l in reversed(out.strip().splitlines()) if l.startswith("Error: "))
    assert "certificate verify failed" in fatal, out
    assert f"ssl.truststore.location={pki['wrong-truststore.jks']}" in fatal
    # The first error line of the log already says it.
    first_error = next(l for l in out.splitlines() if " ERROR " in l)
    assert "certificate verify failed" in first_error and "ssl.truststore.location" in first_error


def test_a_wrong_trust_store_password_is_refused_at_start(tmp_path, pki, tls_broker):
    props = confluent_cloud_over_tls(pki)
    props["ssl.truststore.password"] = "not-the-password"
    code, out = secured_worker(tmp_path, props, tls_broker.bootstrap).run_until_exit()
    assert code != 0
    assert "ssl.truststore.location" in out and "password was incorrect" in out
    assert "not-the-password" not in out


def test_aiven_style_client_certificates_in_a_pkcs12_key_store(tmp_path, pki, mtls_broker):
    """config/examples/aiven.properties: JKS trust store and PKCS12 key store; the terminator requires a
    client certificate signed by the CA."""
    replace = {}
    for prefix in ("", "producer.", "consumer."):
        replace.update({
            prefix + "ssl.truststore.location": pki["truststore.jks"], prefix + "ssl.truststore.password": PKI.password,
            prefix + "ssl.keystore.location": pki["keystore.p12"], prefix + "ssl.keystore.password": PKI.password,
            prefix + "ssl.key.password": PKI.password})
    w = secured_worker(tmp_path, example("aiven.properties", **replace), mtls_broker.bootstrap).start()
    try:
        topic = f"datagen-mtls-{w.id}"
        assert w.post("/connectors", {"name": "gen", "config": {
            "connector.class": "DataGen", "kafka.topic": topic, "max.records": "20"}}).status_code == 201
        client = tls_client(pki, mtls_broker, **{
            "ssl.certificate.location": pki["client.pem"], "ssl.key.location": pki["client.key"]})
        assert len(read_topic(topic, expect_min=20, client=client)) == 20
    finally:
        w.stop()


def test_without_a_key_store_the_missing_client_certificate_is_named(tmp_path, pki, mtls_broker):
    replace = {}
    for prefix in ("", "producer.", "consumer."):
        replace.update({prefix + "ssl.truststore.location": pki["truststore.jks"],
                        prefix + "ssl.truststore.password": PKI.password, prefix + "ssl.keystore.location": None,
                        prefix + "ssl.keystore.password": None, prefix + "ssl.key.password": None,
                        prefix + "ssl.keystore.type": None})
    props = example("aiven.properties", **replace)
    code, out = secured_worker(tmp_path, props, mtls_broker.bootstrap).run_until_exit()
    assert code != 0
    assert "client certificate" in out and "ssl.keystore.location" in out, out


def test_scram_refusal_carries_the_brokers_answer_and_the_key(tmp_path, tmp_path_factory, pki):
    """Tansu with SASL/SCRAM required, behind TLS. Its SCRAM users do not survive into an authenticating
    broker, so no login can succeed here; the refusal proves the exchange (SASL_SSL, SCRAM-SHA-512)."""
    broker = TlsBroker(pki, tmp_path_factory.mktemp("scram-broker"), authentication=True)
    try:
        props = example("sasl-ssl-scram.properties", **{
            "sasl.jaas.config": 'org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="wrong-pw";'})
        for prefix in ("", "producer.", "consumer."):
            props[prefix + "ssl.truststore.location"] = pki["truststore.jks"]
            props[prefix + "ssl.truststore.password"] = PKI.password
        code, out = secured_worker(tmp_path, props, broker.bootstrap).run_until_exit()
        assert code != 0
        first_error = next(l for l in out.splitlines() if " ERROR " in l)
        assert "SASL authentication error" in first_error and "unknown-user" in first_error, out
        assert "sasl.jaas.config (user connect)" in first_error and "sasl.mechanism=SCRAM-SHA-512" in first_error
        assert "wrong-pw" not in out
    finally:
        broker.stop()


def test_client_overrides_are_validated_by_name_and_secrets_hidden(worker):
    base = {"connector.class": "DataGen", "kafka.topic": "t"}
    r = worker.put("/connector-plugins/DataGen/config/validate", {
        **base, "producer.override.queue.buffering.max.messages": "lots", "producer.override.no.such.key": "1",
        "producer.override.sasl.jaas.config": 'com.example.EvilLoginModule required password="p4ss";',
        "producer.override.security.protocol": "SASL_SSL", "producer.override.sasl.mechanism": "PLAIN"})
    assert r.status_code == 200, r.text
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"] if c["value"]["errors"]}
    assert "producer.override.sasl.jaas.config" in errors, errors
    assert "unknown login module com.example.EvilLoginModule" in errors["producer.override.sasl.jaas.config"][0]
    assert "p4ss" not in r.text
    values = {c["value"]["name"]: c["value"]["value"] for c in r.json()["configs"]}
    assert values["producer.override.sasl.jaas.config"] == "[hidden]"
    # Creating it is refused with the same messages, and nothing is stored.
    r = worker.post("/connectors", {"name": "bad", "config": {**base, "producer.override.no.such.key": "1"}})
    assert r.status_code == 400 and "producer.override.no.such.key" in r.text, r.text
    assert "No such configuration property" in r.text
    assert worker.get("/connectors/bad").status_code == 404
    # A good override with a secret is stored, and shown hidden.
    jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p4ss";'
    r = worker.post("/connectors", {"name": "hidden", "config": {**base, "max.records": "1",
                                                                  "consumer.override.sasl.jaas.config": jaas}})
    assert r.status_code == 201, r.text
    assert worker.get("/connectors/hidden/config").json()["consumer.override.sasl.jaas.config"] == "[hidden]"
    assert "p4ss" not in worker.get("/connectors/hidden").text


def test_msk_token_matches_the_python_signer():
    """The Swift unit test's golden token (TokenProviderTests) is what aws-msk-iam-sasl-signer-python
    makes today for the same credentials and time: re-run the signer with its clock fixed."""
    swift = (REPO / "Tests" / "KafkaClientConfigsTests" / "TokenProviderTests.swift").read_text()
    golden = re.search(r'static let golden =\s*"([^"]+)"', swift).group(1)
    script = r"""
import datetime, importlib.metadata
from unittest import mock
import botocore.auth
from botocore.credentials import CredentialProvider, Credentials
from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

class Fixed(CredentialProvider):
    METHOD = "fixed"
    def load(self):
        return Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

now = datetime.datetime(2024, 5, 1, 12, 34, 56)
clock = lambda remove_tzinfo=True: now if remove_tzinfo else now.replace(tzinfo=datetime.timezone.utc)
with mock.patch.object(botocore.auth, "get_current_datetime", clock):
    token, expiry = MSKAuthTokenProvider.generate_auth_token_from_credentials_provider("us-east-1", Fixed())
print(importlib.metadata.version("aws-msk-iam-sasl-signer-python"), token, expiry)
"""
    out = subprocess.run([os.sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    version, token, expiry = out
    assert version == "1.0.2", "the golden token carries the signer's version in its User-Agent"
    assert token == golden and int(expiry) == 1714567796000


def test_oauth_client_credentials_are_fetched_from_the_token_endpoint(tmp_path):
    """OAUTHBEARER with OIDC client credentials (KIP-768 keys): the worker gets its token from the
    endpoint itself (librdkafka is built without libcurl), as HTTP Basic client credentials. The local
    broker has no OAUTHBEARER, so its refusal ends the start, naming the keys."""
    import base64
    import http.server
    import threading
    import time
    from conftest import BOOTSTRAP, free_port

    seen = []
    exp = int(time.time()) + 3600
    payload = base64.urlsafe_b64encode(json.dumps({"sub": "svc-tributary", "exp": exp}).encode()).decode().rstrip("=")
    jwt = "eyJhbGciOiJub25lIn0." + payload + ".sig"

    class IdP(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            seen.append((self.path, self.headers.get("Authorization"), body))
            data = json.dumps({"access_token": jwt, "token_type": "bearer", "expires_in": 3600}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), IdP)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        props = {
            "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "OAUTHBEARER",
            "sasl.login.callback.handler.class":
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
            "sasl.oauthbearer.token.endpoint.url": f"http://127.0.0.1:{server.server_address[1]}/oauth2/token",
            "sasl.jaas.config": 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required '
                                'clientId="tributary" clientSecret="client-s3cret" scope="kafka" '
                                'extension_logicalCluster="lkc-123";',
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter"}
        code, out = secured_worker(tmp_path, props, BOOTSTRAP).run_until_exit()
        assert code != 0
        assert seen, out
        path, authorization, body = seen[0]
        assert path == "/oauth2/token" and body == "grant_type=client_credentials&scope=kafka"
        assert authorization == "Basic " + base64.b64encode(b"tributary:client-s3cret").decode()
        assert "sasl.jaas.config" in out and "client-s3cret" not in out
    finally:
        server.shutdown()
