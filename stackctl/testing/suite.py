"""Find test files, load every one (all schema errors at once), run their cases."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from stackctl.config.testfile import TEST_GLOB, PlanTest, load_tests
from stackctl.errors import ConfigError, Diagnostic, NotFoundError
from stackctl.project import Project
from stackctl.testing.results import Report
from stackctl.testing.runner import run_case


class TestFileError(ConfigError):
    """Invalid test files: every problem at its file:line:col (nothing was run)."""

    __test__ = False  # not a pytest class

    def render(self) -> str:
        lines = [d.render() for d in self.diagnostics]
        count = len(self.diagnostics)
        lines.append(f"{count} error{'s' if count != 1 else ''} in test files; nothing was run")
        return "\n".join(lines)


def find_files(root: Path, named: Sequence[Path]) -> list[Path]:
    """The files given (each must exist), or every ``tests/*.stackctl.yaml``."""
    if named:
        missing = [str(p) for p in named if not p.is_file()]
        if missing:
            raise NotFoundError(
                f"no such test file: {', '.join(missing)}",
                hint=f"test files are YAML files like {TEST_GLOB}",
            )
        return list(named)
    found = sorted(root.glob(TEST_GLOB))
    if not found:
        raise NotFoundError(
            f"no test files: {TEST_GLOB} matches nothing in {root}",
            hint="write one (see docs/gitops.md, section Testing changes), or name a file: `stackctl test FILE`",
        )
    return found


def load_cases(project: Project, files: Sequence[Path]) -> list[PlanTest]:
    """Every case of every file; one ConfigError with the problems of all files."""
    from stackctl.components.registry import schemas_dir

    cases: list[PlanTest] = []
    problems: list[Diagnostic] = []
    for path in files:
        try:
            cases += load_tests(path, project.root, schemas_dir())
        except ConfigError as exc:
            problems += exc.diagnostics
    if problems:
        raise TestFileError(problems)
    return cases


def run_tests(
    project: Project,
    files: Sequence[Path] = (),
    *,
    names: Sequence[str] = (),
    update_golden: bool = False,
) -> Report:
    """Run the cases of ``files`` (default: the project's test files), or only ``names``."""
    paths = find_files(project.root, files)
    cases = load_cases(project, paths)
    _ = project.spec  # an invalid configuration fails the run (all its errors), not each case
    if names:
        unknown = sorted(set(names) - {c.name for c in cases})
        if unknown:
            from stackctl.config.schema import closest

            hint = (
                closest(unknown[0], [c.name for c in cases]) or "see the `tests:` keys of the files"
            )
            raise NotFoundError(f"no test case named {', '.join(unknown)}", hint=hint)
        cases = [c for c in cases if c.name in names]
    results = tuple(run_case(project, c, update_golden=update_golden) for c in cases)
    shown = tuple(dict.fromkeys(c.file for c in cases))
    return Report(results, shown)
