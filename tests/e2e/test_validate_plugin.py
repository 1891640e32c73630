"""A third-party flavor: a real package installed with pip, found through its entry point.

The package is docs/plugins.md's example, tests/e2e/plugin/file_alerter/.

The package is built in tmp_path and installed with `pip install --target` into a
throwaway folder that goes on PYTHONPATH for the `stackctl` subprocess, so neither the
project's .venv nor other tests ever see it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import STACKCTL, Result, call, clean_env

PLUGIN = Path(__file__).resolve().parent / "plugin" / "file_alerter"  # docs/plugins.md's code


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("plugin-src")  # a build writes next to its sources
    shutil.copytree(PLUGIN, source, dirs_exist_ok=True)
    target = tmp_path_factory.mktemp("plugin-site")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"pip could not install the test plugin:\n{result.stderr}")
    return target


def stackctl(*args: str, cwd: Path, plugin: Path) -> Result:
    env = {**clean_env(), "PYTHONPATH": str(plugin)}
    return call([STACKCTL, *args], cwd=cwd, env=env, code=None)


def project(root: Path, path: str) -> Path:
    (root / "stackctl.yaml").write_text("project: demo\n")
    (root / "stacks").mkdir()
    (root / "stacks" / "local.yaml").write_text(
        "components:\n"
        "  alerter:\n"
        f"    ops: {{flavor: file, config: {{path: '{path}'}}}}\n"
        "stacks:\n"
        "  dev: {orchestrator: default, artifact_store: default, alerter: ops}\n"
    )
    return root


def test_flavor_list_shows_the_plugin(plugin_path: Path, tmp_path: Path) -> None:
    result = stackctl("flavor", "list", "--type", "alerter", cwd=tmp_path, plugin=plugin_path)
    assert result.code == 0, result.err
    rows = [line.split() for line in result.out.splitlines()]
    assert rows[0] == ["TYPE", "FLAVOR", "SOURCE", "DESCRIPTION"]
    # beside the built-in alerters (discord, slack, smtp)
    assert ["alerter", "file", "stackctl-file-alerter"] in [row[:3] for row in rows[1:]]


def test_validate_accepts_a_component_of_the_plugin_flavor(
    plugin_path: Path, tmp_path: Path
) -> None:
    result = stackctl("validate", cwd=project(tmp_path, "logs/alerts.log"), plugin=plugin_path)
    assert result.code == 0, result.err
    assert result.out.startswith("valid: ")


def test_validate_checks_the_plugin_schema(plugin_path: Path, tmp_path: Path) -> None:
    result = stackctl("validate", cwd=project(tmp_path, "alerts.txt"), plugin=plugin_path)
    assert result.code == 1
    assert result.err.startswith(
        "stacks/local.yaml:3:40: error: components.alerter.ops.config.path: "
        "'alerts.txt' does not match \\.log$\n"
    )


def test_register_has_the_schema_options(plugin_path: Path, tmp_path: Path) -> None:
    root = project(tmp_path, "logs/alerts.log")
    result = stackctl(
        "alerter", "register", "more", "--flavor", "file", "--path", "logs/more.log",
        "--prefix", "[ml] ", cwd=root, plugin=plugin_path,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert (
        "more: {flavor: file, config: {path: logs/more.log, prefix: '[ml] '}}"
        in (root / "stacks" / "local.yaml").read_text()
    )


def test_apply_provisions_and_plan_sees_drift(plugin_path: Path, tmp_path: Path) -> None:
    root = project(tmp_path, "logs/alerts.log")
    applied = stackctl("apply", "--auto-approve", cwd=root, plugin=plugin_path)
    assert applied.code == 0, applied.err
    assert (root / "logs" / "alerts.log").is_file()
    clean = stackctl("plan", "--detailed-exitcode", cwd=root, plugin=plugin_path)
    assert clean.code == 0, clean.out + clean.err
    (root / "logs" / "alerts.log").unlink()
    drift = stackctl("plan", "--detailed-exitcode", cwd=root, plugin=plugin_path)
    assert drift.code == 2, drift.err
    assert "alerter.ops: log file logs/alerts.log is missing" in drift.out


def test_without_the_plugin_the_flavor_is_unknown(tmp_path: Path) -> None:
    root = project(tmp_path, "logs/alerts.log")
    result = stackctl("validate", cwd=root, plugin=tmp_path / "none")
    assert result.code == 1
    assert "unknown alerter flavor 'file'" in result.err
    # alerter has built-in flavors, so the hint lists them (types without any point to
    # docs/plugins.md: tests/e2e/test_flavorless_types.py)
    assert "known alerter flavors: discord, slack, smtp" in result.err
