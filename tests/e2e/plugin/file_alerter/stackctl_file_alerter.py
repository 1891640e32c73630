"""An `alerter` flavor `file`: every alert is one line appended to a log file."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stackctl.components.provisioner import Observation
from stackctl.components.registry import Flavor

# The component's `config:` in stacks/*.yaml, checked by `stackctl validate`.
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["path"],
    "properties": {
        "path": {
            "type": "string",
            "pattern": "\\.log$",
            "description": "log file, relative to the project root",
        },
        "prefix": {"type": "string", "description": "put before every line"},
    },
}


def _file(config: Mapping[str, Any], root: Path) -> Path:
    return root / config["path"]


class FileAlerter:
    """The implementation: built with (name, config, project root) for a run's stack."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.path = _file(config, root)
        self.prefix = config.get("prefix", "")

    def post(self, message: str) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        with self.path.open("a", encoding="utf-8") as log:
            log.write(f"{stamp} {self.prefix}{message}\n")


class FileAlerterProvisioner:
    """What `stackctl apply` creates and `plan` (refresh) checks for a component."""

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        path = _file(config, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        return {"path": str(path)}  # recorded in state: never put a secret here

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        path = _file(config, root)
        return Observation(path.is_file(), detail=f"log file {config['path']} is missing")

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        path = _file(config, root)
        if path.is_file() and path.stat().st_size == 0:  # never delete alerts already written
            path.unlink()


FLAVOR = Flavor(
    type="alerter",
    name="file",
    description="appends every alert to a log file",
    implementation="stackctl_file_alerter:FileAlerter",
    provisioner="stackctl_file_alerter:FileAlerterProvisioner",
    inline_schema=SCHEMA,
)
