"""The control plane locked as users lock Kafka Connect, the Schema Registry and the REST Proxy: https
listeners with key stores made at test time (JKS, PKCS12, PEM), basic authentication on the three ports
(checked with curl, requests, confluent-kafka's SchemaRegistryClient and the weather emitter's request),
client certificates, forwarded restarts between two secured workers, and a hostile REST caller who tries
to make the worker load code or read its files and environment."""
import base64
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import uuid

import pytest
import requests
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

from conftest import BOOTSTRAP, Worker, free_port, read_topic, wait_until, write_lines
from secure_kafka import PKI, run

REPO_OPENAPI = pathlib.Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
CONNECT_USERS = {"ops": "ops-secret"}
REGISTRY_USERS = {"admin": ("admin-secret", "CRYPT:adR141qLis/E6", "admin"),
                  "reader": ("reader-secret", "MD5:" + hashlib.md5(b"reader-secret").hexdigest(), "read")}
PROXY_USERS = {"alice": ("alice-secret", "alice-secret", "producer")}
DENIED = ["plugin.library.paths", "sasl.kerberos.kinit.cmd", "ssl.engine.location", "ssl.providers",
          "ssl.ca.location", "ssl.key.location", "ssl.keystore.location", "ssl.truststore.location",
          "sasl.kerberos.keytab", "sasl.oauthbearer.token.endpoint.url", "debug"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """The test CA's certificate for 127.0.0.1 as the servers' key stores, in the three forms users have."""
    p = PKI(tmp_path_factory.mktemp("rest-pki"))
    pw = p.password
    for cmd in [
        f"openssl pkcs12 -export -inkey broker.key -in broker.pem -certfile ca.pem -name rest -out server.p12 -passout pass:{pw}",
        f"keytool -importkeystore -noprompt -srckeystore server.p12 -srcstoretype PKCS12 -srcstorepass {pw} "
        f"-destkeystore server.jks -deststoretype JKS -deststorepass {pw} -destkeypass {pw}",
        "cat broker.key broker.pem > server-key-and-chain.pem",
    ]:
        run(cmd, p.dir)
    return p


@pytest.fixture(scope="module")
def secrets(tmp_path_factory):
    """The JAAS file cp-kafka-connect and Confluent users write, and the password files it names."""
    d = tmp_path_factory.mktemp("rest-secrets")
    (d / "connect.password").write_text("".join(f"{u}={p}\n" for u, p in CONNECT_USERS.items()))
    (d / "registry.password").write_text("".join(f"{u}: {c},{r}\n" for u, (_, c, r) in REGISTRY_USERS.items()))
    (d / "proxy.password").write_text("".join(f"{u}: {c},{r}\n" for u, (_, c, r) in PROXY_USERS.items()))
    (d / "jaas.conf").write_text(f"""
KafkaConnect {{
  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
  file="{d / 'connect.password'}";
}};
SchemaRegistry-Props {{
  org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required
  file="{d / 'registry.password'}"
  debug="false";
}};
KafkaRest {{
  org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required
  file="{d / 'proxy.password'}";
}};
""")
    return d


def secured_props(pki, https_port, http_port, sr_port, proxy_port):
    pw = pki.password
    return {
        # Connect: https (JKS) and http side by side, other workers told to use https.
        "listeners": f"https://127.0.0.1:{https_port},http://127.0.0.1:{http_port}",
        "rest.advertised.listener": "https",
        "listeners.https.ssl.keystore.location": pki["server.jks"],
        "listeners.https.ssl.keystore.password": pw,
        "listeners.https.ssl.key.password": pw,
        "listeners.https.ssl.truststore.location": pki["truststore.jks"],
        "listeners.https.ssl.truststore.password": pw,
        "rest.extension.classes": "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension",
        # Schema Registry: https from a PKCS12 store, only the admin role.
        "schema.registry.listeners": f"https://127.0.0.1:{sr_port}",
        "kafkastore.topic.replication.factor": "1",
        "schema.registry.listeners.https.ssl.keystore.location": pki["server.p12"],
        "schema.registry.listeners.https.ssl.keystore.type": "PKCS12",
        "schema.registry.listeners.https.ssl.keystore.password": pw,
        "schema.registry.authentication.method": "BASIC",
        "schema.registry.authentication.realm": "SchemaRegistry-Props",
        "schema.registry.authentication.roles": "admin",
        # REST Proxy: https from a PEM file with key and chain, any authenticated user.
        "rest.proxy.listeners": f"https://127.0.0.1:{proxy_port}",
        "rest.proxy.listeners.https.ssl.keystore.location": pki["server-key-and-chain.pem"],
        "rest.proxy.listeners.https.ssl.keystore.type": "PEM",
        "rest.proxy.authentication.method": "BASIC",
        "rest.proxy.authentication.realm": "KafkaRest",
        "rest.proxy.authentication.roles": "*",
    }


@pytest.fixture(scope="module")
def secured(pki, secrets, tmp_path_factory):
    """One worker with the three ports on https and authentication on, the JAAS file given as
    cp-kafka-connect users give it (KAFKA_OPTS)."""
    https_port, http_port, sr_port, proxy_port = free_port(), free_port(), free_port(), free_port()
    w = Worker(tmp_path_factory.mktemp("secured"),
               env={"KAFKA_OPTS": f"-Xmx256m -Djava.security.auth.login.config={secrets / 'jaas.conf'}"})
    w.set({**secured_props(pki, https_port, http_port, sr_port, proxy_port),
           "kafkastore.topic": f"_schemas-{w.id}"})
    w.url = f"https://127.0.0.1:{https_port}"
    w.http_url = f"http://127.0.0.1:{http_port}"
    w.sr_url = f"https://127.0.0.1:{sr_port}"
    w.proxy_url = f"https://127.0.0.1:{proxy_port}"
    w.http.verify = pki["ca.pem"]
    w.http.auth = ("ops", "ops-secret")
    w.start()
    yield w
    w.stop()


def curl(url, *args):
    """(exit code, HTTP status, headers, body) of one request by curl trusting only the test CA."""
    out = subprocess.run(["curl", "-sS", "-D", "-", "--max-time", "10", *args, url],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    text = out.stdout.decode()
    if out.returncode != 0 or not text:
        return out.returncode, None, "", out.stderr.decode()
    head, _, body = text.partition("\r\n\r\n")
    return 0, int(head.split()[1]), head.lower(), body


def test_three_ports_over_https_answer_401_without_credentials_and_200_with_them(secured, pki):
    ca = ["--cacert", pki["ca.pem"]]
    # Kafka Connect's basic-auth extension: 401, its sentence, no challenge.
    for creds in ([], ["-u", "ops:wrong"], ["-u", "nobody:ops-secret"]):
        code, status, head, body = curl(secured.url + "/connectors", *ca, *creds)
        assert (code, status, body) == (0, 401, "User cannot access the resource."), creds
        assert "www-authenticate" not in head
    assert curl(secured.url + "/connectors", *ca, "-u", "ops:ops-secret")[1:4:2] == (200, "[]")
    # Every route, /metrics and /health included, is behind the same check.
    for path in ("/metrics", "/health", "/", "/connector-plugins", "/admin/loggers"):
        assert curl(secured.url + path, *ca)[1] == 401, path
        assert curl(secured.url + path, *ca, "-u", "ops:ops-secret")[1] == 200, path
    # The certificate is checked: without the CA, curl refuses the server.
    assert curl(secured.url + "/connectors", "-u", "ops:ops-secret")[0] == 60

    # Schema Registry (Confluent rest-utils on Jetty): a challenge naming the realm, a JSON body, 403 for
    # a user without the role.
    for creds in ([], ["-u", "admin:wrong"]):
        code, status, head, body = curl(secured.sr_url + "/subjects", *ca, *creds)
        assert (status, json.loads(body)) == (401, {"error_code": 401, "message": "Unauthorized"}), creds
        assert 'www-authenticate: basic realm="schemaregistry-props"' in head
    assert curl(secured.sr_url + "/subjects", *ca, "-u", "reader:reader-secret")[1] == 403
    assert curl(secured.sr_url + "/subjects", *ca, "-u", "admin:admin-secret")[1:4:2] == (200, "[]")

    # REST Proxy.
    for creds in ([], ["-u", "alice:wrong"]):
        code, status, head, body = curl(secured.proxy_url + "/topics", *ca, *creds)
        assert (status, json.loads(body)["error_code"]) == (401, 401), creds
        assert 'www-authenticate: basic realm="kafkarest"' in head
    assert curl(secured.proxy_url + "/topics", *ca, "-u", "alice:alice-secret")[1] == 200


def test_http_listener_beside_https_is_authenticated_too(secured):
    # python-requests, as users' scripts call the Connect API.
    assert requests.get(secured.http_url + "/connectors", timeout=10).status_code == 401
    assert requests.get(secured.http_url + "/connectors", auth=("ops", "bad"), timeout=10).status_code == 401
    r = requests.get(secured.http_url + "/connectors", auth=("ops", "ops-secret"), timeout=10)
    assert (r.status_code, r.json()) == (200, [])


WEATHER_KEY = {"namespace": "com.udacity", "type": "record", "name": "weather.key",
               "fields": [{"name": "timestamp", "type": "long"}]}
WEATHER_VALUE = {"type": "record", "name": "weather.value", "namespace": "com.udacity",
                 "fields": [{"name": "temperature", "type": "float"}, {"name": "status", "type": "string"}]}


def test_registry_client_and_weather_emitter_with_credentials(secured, pki):
    ca = pki["ca.pem"]
    good = SchemaRegistryClient({"url": secured.sr_url, "basic.auth.user.info": "admin:admin-secret",
                                 "ssl.ca.location": ca})
    subject = f"client-{uuid.uuid4().hex[:8]}-value"
    schema_id = good.register_schema(subject, Schema(json.dumps(WEATHER_VALUE), "AVRO"))
    assert good.get_latest_version(subject).schema_id == schema_id
    for info in ("admin:wrong", "reader:reader-secret"):
        bad = SchemaRegistryClient({"url": secured.sr_url, "basic.auth.user.info": info, "ssl.ca.location": ca})
        with pytest.raises(SchemaRegistryError) as refused:
            bad.get_subjects()
        assert refused.value.http_status_code == (401 if info.endswith("wrong") else 403)

    # The weather emitter's request, with the credentials it now needs.
    topic = f"weather-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result()
    body = json.dumps({"key_schema": json.dumps(WEATHER_KEY), "value_schema": json.dumps(WEATHER_VALUE),
                       "records": [{"key": {"timestamp": 1580000000000},
                                    "value": {"temperature": 71.42, "status": "sunny"}}]})
    headers = {"Content-Type": "application/vnd.kafka.avro.v2+json"}
    url = f"{secured.proxy_url}/topics/{topic}"
    assert requests.post(url, headers=headers, data=body, verify=ca, timeout=30).status_code == 401
    r = requests.post(url, headers=headers, data=body, verify=ca, auth=("alice", "alice-secret"), timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["offsets"][0]["error_code"] is None
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "weather-" + uuid.uuid4().hex,
                  "enable.partition.eof": False})
    c.assign([TopicPartition(topic, 0, 0)])
    m = wait_until(lambda: (lambda m: m if m is not None and not m.error() else None)(c.poll(1)),
                   what="the weather record")
    c.close()
    value = AvroDeserializer(good)(m.value(), SerializationContext(topic, MessageField.VALUE))
    assert value == {"temperature": pytest.approx(71.42, rel=1e-6), "status": "sunny"}


def test_schemathesis_with_the_auth_header_finds_no_server_error(secured, pki, tmp_path):
    token = base64.b64encode(b"ops:ops-secret").decode()
    har = tmp_path / "requests.har"
    out = subprocess.run(
        [str(pathlib.Path(sys.executable).parent / "schemathesis"), "run", str(REPO_OPENAPI), "--url", secured.url,
         "--header", f"Authorization: Basic {token}", "--tls-verify", pki["ca.pem"],
         "--checks", "not_a_server_error", "--max-examples", "15", "--seed", "20", "--workers", "1",
         "--phases", "examples,fuzzing", "--request-timeout", "20", "--report", "har", "--report-har-path", str(har),
         "--exclude-path-regex", "^/admin/loggers", "--suppress-health-check", "all"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600, cwd=tmp_path)
    text = out.stdout.decode()
    assert out.returncode == 0, text[-4000:]
    statuses = [e["response"]["status"] for e in json.loads(har.read_text())["log"]["entries"]]
    # It ran, and authenticated: a refused header would have made every answer a 401.
    assert len(statuses) > 100 and 401 not in statuses and max(statuses) < 500


def test_client_certificates_required(pki, tmp_path):
    port = free_port()
    w = Worker(tmp_path, extra={
        "listeners": f"https://127.0.0.1:{port}",
        "ssl.keystore.location": pki["server.p12"], "ssl.keystore.type": "PKCS12",
        "ssl.keystore.password": pki.password,
        "ssl.truststore.location": pki["truststore.jks"], "ssl.truststore.password": pki.password,
        "ssl.client.auth": "required",
    })
    w.url = f"https://127.0.0.1:{port}"
    w.http.verify = pki["ca.pem"]
    w.http.cert = (pki["client.pem"], pki["client.key"])
    w.start()
    try:
        code, status, _, err = curl(w.url + "/connectors", "--cacert", pki["ca.pem"])
        assert status is None and code != 0, "a request without a client certificate was answered"
        code, status, _, _ = curl(w.url + "/connectors", "--cacert", pki["ca.pem"],
                                  "--cert", pki["client.pem"], "--key", pki["client.key"])
        assert (code, status) == (0, 200)
        # A certificate from another CA is refused as well.
        code, status, _, _ = curl(w.url + "/connectors", "--cacert", pki["ca.pem"],
                                  "--cert", pki["stranger.pem"], "--key", pki["stranger.key"])
        assert status is None and code != 0
    finally:
        w.stop()


def test_two_secured_workers_forward_a_restart_with_the_callers_credentials(pki, secrets, tmp_path):
    group = uuid.uuid4().hex[:8]
    workers = []
    for i in range(2):
        port = free_port()
        w = Worker(tmp_path, name=group,
                   env={"KAFKA_OPTS": f"-Djava.security.auth.login.config={secrets / 'jaas.conf'}"},
                   extra={"listeners": f"https://127.0.0.1:{port}",
                          "rest.extension.classes": "BasicAuthSecurityRestExtension",
                          "listeners.https.ssl.keystore.location": pki["server.p12"],
                          "listeners.https.ssl.keystore.type": "PKCS12",
                          "listeners.https.ssl.keystore.password": pki.password,
                          "listeners.https.ssl.truststore.location": pki["truststore.jks"],
                          "listeners.https.ssl.truststore.password": pki.password})
        w.url = f"https://127.0.0.1:{port}"
        w.http.verify = pki["ca.pem"]
        w.http.auth = ("ops", "ops-secret")
        workers.append(w.start())
    try:
        a, b = workers
        src = tmp_path / "in.txt"
        write_lines(src, ["one"])
        topic = f"fwd-{group}"
        config = {"connector.class": "FileStreamSource", "file": str(src), "topic": topic, "tasks.max": "1"}
        assert a.put("/connectors/fwd/config", config).status_code == 201
        status = a.wait_running("fwd")
        owner_port = status["tasks"][0]["worker_id"].rsplit(":", 1)[1]
        other = next(w for w in workers if w.url.rsplit(":", 1)[1] != owner_port)
        other.wait_running("fwd")  # the other worker has read the task's config too
        # Without credentials the receiving worker refuses it before forwarding anything.
        assert requests.post(other.url + "/connectors/fwd/tasks/0/restart", verify=pki["ca.pem"],
                             timeout=30).status_code == 401
        r = other.post("/connectors/fwd/tasks/0/restart")
        assert r.status_code == 204, r.text
        wait_until(lambda: other.get("/connectors/fwd/status").json()["tasks"][0]["state"] == "RUNNING",
                   what="restarted task running")
    finally:
        for w in workers:
            w.stop()


def test_unknown_rest_extension_refuses_to_start(tmp_path):
    w = Worker(tmp_path, extra={"rest.extension.classes": "com.example.AuditRestExtension"})
    code, out = w.run_until_exit()
    assert code != 0
    assert "com.example.AuditRestExtension" in out and "ConnectRestExtension" in out


@pytest.mark.parametrize("props,needle", [
    # The extension without its JAAS file.
    ({"rest.extension.classes": "BasicAuthSecurityRestExtension"}, "java.security.auth.login.config"),
    # A schema-registry.properties pasted whole: the key would protect nothing.
    ({"authentication.method": "BASIC"}, "schema.registry.authentication.method"),
    ({"schema.registry.authentication.method": "BEARER"}, "schema.registry.authentication.method"),
    ({"rest.servlet.initializor.classes": "com.example.Filter"}, "rest.servlet.initializor.classes"),
    # An https listener with no certificate, a cipher list we would not apply.
    ({"listeners": "https://127.0.0.1:0"}, "listeners.https.ssl.keystore.location"),
    ({"listeners": "https://127.0.0.1:0", "listeners.https.ssl.keystore.location": "{server.p12}",
      "listeners.https.ssl.keystore.type": "PKCS12", "listeners.https.ssl.keystore.password": "changeit",
      "listeners.https.ssl.cipher.suites": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}, "ssl.cipher.suites"),
    ({"listeners": "https://127.0.0.1:0", "ssl.keystore.location": "{server.p12}", "ssl.keystore.type": "PKCS12",
      "ssl.keystore.password": "changeit", "ssl.client.auth": "sometimes"}, "ssl.client.auth"),
])
def test_keys_that_switch_protection_on_work_or_refuse_to_start(tmp_path, pki, props, needle):
    props = {k: pki["server.p12"] if v == "{server.p12}" else v for k, v in props.items()}
    w = Worker(tmp_path, extra=props, env={"KAFKA_OPTS": None})
    code, out = w.run_until_exit()
    assert code != 0 and needle in out, out[-2000:]


def test_start_warns_about_open_listeners_and_unknown_keys(tmp_path):
    port = free_port()
    w = Worker(tmp_path, extra={"listeners": f"http://0.0.0.0:{port}", "rest.extention.classes": "typo"})
    w.url = f"http://127.0.0.1:{port}"
    w.start()
    w.stop()
    log = w.log.read_text()
    assert "The configuration 'rest.extention.classes' was supplied but isn't a known config." in log
    assert f"listens on http://0.0.0.0:{port} without authentication" in log


def test_code_loading_worker_keys_are_the_operators_with_a_warning(tmp_path):
    # Allowed in worker properties (here librdkafka then fails to load the missing library, naming it).
    w = Worker(tmp_path, extra={"producer.plugin.library.paths": "/nonexistent/monitoring"})
    code, out = w.run_until_exit()
    assert "producer.plugin.library.paths makes librdkafka load code or run a command" in out
    assert code != 0 and "/nonexistent/monitoring" in out


# A hostile REST caller.

def config_records(w, name):
    return [(k, v) for k, v in read_topic(w.topics["configs"]) if k and name.encode() in k]


@pytest.mark.parametrize("prefix", ["producer.override.", "consumer.override.", "admin.override."])
def test_deny_listed_overrides_are_refused_and_nothing_is_written(worker, tmp_path, prefix):
    src = tmp_path / "in.txt"
    write_lines(src, ["x"])
    for i, key in enumerate(DENIED):
        name = f"hostile-{i}"
        config = {"connector.class": "FileStreamSource", "file": str(src), "topic": "hostile", prefix + key: "/tmp/x"}
        for r in (worker.put(f"/connectors/{name}/config", config),
                  worker.post("/connectors", {"name": name, "config": config})):
            assert r.status_code == 400, (key, r.text)
            assert prefix + key in r.json()["message"]
        v = worker.put("/connector-plugins/FileStreamSource/config/validate", {**config, "name": name}).json()
        errors = {c["value"]["name"]: c["value"]["errors"] for c in v["configs"] if c["value"]["errors"]}
        assert list(errors) == [prefix + key], errors
        # A sink's clients are checked the same way.
        sink = {"connector.class": "FileStreamSink", "file": str(tmp_path / "out.txt"), "topics": "hostile",
                prefix + key: "/tmp/x"}
        assert worker.put(f"/connectors/{name}-sink/config", sink).status_code == 400
    assert worker.get("/connectors").json() == []
    assert config_records(worker, "hostile") == []


def test_hostile_files_nul_characters_and_devices(worker, tmp_path):
    src = tmp_path / "in.txt"
    write_lines(src, ["x"])
    base = {"connector.class": "FileStreamSource", "file": str(src), "topic": "hostile"}
    cases = {
        # A FileStream connector on a file outside filestream.allowed.paths.
        "file": {**base, "file": "/etc/hostname"},
        "filestream.allowed.paths": {**base, "file": os.path.join(tempfile.gettempdir(), "..", "etc", "hostname")},
        # librdkafka would read `debug<NUL>` as debug.
        "NUL": {**base, "producer.override.debug\u0000": "all"},
        # A store that is not a regular file (/dev/zero would never end): refused before it is read.
        "not a regular file": {
            **base, "value.converter": "io.confluent.connect.avro.AvroConverter",
            "value.converter.schema.registry.url": "https://registry.invalid",
            "value.converter.schema.registry.ssl.truststore.location": "/dev/zero"},
    }
    for i, (needle, config) in enumerate(cases.items()):
        r = worker.put(f"/connectors/hostile-file-{i}/config", config)
        assert r.status_code == 400 and needle in r.json()["message"], (needle, r.text)
    assert worker.get("/connectors").json() == []
    assert config_records(worker, "hostile-file") == []


VALUES = {"linger.ms": "5", "security.protocol": "PLAINTEXT",
          "sasl.jaas.config": 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";'}


@pytest.mark.parametrize("policy,allowed,refused", [
    ("None", [], ["producer.override.linger.ms", "producer.override.sasl.jaas.config"]),
    ("Principal", ["producer.override.security.protocol"], ["producer.override.linger.ms"]),
    ("All", ["producer.override.linger.ms"], []),
])
def test_override_policy(tmp_path, policy, allowed, refused):
    w = Worker(tmp_path, extra={"connector.client.config.override.policy": policy}).start()
    try:
        src = tmp_path / "in.txt"
        write_lines(src, ["x"])
        base = {"connector.class": "FileStreamSource", "file": str(src), "topic": f"policy-{w.id}"}
        for key in refused:
            r = w.put("/connectors/policy-refused/config", {**base, key: VALUES[key.split(".override.")[1]]})
            assert r.status_code == 400
            client_key = key.split(".override.", 1)[1]
            assert (f"The '{policy}' policy does not allow '{client_key}' to be overridden in the connector "
                    "configuration.") in r.json()["message"]
        for key in allowed:
            r = w.put("/connectors/policy-ok/config", {**base, key: VALUES[key.split(".override.")[1]]})
            assert r.status_code in (200, 201), r.text
        assert config_records(w, "policy-refused") == []
        assert ("policy-ok" in w.get("/connectors").json()) == bool(allowed)
    finally:
        w.stop()


def leaked_placeholders(tmp_path, w, secret_file, name):
    """Runs a source whose records carry three placeholders (InsertField's static value) and returns
    what the records say: resolved values, or the placeholders as written."""
    src = tmp_path / f"{name}.txt"
    write_lines(src, ["line"])
    topic = f"{name}-{w.id}"
    value = f"${{file:{secret_file}:password}}|${{directory:{secret_file.parent}:{secret_file.name}}}|${{env:AWS_SECRET_ACCESS_KEY}}"
    config = {"connector.class": "FileStreamSource", "file": str(src), "topic": topic,
              "transforms": "hoist,leak",
              "transforms.hoist.type": "org.apache.kafka.connect.transforms.HoistField$Value",
              "transforms.hoist.field": "line",
              "transforms.leak.type": "org.apache.kafka.connect.transforms.InsertField$Value",
              "transforms.leak.static.field": "leak", "transforms.leak.static.value": value,
              "value.converter": "org.apache.kafka.connect.json.JsonConverter",
              "value.converter.schemas.enable": "false"}
    assert w.put(f"/connectors/{name}/config", config).status_code == 201
    w.wait_running(name)
    records = read_topic(topic, expect_min=1)
    assert records, "no record"
    return json.loads(records[0][1])["leak"], value


def test_placeholders_stay_literal_without_declared_providers(tmp_path):
    secret_file = tmp_path / "secret.properties"
    secret_file.write_text("password=file-secret-7\n")
    w = Worker(tmp_path, env={"AWS_SECRET_ACCESS_KEY": "env-secret-9"}).start()
    try:
        leaked, written = leaked_placeholders(tmp_path, w, secret_file, "literal")
        assert leaked == written
        stored = b"".join(v or b"" for _, v in read_topic(w.topics["configs"]))
        assert b"file-secret-7" not in stored and b"env-secret-9" not in stored
        # The stock /etc/hostname case of the issue, at config/validate.
        v = w.put("/connector-plugins/FileStreamSource/config/validate",
                  {"name": "hostname", "connector.class": "FileStreamSource", "file": str(tmp_path / "in.txt"),
                   "topic": "${file:/etc/hostname:x}"}).json()
        assert v["error_count"] == 0, v
        assert next(c["value"]["value"] for c in v["configs"] if c["value"]["name"] == "topic") == "${file:/etc/hostname:x}"
    finally:
        w.stop()


def test_declared_providers_resolve_only_inside_their_allowlists(tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    inside = allowed / "db.properties"
    inside.write_text("password=inside-secret\n")
    outside = tmp_path / "outside.properties"
    outside.write_text("password=outside-secret\n")
    w = Worker(tmp_path, env={"AWS_SECRET_ACCESS_KEY": "env-secret-9", "DEMO_HOST": "worker-a.example"}, extra={
        "config.providers": "file,directory,env",
        "config.providers.file.class": "org.apache.kafka.common.config.provider.FileConfigProvider",
        "config.providers.file.param.allowed.paths": str(allowed),
        "config.providers.directory.class": "DirectoryConfigProvider",
        "config.providers.directory.param.allowed.paths": str(allowed),
        "config.providers.env.class": "EnvVarConfigProvider",
        "config.providers.env.param.allowlist.pattern": "DEMO_.*",
        # Worker properties are resolved too.
        "rest.advertised.host.name": "${env:DEMO_HOST}",
    }).start()
    try:
        leaked, _ = leaked_placeholders(tmp_path, w, inside, "inside")
        assert leaked == "inside-secret|password=inside-secret\n|${env:AWS_SECRET_ACCESS_KEY}"
        leaked, written = leaked_placeholders(tmp_path, w, outside, "outside")
        assert leaked == written  # outside allowed.paths: literal, as Kafka leaves it
        # A path that climbs out of the allowed directory is outside too.
        climbing = allowed / ".." / "outside.properties"
        leaked, written = leaked_placeholders(tmp_path, w, climbing, "climbing")
        assert leaked == written
        assert w.get("/connectors/inside/status").json()["connector"]["worker_id"].startswith("worker-a.example:")
        # config/validate shows what the caller wrote, never what a provider read.
        placeholder = f"${{file:{inside}:password}}"
        v = w.put("/connector-plugins/FileStreamSource/config/validate",
                  {"name": "v", "connector.class": "FileStreamSource", "topic": placeholder, "batch.size": placeholder,
                   "file": str(tmp_path / "x.txt")}).text
        assert "inside-secret" not in v and placeholder in v
    finally:
        w.stop()


def test_admin_listeners_and_cors(tmp_path):
    admin_port = free_port()
    w = Worker(tmp_path, extra={"admin.listeners": f"http://127.0.0.1:{admin_port}",
                                "access.control.allow.origin": "https://ui.example.com",
                                "access.control.allow.methods": "GET,POST,PUT,DELETE"}).start()
    try:
        # KIP-495: /admin/loggers only on the admin listener; the API only on the main one.
        r = w.get("/admin/loggers")
        assert (r.status_code, r.json()) == (404, {"error_code": 404, "message": "HTTP 404 Not Found"})
        admin = f"http://127.0.0.1:{admin_port}"
        assert requests.get(admin + "/admin/loggers", timeout=10).status_code == 200
        assert requests.get(admin + "/connectors", timeout=10).status_code == 404
        for path in ("//admin/loggers", "/%61dmin/loggers"):  # as the routes would read them
            assert w.get(path).status_code == 404, path
        # CORS as Jetty's CrossOriginFilter: the allowed origin echoed, others get no header.
        r = w.http.get(w.url + "/connectors", headers={"Origin": "https://ui.example.com"}, timeout=10)
        assert r.headers["Access-Control-Allow-Origin"] == "https://ui.example.com"
        r = w.http.get(w.url + "/connectors", headers={"Origin": "https://evil.example.com"}, timeout=10)
        assert "Access-Control-Allow-Origin" not in r.headers
        pre = w.http.options(w.url + "/connectors", timeout=10, headers={
            "Origin": "https://ui.example.com", "Access-Control-Request-Method": "PUT"})
        assert pre.status_code == 200 and pre.headers["Access-Control-Allow-Methods"] == "GET,POST,PUT,DELETE"
    finally:
        w.stop()
