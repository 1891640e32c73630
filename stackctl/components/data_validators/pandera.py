"""The ``pandera`` data validator: DataFrame schemas written as YAML in the project.

Why pandera (ZenML ships great_expectations, evidently, deepchecks, whylogs): it is a
small pure-Python library whose schemas are plain YAML files a reviewer reads in a pull
request (``DataFrameSchema.from_yaml``), and its lazy validation collects *every* failed
check in one pass, which is what a report needs. great_expectations brings a project
folder, a data context and a much larger install for the same job here.

pandera is imported only when a step validates (or apply loads the schemas), never by
the CLI otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components.data_validators import schema_files
from stackctl.components.data_validators.base import DataValidator
from stackctl.components.data_validators.report import ValidationReport, from_failure_cases
from stackctl.errors import StackctlError

if TYPE_CHECKING:
    from pandera.api.pandas.container import DataFrameSchema


class PanderaValidator:
    """``schemas`` (name -> project-relative file; optional: a step may name a file)."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.config = dict(config)
        self.root = root
        self._loaded: dict[str, DataFrameSchema] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_loaded": {}}  # schemas are re-read where the step runs

    def schema(self, ref: str) -> DataFrameSchema:
        """The pandera schema ``ref`` names (a ConfigError-like StackctlError otherwise)."""
        if ref not in self._loaded:
            self._loaded[ref] = load_schema(ref, self.config, self.root)
        return self._loaded[ref]

    def validate(self, data: Any, schema: str) -> ValidationReport:
        import pandas as pd
        from pandera.errors import SchemaError, SchemaErrors

        if not isinstance(data, pd.DataFrame):
            raise StackctlError(
                f"data validator {self.name!r} checks pandas DataFrames, not {type(data).__name__}",
                hint="pass the step a DataFrame output (e.g. load.output)",
            )
        loaded = self.schema(schema)
        rows, columns = data.shape
        checks = declared_checks(loaded)
        try:
            loaded.validate(data, lazy=True)
        except SchemaErrors as exc:
            cases = exc.failure_cases.to_dict("records")
            return from_failure_cases(schema, rows, columns, checks, cases)
        except SchemaError as exc:  # raised eagerly by some checks even in lazy mode
            case = {"column": None, "check": str(exc.check or "schema"), "failure_case": str(exc)}
            return from_failure_cases(schema, rows, columns, checks, [case])
        return ValidationReport(schema, rows, columns, tuple(checks))


def load_schema(ref: str, config: Mapping[str, Any], root: Path) -> DataFrameSchema:
    """Read and parse one schema file; its problems are one line naming the file."""
    import pandera.pandas as pa

    path = schema_files.resolve(ref, config, root)
    text = schema_files.read(path, root)
    display = path.relative_to(root.resolve())
    try:
        if path.suffix == ".json":
            return pa.DataFrameSchema.from_json(text)
        return pa.DataFrameSchema.from_yaml(text)
    except Exception as exc:  # pandera raises many types for a bad schema document
        first = (str(exc).strip().splitlines() or [""])[0]
        raise StackctlError(
            f"schema file {display} is not a pandera schema: {type(exc).__name__}: {first}",
            hint="write it as pandera's YAML (see docs/data-validation.md), e.g. "
            "`schema_type: dataframe` with `columns:`",
        ) from None


def declared_checks(schema: DataFrameSchema) -> list[str]:
    """Every check the schema declares, as ``column: check`` (the report's "checks")."""
    found: list[str] = []
    for name, column in schema.columns.items():
        if column.dtype is not None:
            found.append(f"{name}: dtype('{column.dtype}')")
        if not column.nullable:
            found.append(f"{name}: not_nullable")
        if column.unique:
            found.append(f"{name}: field_uniqueness")
        found.extend(f"{name}: {check.error or check.name}" for check in column.checks)
    found.extend(str(check.error or check.name) for check in schema.checks)
    return found


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    _validator: type[DataValidator] = PanderaValidator
