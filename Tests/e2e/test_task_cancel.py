"""A task stuck in an external write is cancelled when it does not stop in time, and writes nothing
afterwards: Kafka Connect abandons such a thread (issue 22 measured all 100 rows of a deleted JDBC sink
landing once the lock was released); Tributary cancels the statement and rolls it back."""
import os
import uuid

import psycopg2

from conftest import Worker, wait_until, sql
from test_jdbc_sink import produce, sink_config

PG_URL = os.environ.get("PG_URL")


def waiting_on_lock(table):
    """Sessions of the worker blocked on a lock while writing `table`."""
    return sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tributary' "
               "AND wait_event_type = 'Lock' AND query ILIKE %s", f"%{table}%", fetch=True)[0][0]


def test_a_jdbc_sink_stuck_on_a_lock_is_cancelled_on_delete_and_writes_nothing(tmp_path, schema):
    table = f"stuck_{uuid.uuid4().hex[:6]}"
    sql(f"CREATE TABLE {schema}.{table} (id INT PRIMARY KEY, v TEXT)")
    w = Worker(tmp_path, extra={"task.shutdown.graceful.timeout.ms": "2000"}).start()
    locker = psycopg2.connect(PG_URL)
    try:
        # Another session holds the table: the sink's write waits on it.
        cur = locker.cursor()
        cur.execute(f"LOCK TABLE {schema}.{table} IN ACCESS EXCLUSIVE MODE")
        topic = f"stuck-{w.id}"
        produce(topic, [({"id": i}, {"id": i, "v": f"row-{i}"}) for i in range(100)], partition=0)
        r = w.post("/connectors", {"name": "stuck", "config": sink_config(
            topic, **{"table.name.format": f"{schema}.{table}", "insert.mode": "upsert", "pk.mode": "record_value",
                      "pk.fields": "id", "value.converter.schemas.enable": "false"})})
        assert r.status_code == 201, r.text
        wait_until(lambda: waiting_on_lock(table) > 0, what="the sink's write blocked on the lock")

        assert w.delete("/connectors/stuck").status_code == 204
        # Within the graceful timeout plus the cancel: the statement is cancelled on the server.
        wait_until(lambda: waiting_on_lock(table) == 0, timeout=15, what="the blocked statement cancelled")
        assert "cancelling it" in w.log.read_text()
        locker.rollback()  # the lock is released
        # Taking it again queues behind any write still waiting for it (PostgreSQL grants locks in
        # order), so what we count is after every such write has committed: none may have.
        cur.execute(f"LOCK TABLE {schema}.{table} IN ACCESS EXCLUSIVE MODE")
        cur.execute(f"SELECT count(*) FROM {schema}.{table}")
        assert cur.fetchone()[0] == 0
        locker.rollback()
        assert w.get("/connectors").json() == []
    finally:
        locker.close()
        w.stop()
