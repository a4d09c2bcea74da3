"""The container image: dev/image.sh builds it around the binary under test (the debug build here; a
release build would add many minutes to CI, and the image's libraries, entrypoint and user are the same)
and dev/image-smoke.sh runs it in a chroot as the image's user against the local services: every library
the loader needs is there, the entrypoint takes cp-kafka-connect's CONNECT_* variables and a mounted
connectors.json, records flow through Kafka, PostgreSQL and S3, and SIGTERM stops the worker (PID 1)."""
import os
import pathlib
import subprocess

from conftest import BIN

REPO = pathlib.Path(__file__).resolve().parents[2]
TAG = "tributary-e2e:latest"


def test_image_builds_and_runs_in_a_chroot():
    try:
        run = subprocess.run(["bash", "dev/image.sh", "--binary", BIN, "--tag", TAG, "--smoke"], cwd=REPO,
                             capture_output=True, text=True, timeout=600)
    finally:
        tool = next((t for t in ("podman", "buildah") if subprocess.run(["sh", "-c", f"command -v {t}"],
                                                                      capture_output=True).returncode == 0), None)
        if tool:
            subprocess.run([tool, "rmi", TAG], capture_output=True)
    assert run.returncode == 0, f"stdout:\n{run.stdout[-4000:]}\nstderr:\n{run.stderr[-6000:]}"
    assert "image-smoke: ok" in run.stdout


def test_compose_file_runs_the_demo_with_what_the_entrypoint_requires():
    """deploy/docker-compose.yml cannot be started here (no runtime starts containers, no image can be
    pulled): it parses, sets every variable the entrypoint requires, mounts the demo connectors.json and
    gives it every ${env:...} variable it reads, within the env provider's allow-list."""
    import json
    import re

    import yaml

    compose = yaml.safe_load((REPO / "deploy/docker-compose.yml").read_text())
    services = compose["services"]
    assert {"kafka", "postgres", "s3", "tributary"} <= set(services)
    tributary = services["tributary"]
    env = {k: str(v) for k, v in tributary["environment"].items()}
    entrypoint = (REPO / "deploy/image/entrypoint.sh").read_text()
    required = re.findall(r"^require (CONNECT_\w+) ", entrypoint, re.M)
    assert len(required) == 8 and not [v for v in required if v not in env]
    mounts = dict(v.rsplit(":", 2)[:2] for v in tributary["volumes"] if v.startswith(".."))
    assert mounts["../connectors.json"] == "/etc/tributary/connectors.json"
    demo = json.loads((REPO / "connectors.json").read_text())
    wanted = {m for c in demo for v in c["config"].values() for m in re.findall(r"\$\{env:(\w+)\}", v)}
    allowed = re.compile(env["CONNECT_CONFIG_PROVIDERS_ENV_PARAM_ALLOWLIST_PATTERN"])
    assert wanted and all(v in env and allowed.fullmatch(v) for v in wanted), wanted
    # The build context is what dev/image.sh leaves, the Containerfile the repository's.
    build = tributary["build"]
    context = (REPO / "deploy" / build["context"]).resolve()
    assert context == REPO / ".build/image" and (context / build["dockerfile"]).resolve() == REPO / "Containerfile"
