"""The data validator contract (the ``pandera`` flavor implements it).

Constructed as ``Cls(name, config, root)``; instances must be picklable because the
built-in validation step reaches them through ``get_step_context()`` inside workers.
"""

from __future__ import annotations

from typing import Any, Protocol

from stackctl.components.data_validators.report import ValidationReport


class DataValidator(Protocol):
    """Checks data against a schema file of the project and reports every failure."""

    name: str

    def validate(self, data: Any, schema: str) -> ValidationReport:
        """Check ``data`` (a DataFrame) against ``schema`` (a name the validator's config
        declares, or a project-relative file); never raises for data that fails: the
        report says what failed."""
        ...
