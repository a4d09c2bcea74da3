"""An in-process fake of the USGS event service parts the source uses, serving the real summary feeds in
shared/fixtures/usgs (unchanged; `update()` changes an event's properties and moves its `updated` on).

FDSN `query`: `format=geojson`, `starttime`/`endtime`/`updatedafter` (ISO-8601 UTC, read to the second
as the service does: time >= start, time <= end, updated >= updatedafter), `minmagnitude`,
`maxmagnitude`, `orderby=time-asc`, `limit` (400 above 20000, and 400 without a limit when more than
20000 match), 1-based `offset`. Summary feeds: `/earthquakes/feed/v1.0/summary/<name>.geojson`.
"""
import calendar
import copy
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def fixture(name):
    for base in (os.environ.get("FIXTURES_DIR", ""), os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "fixtures"),
                 "/work/shared/fixtures"):
        path = os.path.join(base, "usgs", name) if base else ""
        if path and os.path.exists(path):
            with open(path) as f:
                return json.load(f)
    raise FileNotFoundError(name)


def seconds(iso):
    return calendar.timegm(time.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S"))


class FakeUSGS:
    def __init__(self, feed="all_day.geojson"):
        self.lock = threading.Lock()
        self.features = copy.deepcopy(fixture(feed)["features"])
        self.feeds = {"all_hour": fixture("all_hour.geojson"), "all_day": {"features": self.features}}
        self.requests = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def update(self, event_id, **props):
        with self.lock:
            latest = max(f["properties"]["updated"] for f in self.features)
            for f in self.features + self.feeds["all_hour"]["features"]:
                if f["id"] == event_id:
                    f["properties"].update(props)
                    f["properties"]["updated"] = latest + 1000

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def query(self, q):
        if q.get("format") != "geojson":
            return 400, "Error 400: Bad Request\n\nthis fake only speaks format=geojson\n"
        limit = int(q["limit"]) if "limit" in q else None
        if limit is not None and not 0 <= limit <= 20000:
            return 400, "Error 400: Bad Request\n\nBad limit value \"%d\". Valid values are 0-20000\n" % limit
        with self.lock:
            fs = list(self.features)
        if "starttime" in q:
            fs = [f for f in fs if f["properties"]["time"] >= seconds(q["starttime"]) * 1000]
        if "endtime" in q:
            fs = [f for f in fs if f["properties"]["time"] <= seconds(q["endtime"]) * 1000]
        if "updatedafter" in q:
            fs = [f for f in fs if f["properties"]["updated"] >= seconds(q["updatedafter"]) * 1000]
        if "minmagnitude" in q:
            fs = [f for f in fs if (f["properties"]["mag"] or -9) >= float(q["minmagnitude"])]
        if "maxmagnitude" in q:
            fs = [f for f in fs if (f["properties"]["mag"] or -9) <= float(q["maxmagnitude"])]
        if limit is None and len(fs) > 20000:
            return 400, "Error 400: Bad Request\n\n%d matching events exceeds search limit of 20000.\n" % len(fs)
        order = q.get("orderby", "time")
        fs.sort(key=lambda f: f["properties"]["time"], reverse=(order == "time"))
        start = int(q.get("offset", "1")) - 1
        fs = fs[start:start + limit] if limit is not None else fs[start:]
        return 200, {"type": "FeatureCollection", "metadata": {"generated": int(time.time() * 1000), "status": 200,
                     "api": "1.7.0", "count": len(fs)}, "features": fs}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                u = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(u.query).items()}
                fake.requests.append({"path": u.path, "params": q})
                if u.path == "/fdsnws/event/1/query":
                    status, body = fake.query(q)
                elif u.path.startswith("/earthquakes/feed/v1.0/summary/") and u.path.endswith(".geojson"):
                    name = u.path.rsplit("/", 1)[1][:-len(".geojson")]
                    if name not in fake.feeds:
                        status, body = 404, "Not Found"
                    else:
                        with fake.lock:
                            status, body = 200, {"type": "FeatureCollection", "metadata": {"status": 200},
                                                 "features": fake.feeds[name]["features"]}
                else:
                    status, body = 404, "Not Found"
                data = (json.dumps(body) if not isinstance(body, str) else body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
