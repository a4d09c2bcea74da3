"""End-to-end fixtures: run the built `tributary` binary against the local broker started by dev/services.sh.

Every worker gets its own internal topics and group, so tests never see each other's state.
"""
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

BIN = os.environ.get("TRIBUTARY_BIN")
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP")
PG_URL = os.environ.get("PG_URL")


def sql(statement, *args, fetch=False):
    """One statement in its own transaction on the local PostgreSQL; `fetch` returns the rows. Without
    args, '%' in the SQL is not a placeholder."""
    import psycopg2
    with psycopg2.connect(PG_URL) as conn, conn.cursor() as cur:
        cur.execute(statement, args or None)
        return cur.fetchall() if fetch else None


@pytest.fixture
def schema():
    """A PostgreSQL schema of its own for a test, dropped with what is in it afterwards."""
    name = "e2e_" + uuid.uuid4().hex[:8]
    sql(f"CREATE SCHEMA {name}")
    yield name
    sql(f"DROP SCHEMA {name} CASCADE")


def pytest_configure(config):
    if not BIN or not BOOTSTRAP:
        raise pytest.UsageError("TRIBUTARY_BIN and KAFKA_BOOTSTRAP must be set (run dev/test.sh)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report ends with the last lines of its workers' logs: in CI they are the only
    trace of what the worker was doing (the temporary directories do not outlive the run)."""
    outcome = yield
    report = outcome.get_result()
    tmp = item.funcargs.get("tmp_path") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or tmp is None:
        return
    for log in sorted(tmp.glob("worker-*.log")):
        lines = log.read_text(errors="replace").splitlines()[-80:]
        report.sections.append((f"{log.name}, last {len(lines)} lines", "\n".join(lines)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout=30.0, what="condition"):
    """Polls `condition` until it returns a truthy value (returned) or the deadline passes."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
            if last:
                return last
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class Worker:
    def __init__(self, tmp_path, name=None, extra=None, env=None):
        self.id = name or uuid.uuid4().hex[:8]
        # The worker's environment: this process's, with `env` changes (None removes a variable).
        self.env = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.topics = {k: f"{k}-{self.id}" for k in ("configs", "offsets", "status")}
        props = {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": f"e2e-{self.id}",
            "config.storage.topic": self.topics["configs"],
            "offset.storage.topic": self.topics["offsets"],
            "status.storage.topic": self.topics["status"],
            "config.storage.replication.factor": "1",
            "offset.storage.replication.factor": "1",
            "status.storage.replication.factor": "1",
            "offset.storage.partitions": "5",
            "status.storage.partitions": "2",
            "key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "key.converter.schemas.enable": "false",
            "value.converter.schemas.enable": "false",
            "offset.flush.interval.ms": "300",
            "listeners": f"http://127.0.0.1:{self.port}",
            "consumer.session.timeout.ms": "6000",
            # The worker group: Tansu delays the first join by session.timeout.ms / 2 (Apache Kafka
            # brokers refuse less than 6000 by default).
            "session.timeout.ms": "3000",
            "heartbeat.interval.ms": "1000",
            # The tests' FileStream connectors read and write under the temporary directory.
            "filestream.allowed.paths": os.path.realpath(tempfile.gettempdir()),
            # The Schema Registry and REST Proxy listen only where a test asks (see `with_registry`).
            "schema.registry.listeners": "",
            "rest.proxy.listeners": "",
        }
        props.update(extra or {})
        self.props_file = tmp_path / f"worker-{self.id}-{self.port}.properties"
        self.props_file.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        self.log = tmp_path / f"worker-{self.id}-{self.port}.log"
        # Standard error alone, for tests that start with `separate_stderr` (standard output stays in `log`).
        self.stderr_log = tmp_path / f"worker-{self.id}-{self.port}.stderr.log"
        self.proc = None
        # Every request of this test to the worker's APIs: a secured worker's tests set `auth` and `verify`.
        self.http = requests.Session()
        # Not REQUESTS_CA_BUNDLE (set on these machines), which would replace a test's `verify`.
        self.http.trust_env = False

    def with_registry(self, proxy=True):
        """Turns on this worker's Schema Registry (own `_schemas` topic) and, by default, its REST Proxy."""
        self.sr_port, self.proxy_port = free_port(), free_port()
        self.sr_url = f"http://127.0.0.1:{self.sr_port}"
        self.proxy_url = f"http://127.0.0.1:{self.proxy_port}"
        extra = {"schema.registry.listeners": self.sr_url, "kafkastore.topic": f"_schemas-{self.id}",
                 "kafkastore.topic.replication.factor": "1"}
        if proxy:
            extra["rest.proxy.listeners"] = self.proxy_url
        self.set(extra)
        return self

    def set(self, extra):
        """Changes worker properties (before `start`)."""
        text = self.props_file.read_text()
        for k, v in extra.items():
            text = "".join(l + "\n" for l in text.splitlines() if not l.startswith(k + "="))
            text += f"{k}={v}\n"
        self.props_file.write_text(text)

    def start(self, connectors_file=None, separate_stderr=False):
        args = [BIN, "worker", str(self.props_file)]
        if connectors_file:
            args += ["--connectors", str(connectors_file)]
        stderr = open(self.stderr_log, "a") if separate_stderr else subprocess.STDOUT
        self.proc = subprocess.Popen(args, stdout=open(self.log, "a"), stderr=stderr, env=self.env)
        try:
            wait_until(lambda: self.get("/health").status_code == 200, what=f"worker health (log {self.log})")
            if getattr(self, "sr_url", None):
                wait_until(lambda: _answers(self.sr_url, self.http), what=f"Schema Registry (log {self.log})")
            if getattr(self, "proxy_url", None) and f"rest.proxy.listeners={self.proxy_url}" in self.props_file.read_text():
                wait_until(lambda: _answers(self.proxy_url, self.http), what=f"REST Proxy (log {self.log})")
        except BaseException:
            self.kill()  # a worker that never became ready is not left running
            raise
        return self

    def run_until_exit(self, timeout=30):
        """Starts the worker expecting it to refuse to run; returns its exit code and its output."""
        args = [BIN, "worker", str(self.props_file)]
        done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, env=self.env)
        self.log.write_bytes(done.stdout)
        return done.returncode, done.stdout.decode(errors="replace")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise

    def get(self, path):
        return self.http.get(self.url + path, timeout=10)

    def post(self, path, body=None, data=None):
        return self.http.post(self.url + path, json=body, data=data, timeout=30,
                             headers={"Content-Type": "application/json"})

    def patch(self, path, body=None):
        return self.http.patch(self.url + path, json=body, timeout=30)

    def put(self, path, body=None):
        return self.http.put(self.url + path, json=body, timeout=30)

    def delete(self, path):
        return self.http.delete(self.url + path, timeout=30)

    def wait_running(self, name, tasks=1):
        def ok():
            r = self.get(f"/connectors/{name}/status")
            if r.status_code != 200:
                return None
            s = r.json()
            if s["connector"]["state"] == "RUNNING" and len(s["tasks"]) == tasks and all(t["state"] == "RUNNING" for t in s["tasks"]):
                return s
            return None
        return wait_until(ok, what=f"{name} RUNNING with {tasks} task(s) (log {self.log})")


