"""`stackctl init`: write a new project from the templates shipped in stackctl/templates/.

Template file names map to project files: a `.tmpl` suffix is dropped (it keeps the
template's Python out of stackctl's own lint and type checks) and `dot-x` becomes `.x`.
`__NAME__` in a template is replaced by the project name. The project's three file
schemas are copied to `schemas/` so editors complete and check the YAML offline.
"""

from __future__ import annotations

import re
from pathlib import Path

from stackctl.errors import StackctlError
from stackctl.frozen import frozen

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "project"
PROJECT_FILE = "stackctl.yaml"
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,62}\Z")
EDITOR_SCHEMAS = ("project.schema.json", "stack-file.schema.json", "pipeline-file.schema.json")
IGNORED = ".stackctl/"


@frozen
class Scaffold:
    """What `init` did: files written and files left alone because they existed."""

    root: Path
    name: str
    written: tuple[str, ...]
    kept: tuple[str, ...]


def project_name(folder: Path, name: str | None) -> str:
    """``name``, or one derived from the folder name; StackctlError when invalid."""
    if name is not None:
        if not NAME.match(name):
            raise StackctlError(
                f"{name!r} is not a valid project name",
                hint="use letters, digits, _ and -, starting with a letter or _ (at most 63)",
            )
        return name
    derived = re.sub(r"[^A-Za-z0-9_-]+", "-", folder.resolve().name).strip("-")[:63]
    if not derived or not NAME.match(derived):
        derived = f"project-{derived}".strip("-")[:63] if derived else "project"
    return derived


def scaffold(root: Path, name: str | None, schemas_dir: Path) -> Scaffold:
    """Write a working project into ``root`` (created if missing); never overwrite."""
    try:
        return _scaffold(root, name, schemas_dir)
    except OSError as exc:  # a read-only place, a name too long for the file system ...
        raise StackctlError(
            f"cannot create the project in {_short(root)}: {exc.strerror}",
            hint="pick a folder you can write: `stackctl init DIR`",
        ) from None


def _scaffold(root: Path, name: str | None, schemas_dir: Path) -> Scaffold:
    if (root / PROJECT_FILE).exists():
        raise StackctlError(
            f"{root / PROJECT_FILE} already exists",
            hint="this folder is already a stackctl project; run `stackctl validate` "
            "or pick another folder: `stackctl init DIR`",
        )
    name = project_name(root, name)
    files: dict[str, str] = {}
    for template in sorted(TEMPLATES.rglob("*")):
        if template.is_file() and "__pycache__" not in template.parts:
            target = _target(template.relative_to(TEMPLATES))
            files[target] = template.read_text(encoding="utf-8").replace("__NAME__", name)
    for schema in EDITOR_SCHEMAS:
        files[f"schemas/{schema}"] = (schemas_dir / schema).read_text(encoding="utf-8")
    written, kept = _write(root, files)
    return Scaffold(root, name, tuple(written), tuple(kept))


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 80 else text[:77] + "..."


def _write(root: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    written, kept = [], []
    for relative, text in files.items():
        path = root / relative
        if relative == ".gitignore" and path.exists():
            if _append_ignore(path):
                written.append(relative)
            else:
                kept.append(relative)
            continue
        if path.exists():
            kept.append(relative)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(relative)
    return written, kept


def _target(relative: Path) -> str:
    parts = [p.removesuffix(".tmpl") for p in relative.parts]
    parts[-1] = "." + parts[-1].removeprefix("dot-") if parts[-1].startswith("dot-") else parts[-1]
    return "/".join(parts)


def _append_ignore(path: Path) -> bool:
    """Add `.stackctl/` to an existing .gitignore; False when it is already there."""
    text = path.read_text(encoding="utf-8")
    if any(line.strip() in (IGNORED, ".stackctl", "/.stackctl/") for line in text.splitlines()):
        return False
    sep = "" if not text or text.endswith("\n") else "\n"
    path.write_text(f"{text}{sep}{IGNORED}\n", encoding="utf-8")
    return True
