"""A third-party flavor: a real package installed with pip, found through its entry point.

The package is built in tmp_path and installed with `pip install --target` into a
throwaway folder that goes on PYTHONPATH for the `stackctl` subprocess, so neither the
project's .venv nor other tests ever see it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import STACKCTL, Result, call, clean_env

PYPROJECT = """\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "stackctl-slack-alerter"
version = "0.1.0"

[project.entry-points."stackctl.flavors"]
slack = "stackctl_slack:FLAVOR"

[tool.setuptools]
py-modules = ["stackctl_slack"]
"""
MODULE = """\
from stackctl.components.registry import Flavor

FLAVOR = Flavor(
    type="alerter",
    name="slack",
    description="posts run results to a Slack channel",
    implementation="stackctl_slack:SlackAlerter",
    inline_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["channel"],
        "properties": {"channel": {"type": "string", "pattern": "^#"}},
    },
)


class SlackAlerter:
    pass
"""


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("plugin-src")
    (source / "pyproject.toml").write_text(PYPROJECT)
    (source / "stackctl_slack.py").write_text(MODULE)
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


def project(root: Path, channel: str) -> Path:
    (root / "stackctl.yaml").write_text("project: demo\n")
    (root / "stacks").mkdir()
    (root / "stacks" / "local.yaml").write_text(
        "components:\n"
        "  alerter:\n"
        f"    team: {{flavor: slack, config: {{channel: '{channel}'}}}}\n"
        "stacks:\n"
        "  dev: {orchestrator: default, artifact_store: default, alerter: team}\n"
    )
    return root


def test_flavor_list_shows_the_plugin(plugin_path: Path, tmp_path: Path) -> None:
    result = stackctl("flavor", "list", "--type", "alerter", cwd=tmp_path, plugin=plugin_path)
    assert result.code == 0, result.err
    rows = [line.split() for line in result.out.splitlines()]
    assert rows[0] == ["TYPE", "FLAVOR", "SOURCE", "DESCRIPTION"]
    assert rows[1][:3] == ["alerter", "slack", "stackctl-slack-alerter"]


def test_validate_accepts_a_component_of_the_plugin_flavor(
    plugin_path: Path, tmp_path: Path
) -> None:
    result = stackctl("validate", cwd=project(tmp_path, "#ml-runs"), plugin=plugin_path)
    assert result.code == 0, result.err
    assert result.out.startswith("valid: ")


def test_validate_checks_the_plugin_schema(plugin_path: Path, tmp_path: Path) -> None:
    result = stackctl("validate", cwd=project(tmp_path, "ml-runs"), plugin=plugin_path)
    assert result.code == 1
    assert result.err.startswith(
        "stacks/local.yaml:3:45: error: components.alerter.team.config.channel: "
        "'ml-runs' does not match ^#\n"
    )


def test_without_the_plugin_the_flavor_is_unknown(tmp_path: Path) -> None:
    result = stackctl("validate", cwd=project(tmp_path, "#ml-runs"), plugin=tmp_path / "none")
    assert result.code == 1
    assert "unknown alerter flavor 'slack'" in result.err
