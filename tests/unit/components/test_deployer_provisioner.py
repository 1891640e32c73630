"""The mlflow deployer's provisioner: a recorded server that is not running is drift;
a damaged handle is ignored; no handles, no drift. (Restarts: the e2e test.)"""

from __future__ import annotations

import json
import subprocess
import sys

from stackctl.components.model_deployers.mlflow import DEPLOYMENTS_DIR, HANDLE
from stackctl.components.model_deployers.mlflow_provision import MlflowDeployerProvisioner


def handle(root, name: str, **record) -> None:
    home = root / DEPLOYMENTS_DIR / "mlflow" / name
    home.mkdir(parents=True)
    (home / HANDLE).write_text(json.dumps(record))


def test_no_servers_no_drift(tmp_path):
    seen = MlflowDeployerProvisioner().observe({}, tmp_path)
    assert seen.exists and seen.outputs == {"deployments_dir": DEPLOYMENTS_DIR}


def test_a_dead_server_is_drift_and_a_damaged_handle_is_ignored(tmp_path):
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()  # a pid that no longer runs
    handle(tmp_path, "iris-v1", model="iris", version=1, url="http://127.0.0.1:1", pid=done.pid)
    (tmp_path / DEPLOYMENTS_DIR / "mlflow" / "broken-v2").mkdir()
    (tmp_path / DEPLOYMENTS_DIR / "mlflow" / "broken-v2" / HANDLE).write_text("{not json")
    seen = MlflowDeployerProvisioner().observe({}, tmp_path)
    assert not seen.exists
    assert seen.detail == (
        "model server iris:1 on http://127.0.0.1:1 is not running "
        "(apply restarts it; `stackctl model undeploy` removes it)"
    )


def test_a_failed_start_names_the_telling_log_line():
    from stackctl.components.model_deployers.mlflow import telling_line

    log = (
        "INFO: Started server process [1]\n"
        "ERROR:    [Errno 98] error while attempting to bind on address: address already in use\n"
        "Exception: Command 'uvicorn' returned non zero return code. Return code = 3\n"
    )
    assert telling_line(log) == (
        "[Errno 98] error while attempting to bind on address: address already in use"
    )
    assert telling_line("Traceback\nValueError: bad model\n") == "ValueError: bad model"
    assert telling_line("") == "its log is empty"
    assert telling_line("ERROR: a\x1b[31m\n") == "a\\x1b[31m"  # one line, escaped


def test_the_error_line_is_found_before_a_long_traceback(tmp_path) -> None:
    """mlflow prints a traceback after uvicorn's ERROR line; from a venv under a long
    folder it passed 2,000 bytes, and the message said only "Return code = 3"."""
    from stackctl.components.model_deployers import process
    from stackctl.components.model_deployers.mlflow import telling_line

    frame = '  File "/work/' + "a-long-folder/" * 8 + '.venv/lib/site-packages/click/core.py"\n'
    log = tmp_path / "server.log"
    log.write_text(
        "INFO:     Started server process [1618]\n"
        "ERROR:    [Errno 98] error while attempting to bind on address "
        "('127.0.0.1', 46851): address already in use\n"
        "Traceback (most recent call last):\n"
        + frame * 40
        + "Exception: Command returned non zero return code. Return code = 3\n"
    )
    assert log.stat().st_size > 4000
    assert "address already in use" in telling_line(process.tail(log))
