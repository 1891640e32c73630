"""The built-in validation step: check a DataFrame with the stack's data validator.

YAML::

    validate:
      function: stackctl.steps.validation:validate
      inputs: {df: load.output}
      params: {schema: validation/iris.yaml}   # or a name under the validator's schemas

It returns the report (a JSON dict: ``passed``, ``checks``, ``failed`` per column and
check with counts and examples, ``html``: also the output's visualization). When the data fails and ``fail`` is true (the
default), the step fails instead, its error naming the failed checks; the report is
then kept in the artifact store (its URI is in the error's hint) and every failed
check is printed to the step log (``stackctl runs logs RUN STEP``).
"""

from __future__ import annotations

import json
from typing import Any

from stackctl.components.data_validators.report import DataValidationError, ValidationReport
from stackctl.errors import StackctlError
from stackctl.runtime.context import get_step_context


def validate(df: Any, schema: str, fail: bool = True) -> dict[str, Any]:
    """Check ``df`` against ``schema``; the report, or a failure naming what failed."""
    context = get_step_context()
    validator = context.data_validator
    if validator is None:
        raise StackctlError(
            f"step {context.step!r} validates data, but stack {context.stack!r} has no "
            "data validator",
            hint="add one: `stackctl data-validator register pandera -f pandera`, then "
            f"`stackctl stack update {context.stack} -dv pandera` and `stackctl apply`",
        )
    report: ValidationReport = validator.validate(df, schema)
    data = report.to_dict()
    if report.passed or not fail:
        return data
    for line in report.lines():
        print(line)
    body = json.dumps(data, indent=2).encode()
    kept = context.artifact_store.put(f"{context.step}.report.json", lambda fp: fp.write(body))
    raise DataValidationError(report, where=kept.uri)
