"""log_metadata: where it goes, what it refuses, and what materializers add."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stackctl.errors import StackctlError
from stackctl.model import NamedOutput, StepSpec
from stackctl.runtime.metadata import collecting, describe, log_metadata, restart
from stackctl.runtime.metadata_view import column, run_metadata, step_metadata

STEP = StepSpec(
    "train", "m:f", outputs=("model", "report"), named={"model": NamedOutput("iris_model")}
)


def logged(*calls):
    with collecting("r1", STEP) as collected:
        for args, kwargs in calls:
            log_metadata(*args, **kwargs)
        return {(e.scope, e.output, e.key): e.value for e in collected.entries()}


def test_metadata_goes_to_the_step_an_output_or_the_run():
    found = logged(
        (({"loss": 0.1},), {}),
        (({"rows": 3},), {"artifact": "report"}),
        (({"auc": 0.9},), {"artifact": "iris_model"}),  # the artifact name works too
        (({"accuracy": 0.97},), {"run": True}),
    )
    assert found == {
        ("step", "", "loss"): 0.1,
        ("artifact", "report", "rows"): 3,
        ("artifact", "model", "auc"): 0.9,
        ("run", "", "accuracy"): 0.97,
    }


def test_a_value_that_is_not_json_is_an_error_naming_its_key():
    for bad in (object(), float("nan"), {1, 2}, np.float32(1.0)):
        with pytest.raises(StackctlError, match=r"the value of 'weights' is not JSON") as caught:
            logged((({"ok": 1, "weights": bad},), {}))
        assert "float(x)" in caught.value.hint


def test_other_misuses_are_one_line_errors():
    with pytest.raises(StackctlError, match="outside a running step"):
        log_metadata({"a": 1})
    with pytest.raises(StackctlError, match="has no such output") as caught:
        logged((({"a": 1},), {"artifact": "nope"}))
    assert "model, report, iris_model" in caught.value.hint
    with pytest.raises(StackctlError, match="not both"):
        logged((({"a": 1},), {"artifact": "model", "run": True}))
    with pytest.raises(StackctlError, match="takes a dict"):
        logged((([1],), {}))
    with pytest.raises(StackctlError, match="not a non-empty string"):
        logged((({3: 1},), {}))
    with pytest.raises(StackctlError, match=r"'big' is \d+ bytes of JSON"):
        logged((({"big": "x" * 70_000},), {}))


def test_a_retried_attempt_forgets_what_the_failed_one_logged():
    with collecting("r1", STEP) as collected:
        log_metadata({"attempt": 1, "only_first": True})
        restart()
        log_metadata({"attempt": 2})
    assert {e.key: e.value for e in collected.entries()} == {"attempt": 2}


def test_materializer_metadata_describes_frames_series_arrays_and_sizes():
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]})
    assert describe(frame, 99) == {
        "size": 99,
        "rows": 2,
        "columns": 2,
        "dtypes": {"a": "int64", "b": "float64"},
    }
    assert describe(frame["a"], 5) == {"size": 5, "rows": 2, "dtype": "int64"}
    assert describe(np.zeros((3, 4), dtype="float32"), 7) == {
        "size": 7,
        "shape": [3, 4],
        "dtype": "float32",
    }
    assert describe(0.25, 4) == {"size": 4, "value": 0.25}
    assert describe({"x": 1}, 7) == {"size": 7}


def test_columns_read_run_metadata_first_then_steps_and_dotted_keys():
    with collecting("r1", STEP) as collected:
        log_metadata({"metrics": {"accuracy": 0.8}, "loss": 0.2})
        log_metadata({"accuracy": 0.9}, run=True)
    entries = collected.entries()
    assert column(entries, "accuracy") == 0.9
    assert column(entries, "metrics.accuracy") == 0.8
    assert column(entries, "loss") == 0.2
    assert column(entries, "missing.key") is None
    assert run_metadata(entries) == {"accuracy": 0.9}
    assert step_metadata(entries) == {"train": {"metrics": {"accuracy": 0.8}, "loss": 0.2}}
