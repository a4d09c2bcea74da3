"""An in-process fake of the parts of Socrata's SODA 2.1 API the source uses, serving the real responses
in shared/fixtures/socrata.

The fixture rows come from public DataSF responses; the system fields `:id`, `:created_at` and
`:updated_at`, which those saved responses do not carry, are added here (ids `row-<n>`, timestamps one
second apart), as a live 2.1 endpoint adds them with `$select=:*,*`.

Implemented: `$select` (`:*,*` or `:id,:updated_at,<columns>`), `$where` as the source writes it (an
optional `(<col> = '<value>')` and the keyset condition on `:updated_at`/`:id`), `$order=:updated_at ASC,
:id ASC`, `$limit` (400 above 50000, as 2.0 endpoints), `X-App-Token` recorded. Control from the test:
`throttle(n)` answers the next n requests 429 with `Retry-After: 1`, `fail(n)` 500, `garble(n)` malformed
JSON, `update(id, **fields)` changes a row and moves its `:updated_at` past every other.

Every answer carries `X-SODA2-Fields` and `X-SODA2-Types`, as Socrata's do. The saved responses do not
include them, so the types are derived here: `checkbox` for booleans, `point` for GeoJSON points,
`number` for columns whose every value reads as a number, `floating_timestamp` for ISO date-times, else
`text`; system fields are `row_identifier` and `fixed_timestamp`.
"""
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "fixtures", "socrata")


def fixture_rows(name):
    for base in (os.environ.get("FIXTURES_DIR", ""), FIXTURES, "/work/shared/fixtures/socrata"):
        path = os.path.join(base, name) if base else ""
        if path and os.path.exists(path):
            with open(path) as f:
                return json.load(f)
    raise FileNotFoundError(name)


def _is_number(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def ts(n):
    """The n-th second after 2024-01-01T00:00:00Z, as Socrata writes fixed timestamps."""
    d, s = divmod(n, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return f"2024-01-{1 + d:02d}T{h:02d}:{m:02d}:{s:02d}.000Z" if d < 28 else f"2024-02-{d - 27:02d}T{h:02d}:{m:02d}:{s:02d}.000Z"


class FakeSocrata:
    def __init__(self, dataset, rows, cache=False):
        self.dataset = dataset
        # Benchmarks: answers kept per query string, so serving costs the same for every client.
        self.cache = {} if cache else None
        self.lock = threading.Lock()
        self.clock = 0
        self.rows = []
        for r in rows:
            self.add(r)
        self.requests = []
        self.throttles = self.failures = self.garbles = 0
        # When set, only the first `visible` rows in (:updated_at, :id) order exist (the rest come later).
        self.visible = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, fields):
        with self.lock:
            self.clock += 1
            n = len(self.rows)
            self.rows.append(dict({":id": f"row-{n:07d}", ":created_at": ts(self.clock), ":updated_at": ts(self.clock)}, **fields))

    def soda2_headers(self, rows):
        fields, types = [], []
        for r in rows:
            for k in r:
                if k not in fields:
                    fields.append(k)
        for k in fields:
            values = [r[k] for r in rows if k in r]
            if k == ":id":
                t = "row_identifier"
            elif k in (":created_at", ":updated_at"):
                t = "fixed_timestamp"
            elif all(isinstance(v, bool) for v in values):
                t = "checkbox"
            elif all(isinstance(v, dict) and v.get("type") == "Point" for v in values):
                t = "point"
            elif all(isinstance(v, str) and _is_number(v) for v in values):
                t = "number"
            elif all(isinstance(v, str) and len(v) >= 19 and v[4] == "-" and v[10] == "T" for v in values):
                t = "floating_timestamp"
            else:
                t = "text"
            types.append(t)
        return {"X-SODA2-Fields": json.dumps(fields), "X-SODA2-Types": json.dumps(types)}

    def update(self, row_id, **fields):
        with self.lock:
            self.clock += 1
            for r in self.rows:
                if r[":id"] == row_id:
                    r.update(fields)
                    r[":updated_at"] = ts(self.clock)

    def throttle(self, n):
        self.throttles = n

    def fail(self, n):
        self.failures = n

    def garble(self, n):
        self.garbles = n

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def query(self, params):
        limit = int(params.get("$limit", "1000"))
        if limit > 50000:
            return 400, {"code": "query.execution.limitTooHigh", "error": True,
                         "message": f"Query coordinator error: query.execution.limitTooHigh; Limit of {limit} exceeds the maximum of 50000"}
        if params.get("$order", ":updated_at ASC, :id ASC") != ":updated_at ASC, :id ASC":
            return 400, {"code": "query.compiler.malformed", "error": True, "message": "unsupported $order in the fake"}
        where = params.get("$where", "")
        user = re.match(r"^\((\w+) = '([^']*)'\)(?: AND )?", where)
        if user:
            where = where[user.end():]
        keyset = re.fullmatch(r"\(:updated_at > '([^']*)' OR \(:updated_at = '([^']*)' AND :id > '([^']*)'\)\)", where)
        start = re.fullmatch(r":updated_at > '([^']*)'", where)
        if where and not keyset and not start:
            return 400, {"code": "query.compiler.malformed", "error": True, "message": f"Could not parse SoQL: {where}"}
        with self.lock:
            rows = sorted(self.rows, key=lambda r: (r[":updated_at"], r[":id"]))[:self.visible]
            if user:
                rows = [r for r in rows if r.get(user.group(1)) == user.group(2)]
            if keyset:
                t, _, i = keyset.groups()
                rows = [r for r in rows if r[":updated_at"] > t or (r[":updated_at"] == t and r[":id"] > i)]
            elif start:
                rows = [r for r in rows if r[":updated_at"] > start.group(1)]
            rows = [dict(r) for r in rows[:limit]]
        select = params.get("$select", "*")
        if select != ":*,*":
            cols = select.split(",")
            rows = [{k: v for k, v in r.items() if k in cols} for r in rows]
        return 200, rows

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                u = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(u.query, keep_blank_values=True).items()}
                fake.requests.append({"path": u.path, "params": params, "token": self.headers.get("X-App-Token")})
                if u.path != f"/resource/{fake.dataset}.json":
                    return self.reply(404, {"code": "not_found", "error": True, "message": "Not found"})
                if fake.throttles > 0:
                    fake.throttles -= 1
                    return self.reply(429, {"message": "Too many requests"}, {"Retry-After": "1"})
                if fake.failures > 0:
                    fake.failures -= 1
                    return self.reply(500, {"message": "Internal error"})
                if fake.garbles > 0:
                    fake.garbles -= 1
                    return self.reply(200, None, raw=b'[{":id":"row-0000000","name":')
                key = tuple(sorted(params.items()))  # however the client encoded them
                if fake.cache is not None and key in fake.cache:
                    status, data, headers = fake.cache[key]
                    return self.reply(status, None, headers, raw=data)
                status, body = fake.query(params)
                data = json.dumps(body).encode()
                headers = fake.soda2_headers(body) if status == 200 else {}
                if fake.cache is not None:
                    fake.cache[key] = (status, data, headers)
                self.reply(status, None, headers, raw=data)

            def reply(self, status, body, headers=None, raw=None):
                data = raw if raw is not None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        return Handler
