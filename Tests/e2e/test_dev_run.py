"""dev/run.sh's cleanup (dev/supervise.sh): the services stop however the worker ends, and the script
exits with the worker's status. A fake worker (a Python process that exits 0 on SIGTERM, as the real
one does) stands in for the release build, and the cleanup command writes a file instead of stopping
the shared services."""
import os
import pathlib
import signal
import subprocess
import sys

import pytest

from conftest import wait_until

REPO = pathlib.Path(__file__).resolve().parents[2]
FAKE_WORKER = """
import os, signal, sys
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
code = int(sys.argv[2])
open(sys.argv[1] + ".tmp", "w").write(str(os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
if code >= 0:
    sys.exit(code)
signal.pause()
"""


def run_script(tmp_path, exit_code=-1):
    """dev/run.sh's tail: set -euo pipefail, then supervise with a cleanup that fails first (a failing
    step must not skip the rest) and then records that it ran."""
    pid_file, done = tmp_path / "worker.pid", tmp_path / "cleaned-up"
    script = f"""set -euo pipefail
source dev/supervise.sh
supervise "false; echo ran >>'{done}'" {sys.executable} -c '{FAKE_WORKER}' '{pid_file}' {exit_code}
"""
    proc = subprocess.Popen(["bash", "-c", script], cwd=REPO, start_new_session=True)
    worker = int(wait_until(lambda: pid_file.exists() and pid_file.read_text(), what="the fake worker"))
    return proc, worker, done


def ended(proc, done):
    status = proc.wait(timeout=30)
    assert done.read_text() == "ran\n", "the cleanup did not run exactly once"
    return status


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("code", [0, 3])
def test_worker_exiting_by_itself(tmp_path, code):
    proc, _, done = run_script(tmp_path, exit_code=code)
    assert ended(proc, done) == code


def test_worker_stopped_by_an_external_sigterm(tmp_path):
    proc, worker, done = run_script(tmp_path)
    os.kill(worker, signal.SIGTERM)
    assert ended(proc, done) == 0


def test_worker_killed(tmp_path):
    proc, worker, done = run_script(tmp_path)
    os.kill(worker, signal.SIGKILL)
    assert ended(proc, done) == 128 + signal.SIGKILL


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_to_the_script_stops_the_worker_gracefully(tmp_path, sig):
    proc, worker, done = run_script(tmp_path)
    os.kill(proc.pid, sig)
    assert ended(proc, done) == 0
    assert gone(worker)
