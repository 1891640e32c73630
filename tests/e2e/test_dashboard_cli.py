"""`stackctl dashboard` as a user runs it: prints the URL, serves, stops on Ctrl+C."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

from support.cli import STACKCTL


def _project(root: Path) -> None:
    (root / "stackctl.yaml").write_text("project: e2e-dash\n")


def test_serves_read_only_on_loopback_and_stops_on_ctrl_c(tmp_path):
    _project(tmp_path)
    proc = subprocess.Popen(
        [STACKCTL, "dashboard", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        second = proc.stdout.readline()
        assert first.startswith("stackctl dashboard for ")
        assert "http://127.0.0.1:" in second and "read-only" in second
        url = second.split()[0]
        with urllib.request.urlopen(url + "api/stacks", timeout=10) as response:
            stacks = json.load(response)["stacks"]
        assert [s["name"] for s in stacks] == ["default"] and stacks[0]["active"]
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "<h1>Stacks</h1>" in response.read().decode()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert out.strip().endswith("dashboard stopped")
    assert not (tmp_path / ".stackctl" / "state.db").exists()  # read-only: nothing created


def test_busy_port_is_an_error_with_a_hint(tmp_path):
    _project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [STACKCTL, "dashboard", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr


def test_outside_a_project_it_serves_the_default_stack(tmp_path):
    # zero configuration: the folder's own .stackctl/, with the once-only note
    proc = subprocess.Popen(
        [STACKCTL, "dashboard", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
        url = proc.stdout.readline().split()[0]
        with urllib.request.urlopen(url + "api/stacks", timeout=10) as response:
            stacks = json.load(response)["stacks"]
        assert [s["name"] for s in stacks] == ["default"]
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "no stackctl.yaml here or above" in err and "stackctl init" in err