def _answers(url, http=requests):
    """Whether the listener serves (a 401 or 403 from a secured one counts)."""
    try:
        return http.get(url + "/", timeout=2).status_code in (200, 401, 403)
    except requests.RequestException:
        return False


@pytest.fixture
def worker(tmp_path):
    w = Worker(tmp_path)
    yield w.start()
    w.stop()


def read_topic(topic, expect_min=0, timeout=30.0, client=None):
    """Every record of `topic` (all partitions, from the beginning, until EOF), as (key, value) bytes.

    Reads to partition EOF rather than trusting watermarks; retries until at least `expect_min` records.
    `client` replaces the client configuration (another broker, TLS).
    """
    deadline = time.monotonic() + timeout
    while True:
        records = _read_once(topic, client or {"bootstrap.servers": BOOTSTRAP})
        if len(records) >= expect_min or time.monotonic() > deadline:
            return records
        time.sleep(0.1)


def _read_once(topic, client):
    admin = AdminClient(dict(client))
    # All topics, not this one by name: a metadata request naming a missing topic makes the broker
    # create it (auto-creation, with its defaults) before the worker does.
    md = admin.list_topics(timeout=10)
    t = md.topics.get(topic)
    if t is None or t.error is not None or not t.partitions:
        return []
    c = Consumer({**client, "group.id": "e2e-reader-" + uuid.uuid4().hex,
                  "enable.partition.eof": True, "enable.auto.commit": False})
    parts = list(t.partitions)
    c.assign([TopicPartition(topic, p, 0) for p in parts])
    pending = set(parts)
    out = []
    deadline = time.monotonic() + 20
    while pending and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                pending.discard(m.partition())
            continue
        out.append((m.key(), m.value()))
    c.close()
    return out


def write_lines(path, lines):
    with open(path, "a") as f:
        for l in lines:
            f.write(l + "\n")
