"""A set of pending edits to a project's stack files, validated as a whole before writing.

Validation runs on a mirror of the project in a temporary folder (symlinks to every
untouched file, real copies of the edited ones), so the project on disk is never in a
state that does not validate: on any error nothing is written. Files are then replaced
atomically (temp file + rename), after checking nobody changed them meanwhile.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from stackctl.config.edit import StackFile, parse
from stackctl.config.includes import mirror_of
from stackctl.config.yaml import to_plain
from stackctl.errors import ConfigError, Diagnostic, Location, StackctlError
from stackctl.frozen import frozen
from stackctl.model import ProjectSpec
from stackctl.project import PROJECT_FILE, Project

DEFAULT_STACK_DIR = "stacks"


@frozen
class Outcome:
    """What an edit did, for the CLI to render."""

    summary: str
    files: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ("stackctl plan", "stackctl apply")
    data: dict[str, Any] = field(default_factory=dict)


class EditRejected(ConfigError):
    """The edited project would not validate; nothing was written."""

    def render(self) -> str:
        lines = ["error: the change was not written: it would make the project invalid"]
        lines += ["  " + d.render() for d in self.diagnostics]
        lines.append("  hint: fix the values you passed (lines above are in the edited file)")
        return "\n".join(lines)


class Edit:
    """Stack files of one project opened for editing; ``commit`` validates, then writes."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.spec = project.spec  # refuse to edit a project that does not validate
        self._files: dict[str, StackFile] = {}
        self._originals: dict[str, str | None] = {}

    # -- files ----------------------------------------------------------------------------
    def open(self, rel: str) -> StackFile:
        """The stack file at ``rel`` (relative to the root), empty when it does not exist."""
        if rel not in self._files:
            path = self.project.root / rel
            text = _read(path)
            self._originals[rel] = text
            self._files[rel] = StackFile(text or "", rel)
        return self._files[rel]

    def stack_files(self) -> list[str]:
        """Project files holding components/stacks (not pipelines), in load order."""
        return [
            f
            for f in self.spec.files
            if f != PROJECT_FILE and not Path(f).is_absolute() and not self.open(f).is_pipeline_file
        ]

    def first_file(self, *tests: Any) -> str | None:
        """The first stack file passing the first test any file passes."""
        files = self.stack_files()
        for test in tests:
            for rel in files:
                if test(self.open(rel)):
                    return rel
        return None

    def new_file(self, stem: str) -> str:
        """A free path for a new stack file in the folder the project includes."""
        folder = self.stack_dir()
        for n in range(1, 1000):
            rel = str(PurePosixPath(folder) / (f"{stem}.yaml" if n == 1 else f"{stem}-{n}.yaml"))
            if rel not in self._files and not (self.project.root / rel).exists():
                return rel
        raise StackctlError(f"no free file name for {stem!r} in {folder}/")

    def stack_dir(self) -> str:
        """The folder of the first `include:` glob that is not for pipelines."""
        text = _read(self.project.root / PROJECT_FILE) or ""
        data = to_plain(parse(text, PROJECT_FILE)) or {}
        for pattern in data.get("include") or [f"{DEFAULT_STACK_DIR}/*.yaml"]:
            pattern = str(pattern)
            if "pipeline" in pattern or not pattern.endswith((".yaml", ".yml")):
                continue
            head = pattern.split("*")[0].split("?")[0].split("[")[0]
            folder = head.rsplit("/", 1)[0] if "/" in head else ""
            if folder and ".." not in folder and not folder.startswith("/"):
                return folder
        return DEFAULT_STACK_DIR

    # -- commit ---------------------------------------------------------------------------
    def changes(self) -> dict[str, str | None]:
        """Path -> new text (None: delete the file) for every file that changed."""
        out: dict[str, str | None] = {}
        for rel, stack_file in self._files.items():
            new = None if stack_file.empty else stack_file.text
            if new != self._originals[rel]:
                out[rel] = new
        return out

    def commit(self) -> ProjectSpec:
        """Validate the edited project; on success write every change, return the new spec."""
        changes = self.changes()
        spec = validate_with(self.project, changes)
        for rel in changes:
            if _read(self.project.root / rel) != self._originals[rel]:
                raise StackctlError(
                    f"{rel} changed while this command was editing it; nothing was written",
                    hint="run the command again",
                )
        for rel, text in changes.items():
            _write(self.project.root / rel, text)
        return spec


def validate_with(project: Project, changes: dict[str, str | None]) -> ProjectSpec:
    """Load ``project`` as it would be with ``changes`` applied (ConfigError if invalid)."""
    with tempfile.TemporaryDirectory(prefix="stackctl-edit-") as tmp:
        mirror = Path(tmp) / "project"
        _mirror(project.root, mirror, changes)
        try:
            with mirror_of(project.root):  # the mirror's entries are symlinks to it
                spec = Project(
                    mirror, project.var_overrides, project.var_files, env=project.env
                ).spec
        except ConfigError as exc:
            raise EditRejected([_relocate(d, mirror) for d in exc.diagnostics]) from None
        return replace(spec, root=str(project.root))


def _mirror(src: Path, dst: Path, changes: dict[str, str | None]) -> None:
    edited = {PurePosixPath(rel) for rel in changes}
    real_dirs = {parent for rel in edited for parent in rel.parents if str(parent) != "."}

    def fill(rel: PurePosixPath | None) -> None:
        folder = src / rel if rel else src
        if not folder.is_dir():
            return
        for entry in folder.iterdir():
            child = rel / entry.name if rel else PurePosixPath(entry.name)
            if child in real_dirs:
                (dst / child).mkdir()
                fill(child)
            elif child not in edited:
                (dst / child).symlink_to(entry)

    dst.mkdir()
    fill(None)
    for rel, text in changes.items():
        if text is not None:
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            (dst / rel).write_text(text, encoding="utf-8")


def _relocate(diagnostic: Diagnostic, mirror: Path) -> Diagnostic:
    """Diagnostics from the mirror name files as the user knows them."""
    loc = diagnostic.location
    for prefix in (str(mirror) + os.sep, str(mirror.resolve()) + os.sep):
        if loc.file.startswith(prefix):
            loc = Location(loc.file[len(prefix) :], loc.line, loc.column)
    return replace(diagnostic, location=loc)


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StackctlError(f"cannot read {path}: {exc}", hint="check the file") from None


def _write(path: Path, text: str | None) -> None:
    if text is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if path.exists():
            tmp.chmod(path.stat().st_mode & 0o7777)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StackctlError(
            f"cannot write {path}: {exc.strerror}", hint="check permissions"
        ) from None
