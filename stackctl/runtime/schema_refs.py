"""`stackctl validate`'s check of data validation schemas: every file a validator's
``schemas`` config or a built-in validation step's ``schema`` param names must exist
in the project (located at the YAML value), so a typo fails in CI, not in a run.

Static only: nothing is imported and the files are not parsed (apply parses them
with pandera, see ``data_validators/pandera_provision.py``).
"""

from __future__ import annotations

from pathlib import Path

from stackctl.components.data_validators.schema_files import SUFFIXES, declared
from stackctl.config.positions import Positions
from stackctl.config.yaml import PathKey, pointer
from stackctl.errors import Diagnostic
from stackctl.model import ProjectSpec

#: The built-in step whose ``schema`` param names a schema.
VALIDATION_STEP = "stackctl.steps.validation:validate"


def check_schema_files(spec: ProjectSpec) -> list[Diagnostic]:
    """A located diagnostic per schema reference that names no file of the project."""
    root = Path(spec.root)
    positions = Positions(root)
    problems: list[Diagnostic] = []
    names: set[str] = set()

    def missing(file: str, key: PathKey, relative: str, what: str) -> None:
        path = (root / relative).resolve()
        if path.is_relative_to(root.resolve()) and path.is_file():
            return
        where = positions.locate(file, key, value=True)
        inside = path.is_relative_to(root.resolve())
        problem = "does not exist" if inside else "is outside the project"
        problems.append(
            Diagnostic(
                where,
                f"{what}: schema file {relative!r} {problem}",
                pointer(key),
                f"create {relative} (see docs/data-validation.md) or fix the path",
            )
        )

    for component in spec.components.values():
        if component.type != "data_validator" or component.location is None:
            continue
        for name, relative in declared(component.config).items():
            names.add(name)
            key = ("components", "data_validator", component.name, "config", "schemas", name)
            missing(component.location.file, key, relative, f"data validator {component.name!r}")

    for pipeline in spec.pipelines.values():
        for step in pipeline.steps:
            ref = step.params.get("schema")
            where = step.location
            if step.function != VALIDATION_STEP or not isinstance(ref, str) or where is None:
                continue
            if "${" in ref or not where.file.endswith((".yaml", ".yml")):
                continue  # interpolated (known at run time) or compiled from Python
            key = ("pipelines", pipeline.name, "steps", step.name, "params", "schema")
            if ref.endswith(SUFFIXES):
                missing(where.file, key, ref, f"step {step.name!r}")
            elif ref not in names:
                problems.append(
                    Diagnostic(
                        positions.locate(where.file, key, value=True),
                        f"step {step.name!r}: schema {ref!r} is neither a .yaml/.json file "
                        "nor a name any data validator's config.schemas declares",
                        pointer(key),
                        "pass a project-relative file (validation/iris.yaml) or declare the "
                        "name under the validator's config.schemas",
                    )
                )
    return problems
