"""`stackctl validate`'s check of every step's function: the checks of
``runtime/signatures.py`` (ast only, no user code imported), located in the YAML.

Only validate runs it (see ``Project.validate``): `stackctl run` imports the function
anyway and reports the same problems at run time, and `plan`/`apply` are about
infrastructure, which must not depend on the pipelines' code being installed where
they run. The cost is one ``ast.parse`` per module, memoised per file version.
"""

from __future__ import annotations

from pathlib import Path

from stackctl.config.positions import Positions
from stackctl.config.yaml import pointer
from stackctl.errors import Diagnostic
from stackctl.model import ProjectSpec
from stackctl.runtime.signatures import check_step

_YAML = (".yaml", ".yml")


def check_functions(spec: ProjectSpec) -> list[Diagnostic]:
    """A located diagnostic for each certain problem of a step's function reference."""
    root = Path(spec.root)
    positions = Positions(root)
    problems: list[Diagnostic] = []
    for pipeline in spec.pipelines.values():
        for step in pipeline.steps:
            where = step.location
            if where is None or not where.file.endswith(_YAML):
                continue  # compiled from Python: the function is real by construction
            findings = check_step(
                step.function, [*step.inputs, *step.artifact_inputs], step.params, root
            )
            base = ("pipelines", pipeline.name, "steps", step.name)
            for finding in findings:
                key = (*base, *finding.where)
                location = positions.locate(where.file, key, value=finding.where == ("function",))
                message = f"step {step.name!r}: {finding.message}"
                problems.append(Diagnostic(location, message, pointer(key), finding.hint))
    return problems
