"""The operator CLI (`tributary connectors ...`, `apply`, `validate`) run as an operator runs it, against a
worker started for the test: plans printed then applied, tables, `--output json`, exit codes, and a
secured worker (https with the test CA, basic authentication)."""
import json
import os
import pathlib
import subprocess
import uuid

from conftest import BIN, Worker, free_port, wait_until, write_lines
from secure_kafka import PKI, run

REPO = pathlib.Path(__file__).resolve().parents[2]


def cli(*args, env=None):
    """Runs `tributary <args>`; the environment has no TRIBUTARY_* variables unless `env` sets them."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TRIBUTARY_") or k == "TRIBUTARY_BIN"}
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=60, env={**base, **(env or {})})


def source(tmp_path, name, topic):
    f = tmp_path / f"{name}.txt"
    write_lines(f, [f"{name}-line"])
    return {"name": name, "config": {"connector.class": "FileStreamSource", "file": str(f), "topic": topic}}


def state(w, name):
    r = w.get(f"/connectors/{name}/status")
    return r.json()["connector"]["state"] if r.status_code == 200 else None


def test_apply_prints_the_plan_then_applies_it_and_connectors_commands_operate(tmp_path):
    w = Worker(tmp_path).start()
    try:
        url = ["--url", w.url]
        a, b = source(tmp_path, "cli-a", f"cli-a-{w.id}"), source(tmp_path, "cli-b", f"cli-b-{w.id}")
        byrest = source(tmp_path, "byrest", f"byrest-{w.id}")
        assert w.post("/connectors", byrest).status_code == 201
        file = tmp_path / "connectors.json"
        file.write_text(json.dumps([a, b]))

        # --dry-run: validated, planned, nothing written; the worker's own connector is left alone.
        out = cli("apply", file, "--dry-run", *url)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "Plan: 2 to create, 0 to update, 0 unchanged, 0 to delete" in out.stdout
        assert "  + cli-a (create)" in out.stdout and "  + cli-b (create)" in out.stdout
        assert "  ? byrest (not in the file: left alone; --delete-missing deletes it)" in out.stdout
        assert sorted(w.get("/connectors").json()) == ["byrest"]
        out = cli("apply", file, "--dry-run", "--output", "json", *url)
        assert out.returncode == 0, out.stdout + out.stderr
        assert json.loads(out.stdout)["plan"] == [
            {"name": "cli-a", "action": "create"}, {"name": "cli-b", "action": "create"},
            {"name": "byrest", "action": "leave"}]

        out = cli("apply", file, *url)
        assert out.returncode == 0, out.stdout + out.stderr
        plan_end = out.stdout.index("created cli-a")
        assert "Plan: 2 to create" in out.stdout[:plan_end]
        assert "created cli-b" in out.stdout
        w.wait_running("cli-a")
        w.wait_running("cli-b")

        # A changed key is shown old -> new; the same file again changes nothing.
        b["config"]["topic"] = f"cli-b2-{w.id}"
        file.write_text(json.dumps([a, b]))
        out = cli("apply", file, *url)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "Plan: 0 to create, 1 to update, 1 unchanged, 0 to delete" in out.stdout
        assert "  = cli-a (unchanged)" in out.stdout
        assert f"      ~ topic: cli-b-{w.id} -> cli-b2-{w.id}" in out.stdout
        assert "updated cli-b" in out.stdout
        wait_until(lambda: w.get("/connectors/cli-b/config").json()["topic"] == f"cli-b2-{w.id}", what="cli-b updated")
        out = cli("apply", file, *url)
        assert out.returncode == 0 and "nothing to apply" in out.stdout, out.stdout + out.stderr

        # status: every connector's state, a header and one line per task.
        w.wait_running("cli-b")
        w.wait_running("byrest")
        out = cli("connectors", "status", *url)
        assert out.returncode == 0, out.stdout + out.stderr
        lines = out.stdout.splitlines()
        assert lines[0].split() == ["NAME", "TYPE", "STATE", "TASKS", "WORKER"]
        for name in ("byrest", "cli-a", "cli-b"):
            row = next(l for l in lines if l.startswith(name + " "))
            assert row.split()[1:4] == ["source", "RUNNING", "1"], row
        assert sum(1 for l in lines if l.strip().startswith("task 0")) == 3

        out = cli("connectors", "list", "--output", "json", *url)
        assert out.returncode == 0, out.stderr
        listed = json.loads(out.stdout)
        assert sorted(listed) == ["byrest", "cli-a", "cli-b"]
        assert listed["cli-a"]["status"]["connector"]["state"] == "RUNNING"
        assert listed["cli-a"]["info"]["config"]["topic"] == f"cli-a-{w.id}"

        # pause, resume, restart with tasks (KIP-745), each with its exit code and the worker's state.
        out = cli("connectors", "pause", "cli-a", *url)
        assert out.returncode == 0 and "paused cli-a" in out.stdout, out.stdout + out.stderr
        wait_until(lambda: state(w, "cli-a") == "PAUSED", what="cli-a PAUSED")
        out = cli("connectors", "status", "cli-a", "-o", "json", *url)
        assert out.returncode == 0 and json.loads(out.stdout)["connector"]["state"] == "PAUSED", out.stdout
        out = cli("connectors", "resume", "cli-a", *url)
        assert out.returncode == 0 and "resumed cli-a" in out.stdout, out.stdout + out.stderr
        w.wait_running("cli-a")
        out = cli("connectors", "restart", "cli-a", "--include-tasks", "--output", "json", *url)
        assert out.returncode == 0, out.stdout + out.stderr
        assert json.loads(out.stdout)["name"] == "cli-a"
        w.wait_running("cli-a")
        out = cli("connectors", "restart", "cli-a", "--task", "0", *url)
        assert out.returncode == 0 and "restarted task 0 of cli-a" in out.stdout, out.stdout + out.stderr

        # Unknown connectors: non-zero, the worker's message on stderr.
        out = cli("connectors", "status", "nope", *url)
        assert out.returncode == 1
        assert "No status found for connector nope (HTTP 404)" in out.stderr
        out = cli("connectors", "pause", "nope", *url)
        assert out.returncode == 1 and "Unknown connector nope (HTTP 404)" in out.stderr, out.stderr
        out = cli("connectors", "delete", "nope", *url)
        assert out.returncode == 1 and "Connector nope not found (HTTP 404)" in out.stderr, out.stderr

        # An invalid file: every problem with its connector and key, nothing applied.
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps([a, {"name": "broken", "config": {"connector.class": "FileStreamSource", "tasks.max": "zero"}}]))
        out = cli("apply", bad, *url)
        assert out.returncode == 1
        assert "broken: tasks.max: Invalid value zero for configuration tasks.max: Not a number of type INT" in out.stdout
        assert 'broken: topic: Missing required configuration "topic" which has no default value.' in out.stdout
        assert "nothing applied" in out.stderr
        assert "broken" not in w.get("/connectors").json()

        # --delete-missing deletes what the file does not name; delete removes one by name.
        file.write_text(json.dumps([a]))
        out = cli("apply", file, "--delete-missing", *url)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "  - byrest (delete: not in the file)" in out.stdout and "  - cli-b (delete: not in the file)" in out.stdout
        assert "deleted byrest" in out.stdout and "deleted cli-b" in out.stdout
        assert w.get("/connectors").json() == ["cli-a"]
        out = cli("connectors", "delete", "cli-a", *url)
        assert out.returncode == 0 and "deleted cli-a" in out.stdout, out.stdout + out.stderr
        assert w.get("/connectors").json() == []
    finally:
        w.stop()


def test_connection_refused_names_the_url():
    url = f"http://127.0.0.1:{free_port()}"
    out = cli("connectors", "list", "--url", url)
    assert out.returncode == 1
    assert f"Cannot connect to the Kafka Connect REST API at {url}: connection refused" in out.stderr


def test_validate_names_unresolved_placeholders_and_checks_resolved_values(tmp_path):
    # The shipped demo file, outside dev/run.sh: its variables are not set.
    env = {"DEMO_DIR": None, "PG_JDBC_URL": None, "PG_USER": None, "PG_PASSWORD": None, "S3_ENDPOINT": None}
    base = {k: v for k, v in os.environ.items() if k not in env}
    out = subprocess.run([BIN, "validate", REPO / "connectors.json"], capture_output=True, text=True, env=base)
    assert out.returncode == 1
    assert ("demo-stations: connection.url: ${env:PG_JDBC_URL} is unresolved: environment variable PG_JDBC_URL "
            "is not set") in out.stdout
    assert "demo-file-source: file: ${env:DEMO_DIR} is unresolved: environment variable DEMO_DIR is not set" in out.stdout
    assert "must start with jdbc:postgresql:" not in out.stdout

    # Set, the resolved value is what is checked.
    var = "E2E_URL_" + uuid.uuid4().hex[:6].upper()
    f = tmp_path / "c.json"
    f.write_text(json.dumps([{"name": "db", "config": {
        "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector", "connection.url": "${env:%s}" % var,
        "mode": "bulk", "topic.prefix": "p-", "table.whitelist": "t"}}]))
    out = subprocess.run([BIN, "validate", f], capture_output=True, text=True, env={**base, var: "mysql://h/db"})
    assert out.returncode == 1
    assert "db: connection.url:" in out.stdout and "must start with jdbc:postgresql:" in out.stdout, out.stdout
    assert "is unresolved" not in out.stdout
    out = subprocess.run([BIN, "validate", f], capture_output=True, text=True,
                         env={**base, var: "jdbc:postgresql://127.0.0.1:1/db"})
    assert out.returncode == 0, out.stdout + out.stderr

    # The worker's properties decide which providers exist and what they may read.
    props = tmp_path / "worker.properties"
    props.write_text("config.providers=env\nconfig.providers.env.class=EnvVarConfigProvider\n"
                     "config.providers.env.param.allowlist.pattern=PG_.*\n")
    out = subprocess.run([BIN, "validate", f, "--worker-properties", props], capture_output=True, text=True,
                         env={**base, var: "jdbc:postgresql://127.0.0.1:1/db"})
    assert out.returncode == 1
    assert (f"db: connection.url: ${{env:{var}}} is unresolved: environment variable {var} does not match "
            "config.providers.env.param.allowlist.pattern (PG_.*)") in out.stdout, out.stdout


def test_secured_worker_over_https_with_basic_auth(tmp_path):
    pki = PKI(tmp_path / "pki")
    run("cat broker.key broker.pem > server.pem", pki.dir)
    (tmp_path / "connect.password").write_text("ops=ops-secret\n")
    (tmp_path / "jaas.conf").write_text(
        "KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n"
        f'  file="{tmp_path / "connect.password"}";\n}};\n')
    port = free_port()
    w = Worker(tmp_path, env={"KAFKA_OPTS": f"-Djava.security.auth.login.config={tmp_path / 'jaas.conf'}"},
               extra={"listeners": f"https://127.0.0.1:{port}", "rest.extension.classes": "BasicAuthSecurityRestExtension",
                      "listeners.https.ssl.keystore.location": pki["server.pem"],
                      "listeners.https.ssl.keystore.type": "PEM"})
    w.url = f"https://127.0.0.1:{port}"
    w.http.verify = pki["ca.pem"]
    w.http.auth = ("ops", "ops-secret")
    w.start()
    try:
        url = ["--url", w.url, "--cacert", pki["ca.pem"]]
        out = cli("connectors", "list", *url)
        assert out.returncode == 1 and "HTTP 401" in out.stderr, out.stderr
        out = cli("connectors", "list", "--user", "ops:ops-secret", *url)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["NAME", "TYPE", "STATE", "TASKS", "WORKER"]
        # From the environment, the password apart from the user.
        out = cli("connectors", "list", "-o", "json", *url, env={"TRIBUTARY_USER": "ops", "TRIBUTARY_PASSWORD": "ops-secret"})
        assert out.returncode == 0 and json.loads(out.stdout) == {}, out.stderr
        # A CA that did not sign the worker's certificate: refused, and said so.
        out = cli("connectors", "list", "--user", "ops:ops-secret", "--url", w.url, "--cacert", pki["stranger.pem"])
        assert out.returncode == 1 and f"Request to the Kafka Connect REST API at {w.url} failed" in out.stderr, out.stderr
    finally:
        w.stop()
