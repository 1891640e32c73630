"""``stackctl.log_metadata``: JSON key/values a step attaches to itself, one of its
outputs or its run, and the metadata materializers add to every output on their own.

    log_metadata({"accuracy": 0.97})                         # the step
    log_metadata({"quality": {"rows_dropped": 3}}, artifact="iris_data")  # an output
    log_metadata({"accuracy": 0.97}, run=True)               # the run

A top-level key whose value is a dict is a *card* (a group of keys shown together, as
ZenML groups them). Values travel back in the step's result, so metadata logged on a
process-pool or Dask worker reaches state through the run loop like the outputs do.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from stackctl.errors import StackctlError
from stackctl.model import MetadataEntry, StepSpec

RUN, STEP, ARTIFACT = "run", "step", "artifact"
#: Metadata is for figures and small facts, kept in state: a value larger than this (as
#: JSON) belongs in an output of the step instead.
MAX_VALUE_BYTES = 64 * 1024


class _Collected:
    """What one execution of a step logged, keyed by (scope, output, key)."""

    def __init__(self, run_id: str, step: StepSpec) -> None:
        self.run_id, self.step = run_id, step
        self.values: dict[tuple[str, str, str], Any] = {}

    def add(self, scope: str, output: str, values: Mapping[str, Any]) -> None:
        for key, value in values.items():
            self.values[(scope, output, key)] = value

    def output_of(self, artifact: str) -> str:
        """The output ``artifact`` names: an output name or the artifact it publishes."""
        if artifact in self.step.outputs:
            return artifact
        for output, named in self.step.named.items():
            if named.name == artifact:
                return output
        known = [*self.step.outputs, *(n.name for n in self.step.named.values())]
        raise StackctlError(
            f"log_metadata(artifact={artifact!r}): step {self.step.name!r} has no such output",
            hint=f"name one of its outputs: {', '.join(dict.fromkeys(known))}",
        )

    def entries(self) -> tuple[MetadataEntry, ...]:
        return tuple(
            MetadataEntry(self.run_id, scope, self.step.name, output, key, value)
            for (scope, output, key), value in self.values.items()
        )


_current: ContextVar[_Collected | None] = ContextVar("stackctl_metadata", default=None)


@contextmanager
def collecting(run_id: str, step: StepSpec) -> Iterator[_Collected]:
    """Collect what the step (and its outputs' materializers) log while it executes."""
    collected = _Collected(run_id, step)
    token = _current.set(collected)
    try:
        yield collected
    finally:
        _current.reset(token)


def restart() -> None:
    """A new attempt of the step: forget what the failed attempt logged."""
    collected = _current.get()
    if collected is not None:
        collected.values.clear()


def log_metadata(
    metadata: Mapping[str, Any], *, artifact: str | None = None, run: bool = False
) -> None:
    """Attach JSON key/values to the running step, one of its outputs (``artifact=``,
    an output name or the artifact name it publishes) or its run (``run=True``)."""
    collected = _current.get()
    if collected is None:
        raise StackctlError(
            "log_metadata() was called outside a running step",
            hint="call it inside a @step function while a pipeline runs",
        )
    if artifact is not None and run:
        raise StackctlError(
            "log_metadata(): pass artifact= or run=True, not both",
            hint="one call per target",
        )
    checked = _checked(metadata)
    if artifact is not None:
        collected.add(ARTIFACT, collected.output_of(artifact), checked)
    else:
        collected.add(RUN if run else STEP, "", checked)


def _checked(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON copy of ``metadata``; StackctlError naming the first key that is not JSON."""
    if not isinstance(metadata, Mapping):
        raise StackctlError(
            f"log_metadata() takes a dict, not {type(metadata).__name__}",
            hint='write log_metadata({"accuracy": 0.97})',
        )
    out: dict[str, Any] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not key:
            raise StackctlError(
                f"log_metadata(): key {key!r} is not a non-empty string",
                hint="metadata keys are strings",
            )
        try:
            text = json.dumps(value, allow_nan=False)
            out[key] = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise StackctlError(
                f"log_metadata(): the value of {key!r} is not JSON ({type(value).__name__}: {exc})",
                hint="log str, int, float (finite), bool, None, lists and dicts of those; "
                "e.g. float(x) or x.tolist() for numpy values",
            ) from None
        if len(text) > MAX_VALUE_BYTES:
            raise StackctlError(
                f"log_metadata(): the value of {key!r} is {len(text)} bytes of JSON "
                f"(at most {MAX_VALUE_BYTES})",
                hint="metadata is for small facts; return large values as a step output",
            )
    return out


def describe_output(output: str, value: Any, size: int) -> None:
    """The automatic metadata of a written output (no-op outside a step execution)."""
    collected = _current.get()
    if collected is not None:
        collected.add(ARTIFACT, output, describe(value, size))


def attach(scope: str, output: str, values: Mapping[str, Any]) -> None:
    """Records the runtime itself keeps with an output under their own ``scope`` (the
    visualizations' digests): JSON by construction, so unchecked; no-op outside a step."""
    collected = _current.get()
    if collected is not None:
        collected.add(scope, output, values)


def describe(value: Any, size: int) -> dict[str, Any]:
    """Size in bytes for every artifact; rows/columns/dtypes of a DataFrame, rows/dtype
    of a Series, shape/dtype of an array (duck-typed: pandas/numpy are not imported)."""
    found: dict[str, Any] = {"size": size}
    module = type(value).__module__.split(".")[0]
    shape = getattr(value, "shape", None)
    if module == "pandas" and isinstance(shape, tuple):
        found["rows"] = int(shape[0])
        dtypes = getattr(value, "dtypes", None)
        if len(shape) == 2 and dtypes is not None:
            found["columns"] = int(shape[1])
            found["dtypes"] = {str(c): str(t) for c, t in dtypes.items()}
        elif hasattr(value, "dtype"):
            found["dtype"] = str(value.dtype)
    elif module == "numpy" and isinstance(shape, tuple):
        found["shape"] = [int(n) for n in shape]
        found["dtype"] = str(getattr(value, "dtype", ""))
    elif isinstance(value, bool | int | float) and not (
        isinstance(value, float) and not math.isfinite(value)
    ):
        found["value"] = value
    return found
