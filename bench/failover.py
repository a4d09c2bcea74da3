"""Driven by bench/failover.sh: workers of one group, killed, added and restarted; times and restart
counts read from the REST API and the status topic."""
import json
import os
import signal
import socket
import subprocess
import sys
import time

import requests
from confluent_kafka import Consumer, TopicPartition

BIN, WORK, GROUP, SESSION_MS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
BOOTSTRAP = os.environ["KAFKA_BOOTSTRAP"]
CONNECTORS, TASKS = 3, 10


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            v = cond()
            if v:
                return v
        except requests.RequestException:
            pass
        time.sleep(0.02)
    sys.exit(f"timed out waiting for {what}")


class Worker:
    def __init__(self, n):
        self.port = free_port()
        self.id = f"127.0.0.1:{self.port}"
        self.props = f"{WORK}/w{n}.properties"
        self.log = f"{WORK}/w{n}.log"
        with open(self.props, "w") as f:
            f.write(f"""bootstrap.servers={BOOTSTRAP}
group.id={GROUP}
config.storage.topic={GROUP}-configs
offset.storage.topic={GROUP}-offsets
status.storage.topic={GROUP}-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
status.storage.partitions=1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.flush.interval.ms=1000
session.timeout.ms={SESSION_MS}
heartbeat.interval.ms={SESSION_MS // 3}
listeners=http://127.0.0.1:{self.port}
schema.registry.listeners=
rest.proxy.listeners=
""")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([BIN, "worker", self.props], stdout=open(self.log, "a"), stderr=subprocess.STDOUT)
        wait(lambda: self.proc.poll() is None or sys.exit(f"{self.id} exited: {open(self.log).read()[-2000:]}"), 1, "")
        wait(lambda: requests.get(f"http://{self.id}/health", timeout=2).status_code == 200, 60, f"{self.id} healthy")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def owners(w):
    """{task: worker id} when all 30 tasks are RUNNING, else None."""
    r = requests.get(f"http://{w.id}/connectors?expand=status", timeout=5).json()
    out = {}
    for name, v in r.items():
        for t in v["status"]["tasks"]:
            if t["state"] != "RUNNING":
                return None
            out[f"{name}-{t['id']}"] = t["worker_id"]
    return out if len(out) == CONNECTORS * TASKS else None


def starts():
    """Per task, how many times it was started: RUNNING records in the status topic (a task writes one
    each time it starts; a paused or resumed task would write more, and none is here)."""
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"{GROUP}-reader-{time.time()}",
                  "enable.partition.eof": True, "enable.auto.commit": False})
    topic = f"{GROUP}-status"
    c.assign([TopicPartition(topic, 0, 0)])
    counts = {}
    while True:
        m = c.poll(5)
        if m is None or (m.error() and m.error().code() == -191):  # _PARTITION_EOF
            break
        key = m.key().decode()
        if key.startswith("status-task-") and m.value() and json.loads(m.value())["state"] == "RUNNING":
            counts[key[len("status-task-"):]] = counts.get(key[len("status-task-"):], 0) + 1
    c.close()
    return counts


def applied(workers, n):
    return all(f"Assignment of {n} worker(s) applied" in open(w.log).read() for w in workers)


def settle(workers, n, timeout=120):
    """The assignment of n workers applied everywhere and every handover done: all RUNNING, and the
    owners unchanged over a second (a task waiting for its previous owner still shows that owner)."""
    wait(lambda: applied(workers, n), timeout, f"the {n}-worker assignment applied")
    def stable():
        a = owners(workers[0])
        time.sleep(1)
        return a if a and a == owners(workers[0]) else None
    return wait(stable, timeout, "30 tasks RUNNING, owners stable")


def joins(w, n):
    """How many times worker w has joined a group of n members (its log; Tansu's DescribeGroups
    answers confluent-kafka's admin client without members)."""
    return open(w.log).read().count(f"with {n} member(s)")


workers = [Worker(i).start() for i in range(3)]
try:
    for c in range(CONNECTORS):
        r = requests.post(f"http://{workers[0].id}/connectors", json={"name": f"gen-{c}", "config": {
            "connector.class": "DataGen", "kafka.topic": f"{GROUP}-data", "tasks.max": str(TASKS),
            "rate.per.second": "10", "batch.size": "10"}}, timeout=10)
        assert r.status_code == 201, r.text
    before = settle(workers, 3)
    per_worker = sorted(list(before.values()).count(w.id) for w in workers)

    # 1. SIGKILL: until every task of the dead worker is RUNNING on another.
    victim = workers[2]
    theirs = [t for t, w in before.items() if w == victim.id]
    joined = joins(workers[0], 2)
    t0 = time.monotonic()
    victim.kill()
    wait(lambda: joins(workers[0], 2) > joined, 120, "a survivor in the group of 2")
    group_s = time.monotonic() - t0
    wait(lambda: (o := owners(workers[0])) and all(o[t] != victim.id for t in theirs), 120, "failover")
    failover_s = time.monotonic() - t0
    survivors = workers[:2]
    settle(survivors, 2)

    # 2. The killed worker comes back under the same id, then a 4th worker joins.
    victim.start()
    workers = survivors + [victim]
    before_join = settle(workers, 3)
    starts0 = starts()
    d = Worker(3).start()
    workers.append(d)
    after_join = settle(workers, 4)
    starts1 = starts()
    moved = {t for t in before_join if after_join[t] != before_join[t]}
    restarted = {t for t in before_join if starts1.get(t, 0) != starts0.get(t, 0)}
    to_new = sum(1 for t in moved if after_join[t] == d.id)

    # 3. Rolling restart: each worker in turn stopped (SIGTERM) and started again.
    for w in workers:
        w.stop()
        w.start()
        settle(workers, 4, timeout=180)
    starts2 = starts()
    rolled = sorted(starts2.get(t, 0) - starts1.get(t, 0) for t in after_join)

    print(f"{'tasks per worker (3 workers)':<52} {per_worker}")
    print(f"{'SIGKILL of a worker with ' + str(len(theirs)) + ' tasks → RUNNING elsewhere':<52} {failover_s:.1f} s "
          f"(session.timeout.ms {SESSION_MS / 1000:.0f} s; goal ≤ {SESSION_MS / 1000 + 2:.0f} s)")
    print(f"{'  of which: until a survivor has joined the group of 2':<52} {group_s:.1f} s")
    print(f"{'4th worker joins: tasks moved / to the new worker':<52} {len(moved)} / {to_new}")
    print(f"{'4th worker joins: tasks restarted':<52} {len(restarted)} (unmoved restarted: {len(restarted - moved)})")
    print(f"{'rolling restart of 4 workers: restarts per task':<52} min {rolled[0]}, "
          f"median {rolled[len(rolled) // 2]}, max {rolled[-1]}, total {sum(rolled)}")
finally:
    for w in workers:
        try:
            w.stop()
        except Exception:
            w.proc.kill()
