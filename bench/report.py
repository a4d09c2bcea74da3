"""bench/run-all.sh's report: reads each run's result (bench/<script> writes it to $BENCH_RESULT), writes
bench/results/<date>-<commit>.json (every run, the medians, the targets of issue 23 and whether they are
met) and prints one Markdown table of the medians.

Usage: report.py --runs-dir DIR --out FILE --n N --runs R --benches "a b" --commit C --started T
                 --load-before L --restarted 1|0 --rest-seconds S
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
from datetime import datetime, timezone

# Issue 23's targets: worker CPU µs per record (≤), wall ratios (≥) against the ceiling or the peer,
# the peer's CPU per record over ours (≥), peak RSS (≤, MB).
ROWS = {
    "datagen": {"path": "DataGen → Kafka", "cpu_us": 1.0, "ratio_ceiling": 0.9},
    "jdbc_source": {"path": "JDBC source → Kafka (JSON, no schemas)", "cpu_us": 1.0, "ratio_ceiling": 0.8,
                    "peak_mb": 100},
    "jdbc_sink": {"path": "JDBC sink upsert (half new keys, half updates)", "cpu_us": 1.2, "ratio_ceiling": 0.8,
                  "peak_mb": 150},
    "s3_json": {"path": "S3 sink JSON + gzip", "cpu_us": 2.0, "ratio_peer": 3.0, "ratio_peer_cpu": 2.5,
                "peak_mb": 150},
    "s3_avro": {"path": "S3 sink Avro (deflate)", "cpu_us": 2.5, "ratio_peer": 3.0, "peak_mb": 150},
    "s3_parquet": {"path": "S3 sink Parquet (snappy)", "cpu_us": 2.5, "ratio_peer": 3.0, "peak_mb": 150},
}
REST = {"ratio_single_noop": 0.5, "single_half_p99_ms": 5.0, "ratio_batched_ceiling": 0.9}
IDLE = {"idle_rss_mb_off": 25, "idle_rss_mb_all_on": 30}


def flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def nest(flat):
    out = {}
    for k, v in flat.items():
        d = out
        *path, last = k.split(".")
        for p in path:
            d = d.setdefault(p, {})
        d[last] = v
    return out


def medians(runs):
    """The median of every numeric field over the runs that have it (ratios were taken within each run)."""
    flat = [flatten(r) for r in runs]
    keys = {k for f in flat for k in f}
    out = {}
    for k in sorted(keys):
        values = [f[k] for f in flat if isinstance(f.get(k), (int, float)) and not isinstance(f.get(k), bool)]
        if values:
            m = statistics.median(values)
            if all(isinstance(v, int) for v in values):
                m = int(round(m))
            out[k] = round(m, 3) if isinstance(m, float) else m
        else:
            texts = [f[k] for f in flat if f.get(k) is not None]
            if texts:
                out[k] = texts[0]
    return nest(out)


def check(value, bound, at_most):
    if value is None:
        return {"target": ("<= " if at_most else ">= ") + str(bound), "value": None, "met": False}
    return {"target": ("<= " if at_most else ">= ") + str(bound), "value": value,
            "met": value <= bound if at_most else value >= bound}


def mark(c):
    return "✓" if c["met"] else "✗"


def fmt_int(v):
    return "—" if v is None else f"{int(v):,}".replace(",", " ")


def main():
    a = argparse.ArgumentParser()
    for opt in ("runs-dir", "out", "n", "runs", "benches", "commit", "started", "load-before", "restarted",
                "rest-seconds"):
        a.add_argument("--" + opt, required=True)
    args = a.parse_args()
    runs_n = int(args.runs)
    benches = args.benches.split()

    doc = {
        "issue": 23,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "started": args.started,
        "finished": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": args.commit,
        "n": int(args.n),
        "runs": runs_n,
        "rest_seconds": int(args.rest_seconds),
        "services_restarted_before_each_run": args.restarted != "0",
        "machine": machine(args.load_before),
        "benches": {},
    }
    for b in benches:
        runs = []
        for r in range(1, runs_n + 1):
            path = os.path.join(args.runs_dir, f"{b}-{r}.json")
            if os.path.exists(path):
                with open(path) as f:
                    runs.append(json.load(f))
            else:
                log = os.path.join(args.runs_dir, f"{b}-{r}.log")
                tail = open(log).read().splitlines()[-15:] if os.path.exists(log) else []
                runs.append({"failed": True, "log_tail": tail})
        ok = [r for r in runs if not r.get("failed")]
        entry = {"runs": runs, "runs_ok": len(ok), "median": medians(ok) if ok else None}
        entry["targets"] = targets(b, entry["median"])
        entry["met"] = bool(ok) and all(t["met"] for t in entry["targets"].values())
        if b in ROWS:
            entry["path"] = ROWS[b]["path"]
        doc["benches"][b] = entry

    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(table(doc))


def targets(b, m):
    if m is None:
        return {}
    t = {}
    if b in ROWS:
        row = ROWS[b]
        t["cpu_us_per_record"] = check(m["ours"].get("cpu_us_per_record"), row["cpu_us"], True)
        for k in ("ratio_ceiling", "ratio_peer", "ratio_peer_cpu"):
            if k in row:
                t[k] = check(m.get(k), row[k], False)
        if "peak_mb" in row:
            t["peak_rss_mb"] = check(m["ours"].get("peak_rss_mb"), row["peak_mb"], True)
        if b == "datagen":
            for k, bound in IDLE.items():
                t[k] = check(m.get("worker", {}).get(k), bound, True)
    elif b == "rest_proxy":
        t["ratio_single_noop"] = check(m.get("ratio_single_noop"), REST["ratio_single_noop"], False)
        t["single_half_p99_ms"] = check(m.get("single_half", {}).get("p99_ms"), REST["single_half_p99_ms"], True)
        t["ratio_batched_ceiling"] = check(m.get("ratio_batched_ceiling"), REST["ratio_batched_ceiling"], False)
    return t


def machine(load_before):
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return {"cpus": os.cpu_count(), "cpu_model": model, "mem_gb": round(mem_kb / 1048576, 1),
            "kernel": platform.release(), "swift": swift[0] if swift else "",
            "load_before": load_before, "load_after": open("/proc/loadavg").read().split()[:3]}


def table(doc):
    lines = [
        f"Median of {doc['runs']} run(s), N = {fmt_int(doc['n'])} records, commit {doc['commit']}, {doc['date']}"
        + (", services restarted before each run" if doc["services_restarted_before_each_run"] else ""),
        "",
        "| path | records/s | worker CPU µs/record (target) | vs peer | vs ceiling (target) | peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    notes = []
    for b, e in doc["benches"].items():
        m, t = e["median"], e["targets"]
        some = "" if e["runs_ok"] == doc["runs"] else f" ({e['runs_ok']} of {doc['runs']} runs)"
        if m is None:
            name = ROWS[b]["path"] if b in ROWS else "REST Proxy"
            lines.append(f"| {name} | failed{some} | | | | |")
            continue
        if b in ROWS:
            row = ROWS[b]
            ours = m["ours"]
            cpu = f"{ours['cpu_us_per_record']:.2f} (≤ {row['cpu_us']}) {mark(t['cpu_us_per_record'])}"
            peer = "—"
            if "ratio_peer" in m:
                peer = f"{m['ratio_peer']:.2f}×"
                if "ratio_peer" in t:
                    peer += f" (≥ {row['ratio_peer']}×) {mark(t['ratio_peer'])}"
            ceil = "—"
            if "ratio_ceiling" in m:
                ceil = f"{m['ratio_ceiling']:.2f}×"
                if "ratio_ceiling" in t:
                    ceil += f" (≥ {row['ratio_ceiling']}×) {mark(t['ratio_ceiling'])}"
            peak = f"{ours['peak_rss_mb']} MB"
            if "peak_rss_mb" in t:
                peak += f" (≤ {row['peak_mb']}) {mark(t['peak_rss_mb'])}"
            lines.append(f"| {row['path']}{some} | {fmt_int(ours['records_per_s'])} | {cpu} | {peer} | {ceil} | {peak} |")
            if "ratio_peer_cpu" in t:
                notes.append(
                    f"{row['path']}: the peer's CPU per record is {m['ratio_peer_cpu']:.2f}× ours "
                    f"({m['peer']['cpu_us_per_record']:.2f} µs against {ours['cpu_us_per_record']:.2f} µs; "
                    f"target ≥ {row['ratio_peer_cpu']}×) {mark(t['ratio_peer_cpu'])}")
            if b == "datagen":
                w = m["worker"]
                notes.append(f"Idle RSS, Schema Registry and REST Proxy off: {w['idle_rss_mb_off']} MB (≤ 25) "
                             f"{mark(t['idle_rss_mb_off'])}; all three on: {w['idle_rss_mb_all_on']} MB (≤ 30) "
                             f"{mark(t['idle_rss_mb_all_on'])}; 10 idle connectors: {w['idle_rss_mb_10_connectors']} MB.")
                notes.append(f"Start → GET / 200: {w['get_root_ms']} ms; → state read: {w.get('ready_ms')} ms; "
                             f"→ /health healthy: {w['health_ms']} ms.")
        else:
            s, bt, h = m["single"], m["batched"], m["single_half"]
            lines.append(
                f"| REST Proxy, single record{some} | {fmt_int(s['requests_per_s'])} | {s['cpu_us_per_request']:.1f} | — | "
                f"{m['ratio_single_noop']:.2f}× GET / (≥ 0.5×) {mark(t['ratio_single_noop'])} | {m['peak_rss_mb']} MB |")
            lines.append(
                f"| REST Proxy, batched (100 records/request){some} | {fmt_int(bt['records_per_s'])} | "
                f"{bt['cpu_us_per_record']:.1f} | — | {m['ratio_batched_ceiling']:.2f}× kcat (≥ 0.9×) "
                f"{mark(t['ratio_batched_ceiling'])} | {m['peak_rss_mb']} MB |")
            notes.append(
                f"REST Proxy: no-op route GET / {fmt_int(m['noop']['requests_per_s'])} req/s, single record "
                f"{fmt_int(s['requests_per_s'])} req/s; paced at half that ({fmt_int(h['requests_per_s'])} req/s): "
                f"p50 {h['p50_ms']} ms, p99 {h['p99_ms']} ms (≤ 5) {mark(t['single_half_p99_ms'])}.")
    return "\n".join(lines + [""] + ["- " + n for n in notes])


if __name__ == "__main__":
    main()
