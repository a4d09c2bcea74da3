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
