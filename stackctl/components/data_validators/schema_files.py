"""Schema files of a data validator: resolved inside the project, read bounded.

Shared by the validator (at run time), its provisioner (at apply) and ``stackctl
validate`` (statically), so all three agree on what a schema reference means: a name
the validator's ``schemas`` config declares, or a project-relative ``.yaml``/``.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stackctl.errors import StackctlError
from stackctl.files import FileRefused, read_capped

#: A schema file larger than this is refused (it is a hand-written document).
MAX_BYTES = 1 << 20
SUFFIXES = (".yaml", ".yml", ".json")


def declared(config: Mapping[str, Any]) -> dict[str, str]:
    """The ``schemas`` config: name -> project-relative file."""
    return {str(k): str(v) for k, v in (config.get("schemas") or {}).items()}


def resolve(ref: str, config: Mapping[str, Any], root: Path) -> Path:
    """The file ``ref`` names (a declared name or a path), which must be in the project."""
    relative = declared(config).get(ref, ref)
    if not relative.endswith(SUFFIXES):
        known = ", ".join(sorted(declared(config))) or "none declared"
        raise StackctlError(
            f"schema {ref!r} is neither a schema name of the data validator ({known}) "
            f"nor a {'/'.join(SUFFIXES)} file",
            hint="pass a project-relative file such as validation/iris.yaml, or declare "
            "the name under the validator's config.schemas",
        )
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise StackctlError(
            f"schema file {relative!r} is outside the project",
            hint="keep schema files in the project (e.g. validation/), reviewed in git",
        )
    return path


def read(path: Path, root: Path) -> str:
    """The text of a schema file (bounded; a missing file says which one)."""
    display = _display(path, root)
    if not path.is_file():
        raise StackctlError(
            f"schema file {display} does not exist",
            hint=f"create {display} (see docs/data-validation.md) or fix the reference",
        )
    try:
        return read_capped(path, display, MAX_BYTES).decode()
    except FileRefused as exc:
        raise StackctlError(f"schema file {display}: {exc.reason}", hint=exc.hint) from None


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.resolve()))
    except ValueError:
        return str(path)
