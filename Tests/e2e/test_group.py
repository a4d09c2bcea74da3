"""Several workers with one group.id: work is spread over them, moves when one leaves or dies, and
requests that only the worker running a task can carry out are forwarded to it."""
import uuid

from conftest import Worker, read_topic, wait_until, write_lines


def statuses(w):
    r = w.get("/connectors?expand=status")
    assert r.status_code == 200, r.text
    return {name: v["status"] for name, v in r.json().items()}


def owners(w, names):
    """Worker ids of every connector and task of `names`, once all of them are RUNNING (else None)."""
    s = statuses(w)
    ids = set()
    for n in names:
        st = s.get(n)
        if not st or st["connector"]["state"] != "RUNNING" or len(st["tasks"]) != 1:
            return None
        if st["tasks"][0]["state"] != "RUNNING":
            return None
        ids.add(st["connector"]["worker_id"])
        ids.add(st["tasks"][0]["worker_id"])
    return ids


def test_two_workers_share_the_work_and_take_it_over(tmp_path):
    group = uuid.uuid4().hex[:8]
    a = Worker(tmp_path, name=group).start()
    b = Worker(tmp_path, name=group).start()
    try:
        topic = f"group-{group}"
        names = [f"src-{i}" for i in range(6)]
        for i, n in enumerate(names):
            write_lines(tmp_path / f"{n}.txt", [f"{n}-line-{k}" for k in range(5)])
            r = a.post("/connectors", {"name": n, "config": {
                "connector.class": "FileStreamSource", "file": str(tmp_path / f"{n}.txt"), "topic": topic}})
            assert r.status_code == 201, r.text

        # Both workers run something; both REST APIs see the same statuses.
        ids_a, ids_b = f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"
        wait_until(lambda: owners(a, names) == {ids_a, ids_b}, what="work on both workers")
        # b reads the status topic on its own: its view catches up, it is not in step with a's.
        wait_until(lambda: owners(b, names) == {ids_a, ids_b}, what="b's view of the statuses")
        values = lambda: sorted(v.decode().strip('"') for _, v in read_topic(topic))
        expected = sorted(f"{n}-line-{k}" for n in names for k in range(5))
        # At least once: a rebalance (e.g. a heartbeat missed on a busy machine) may send lines again.
        wait_until(lambda: set(values()) == set(expected), what="every line")

        # A task restart sent to the worker that does not run the task is forwarded to the one that does.
        s = statuses(a)
        on_b = next(n for n in names if s[n]["tasks"][0]["worker_id"] == ids_b)
        assert a.post(f"/connectors/{on_b}/tasks/0/restart").status_code == 204
        # ...and one that is already forwarded is not sent on again.
        r = a.post(f"/connectors/{on_b}/tasks/0/restart?forward=false")
        assert r.status_code == 409 and "rebalance" in r.json()["message"]

        # A cluster-scoped log level goes through the config topic to every worker.
        r = a.put("/admin/loggers/org.apache.kafka.connect?scope=cluster", {"level": "DEBUG"})
        assert r.status_code == 204, r.text
        wait_until(lambda: b.get("/admin/loggers/org.apache.kafka.connect").json().get("level") == "DEBUG",
                   what="level applied on the other worker")

        # One worker dies: the other runs everything, and lines written meanwhile still arrive.
        b.kill()
        wait_until(lambda: owners(a, names) == {ids_a}, timeout=60, what="all work on the surviving worker")
        for n in names:
            write_lines(tmp_path / f"{n}.txt", [f"{n}-after-{k}" for k in range(3)])
        expected += [f"{n}-after-{k}" for n in names for k in range(3)]
        wait_until(lambda: set(values()) == set(expected), what="lines written after the takeover")

        # It comes back: the work is shared again.
        b.start()
        wait_until(lambda: owners(b, names) == {ids_a, ids_b}, timeout=60, what="work shared again")
    finally:
        b.stop()
        a.stop()


def status_records(w):
    """Every record of the worker group's status topic so far, per key (in order)."""
    out = {}
    for k, v in read_topic(w.topics["status"]):
        out.setdefault(k.decode(), []).append(v)
    return out


def task_owners(w, names, tasks):
    """{(connector, task): worker id} once every connector and task of `names` is RUNNING, else None."""
    s = statuses(w)
    out = {}
    for n in names:
        st = s.get(n)
        if not st or st["connector"]["state"] != "RUNNING" or len(st["tasks"]) != tasks:
            return None
        for t in st["tasks"]:
            if t["state"] != "RUNNING":
                return None
            out[(n, t["id"])] = t["worker_id"]
    return out


def applied(workers, members):
    """Whether every worker has applied the assignment of a group of `members` workers."""
    return all(f"Assignment of {members} worker(s) applied" in w.log.read_text() for w in workers)


def test_a_joining_worker_moves_only_its_share_and_nothing_else_restarts(tmp_path):
    """Incremental, sticky rebalancing: a fourth worker takes its share of 12 tasks; the tasks that stay
    where they were keep running through the rebalance (no new status record, so no restart)."""
    group = uuid.uuid4().hex[:8]
    workers = [Worker(tmp_path, name=group).start() for _ in range(3)]
    try:
        a = workers[0]
        names = [f"gen-{i}" for i in range(3)]
        for n in names:
            r = a.post("/connectors", {"name": n, "config": {
                "connector.class": "DataGen", "kafka.topic": f"gen-{group}", "tasks.max": "4",
                "rate.per.second": "20", "batch.size": "10"}})
            assert r.status_code == 201, r.text
        wait_until(lambda: applied(workers, 3), what="the 3-worker assignment applied everywhere")
        before = wait_until(lambda: task_owners(a, names, 4), what="12 tasks RUNNING")
        assert len(set(before.values())) == 3, before  # balanced per connector: every worker runs some
        records_before = status_records(a)

        d = Worker(tmp_path, name=group).start()
        workers.append(d)
        wait_until(lambda: applied(workers, 4), timeout=60, what="the 4-worker assignment applied everywhere")
        d_id = f"127.0.0.1:{d.port}"
        after = wait_until(lambda: (o := task_owners(a, names, 4)) and d_id in o.values() and o,
                           timeout=60, what="the fourth worker running its share")
        # Moved: the fourth worker's share, and the few that keeping each connector balanced shifts.
        moved = {t for t in before if after[t] != before[t]}
        assert {t for t in moved if after[t] == d_id} and len(moved) <= 8, (before, after)
        records_after = status_records(a)
        for (n, t), owner in before.items():
            key = f"status-task-{n}-{t}"
            if (n, t) in moved:
                assert len(records_after[key]) > len(records_before[key])
            else:
                assert records_after[key] == records_before[key], f"{n}-{t} on {owner} was restarted"
    finally:
        for w in reversed(workers):
            w.stop()
