"""PostgreSQL over TLS from the JDBC URL's keys (pgjdbc's ssl, sslmode, sslrootcert), with a server
certificate made at test time for the name `localhost` only: verify-full by that name works, by
127.0.0.1 it fails with a message that says what to change."""
import os
import shutil
import subprocess
import uuid

import pytest

from conftest import read_topic, sql, wait_until

PORT = os.environ.get("PG_PORT")


def system(statement):
    """ALTER SYSTEM runs outside a transaction."""
    import psycopg2
    conn = psycopg2.connect(os.environ["PG_URL"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(statement)
    conn.close()


@pytest.fixture(scope="module")
def pg_tls(tmp_path_factory):
    d = tmp_path_factory.mktemp("pg-tls")
    for cmd in [
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=PG-Test-CA",
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost",
        "printf 'subjectAltName=DNS:localhost\\n' > san.ext && openssl x509 -req -in server.csr -CA ca.pem "
        "-CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext",
    ]:
        subprocess.run(cmd, shell=True, cwd=d, check=True, capture_output=True)
    pg_dir = os.environ["PG_DIR"]
    for name in ("server.pem", "server.key"):
        shutil.copy(d / name, f"{pg_dir}/{name}")
        shutil.chown(f"{pg_dir}/{name}", "postgres", "postgres")
        os.chmod(f"{pg_dir}/{name}", 0o600)
    system(f"ALTER SYSTEM SET ssl_cert_file = '{pg_dir}/server.pem'")
    system(f"ALTER SYSTEM SET ssl_key_file = '{pg_dir}/server.key'")
    system("ALTER SYSTEM SET ssl = on")
    system("SELECT pg_reload_conf()")
    wait_until(lambda: sql("SHOW ssl", fetch=True)[0][0] == "on", what="PostgreSQL serving TLS")
    yield d
    system("ALTER SYSTEM RESET ssl")
    system("SELECT pg_reload_conf()")


def source(schema, url, name):
    return {"connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector", "connection.url": url,
            "connection.user": os.environ["PG_USER"], "connection.password": os.environ["PG_PASSWORD"],
            "table.whitelist": f"{schema}.t", "mode": "incrementing", "incrementing.column.name": "id",
            "topic.prefix": name + ".", "poll.interval.ms": "500"}


def test_verify_full_by_the_certificates_name(worker, schema, pg_tls):
    sql(f"CREATE TABLE {schema}.t (id int PRIMARY KEY)")
    sql(f"INSERT INTO {schema}.t VALUES (1), (2)")
    name = "pgtls" + uuid.uuid4().hex[:6]
    url = f"jdbc:postgresql://localhost:{PORT}/connect_test?sslmode=verify-full&sslrootcert={pg_tls / 'ca.pem'}&ApplicationName={name}"
    assert worker.post("/connectors", {"name": name, "config": source(schema, url, name)}).status_code == 201
    assert len(read_topic(f"{name}.t", expect_min=2)) == 2
    # The connector's sessions are encrypted (pg_stat_ssl), under the application name from the URL.
    rows = sql(f"SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = '{name}'",
               fetch=True)
    assert rows and all(r[0] for r in rows)


def test_verify_full_against_another_host_name_says_why(worker, schema, pg_tls):
    sql(f"CREATE TABLE {schema}.t (id int PRIMARY KEY)")
    name = "pgwrong" + uuid.uuid4().hex[:6]
    # pgjdbc's ssl=true means verify-full.
    url = f"jdbc:postgresql://127.0.0.1:{PORT}/connect_test?ssl=true&sslrootcert={pg_tls / 'ca.pem'}"
    r = worker.post("/connectors", {"name": name, "config": source(schema, url, name)})
    assert r.status_code == 201, r.text

    def failure():
        s = worker.get(f"/connectors/{name}/status").json()
        traces = [s.get("connector", {}).get("trace")] + [t.get("trace") for t in s.get("tasks", [])]
        return next((t for t in traces if t), None)
    trace = wait_until(failure, what="the connector failing on the host name")
    assert 'does not match host name "127.0.0.1"' in trace, trace
    assert "sslmode=verify-full checks that the server's certificate names the host of connection.url" in trace
    assert os.environ["PG_PASSWORD"] not in trace
