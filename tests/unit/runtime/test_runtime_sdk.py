"""@step / @pipeline compile to the same PipelineSpec a YAML pipeline gives."""

from __future__ import annotations

from typing import Annotated, NamedTuple

import pytest

from stackctl.errors import StackctlError
from stackctl.model import InputRef, NamedOutput, PipelineSpec, Run, RunStatus, StepSpec
from stackctl.runtime import sdk
from stackctl.runtime.compiler import output_names, pipeline_version
from stackctl.runtime.sdk import RunOptions, pipeline, step

MOD = __name__


class Split(NamedTuple):
    X_train: list
    X_test: list


@step
def load() -> list:
    return [1, 2, 3, 4]


@step
def split(df: list, test_size: float, seed: int) -> Split:
    cut = int(len(df) * (1 - test_size))
    return Split(df[:cut], df[cut:])


@step(retries=2, cache_version="v2")
def train(X: list) -> Annotated[dict, "model"]:
    return {"n": len(X)}


@step(cache=False)
def evaluate(model: dict, X: list) -> tuple[Annotated[float, "accuracy"], Annotated[int, "n"]]:
    return 1.0, len(X)


@pipeline(stack="dev")
def training(test_size: float = 0.2, seed: int = 42) -> None:
    X_train, X_test = split(load(), test_size=test_size, seed=seed)
    evaluate(train(X_train), X=X_test)


def test_sdk_pipeline_compiles_to_the_yaml_spec():
    expected = PipelineSpec(  # what pipelines/*.yaml with the same wiring loads to
        "training",
        (
            StepSpec("load", f"{MOD}:load"),
            StepSpec(
                "split",
                f"{MOD}:split",
                {"df": InputRef("load", "output")},
                {"test_size": "${params.test_size}", "seed": "${params.seed}"},
                outputs=("X_train", "X_test"),
            ),
            StepSpec(
                "train",
                f"{MOD}:train",
                {"X": InputRef("split", "X_train")},
                outputs=("model",),
                retries=2,
                cache_version="v2",
                # Annotated[T, "name"] names the output and publishes it (issue 11);
                # the YAML says the same with `outputs: {model: {name: model}}`
                named={"model": NamedOutput("model")},
            ),
            StepSpec(
                "evaluate",
                f"{MOD}:evaluate",
                {"model": InputRef("train", "model"), "X": InputRef("split", "X_test")},
                outputs=("accuracy", "n"),
                cache=False,
                named={"accuracy": NamedOutput("accuracy"), "n": NamedOutput("n")},
            ),
        ),
        params={"test_size": 0.2, "seed": 42},
        stack="dev",
    )
    assert training.spec == expected
    assert pipeline_version(training.spec) == pipeline_version(expected)
    assert training.spec.step("split").location.line > 0  # the call site, for errors


def test_steps_called_outside_a_pipeline_are_plain_functions():
    assert split([1, 2, 3, 4, 5], 0.2, 0) == Split([1, 2, 3, 4], [5])


def test_output_names_come_from_the_return_annotation():
    def plain() -> int: ...
    def named() -> Annotated[int, "count"]: ...
    def nothing(): ...

    assert output_names(plain, None) == ("output",)
    assert output_names(named, None) == ("count",)
    assert output_names(nothing, None) == ("output",)
    assert output_names(split.func, None) == ("X_train", "X_test")
    assert output_names(plain, ["a", "b"]) == ("a", "b")


def test_a_step_called_twice_gets_a_unique_name_and_outputs_have_attributes():
    @pipeline
    def twice() -> None:
        first = split(load(), 0.5, 1)
        split(load(), test_size=first.X_test, seed=1)

    spec = twice.spec
    assert [s.name for s in spec.steps] == ["load", "split", "load_2", "split_2"]
    assert spec.step("split_2").inputs["test_size"] == InputRef("split", "X_test")


def test_passing_all_outputs_of_a_multi_output_step_is_an_error():
    @pipeline
    def wrong() -> None:
        train(split(load(), 0.5, 1))

    with pytest.raises(StackctlError, match="got all outputs of a multi-output step"):
        wrong.spec


def test_wrong_step_arguments_name_the_step():
    @pipeline
    def wrong() -> None:
        load(1, 2)

    with pytest.raises(StackctlError, match="step 'load' called wrongly"):
        wrong.spec


def test_calling_a_pipeline_goes_through_the_launcher(monkeypatch):
    calls = []

    def launcher(spec: PipelineSpec, options: RunOptions) -> Run:
        calls.append((spec.name, options))
        return Run("r1", spec.name, options.stack or "default", RunStatus.COMPLETED, "now")

    monkeypatch.setattr(sdk, "_launcher", None)
    with pytest.raises(StackctlError, match="no launcher is installed"):
        training()
    sdk.set_launcher(launcher)
    configured = training.with_options(stack="parallel", params={"seed": 1}, cache=False)
    assert configured(test_size=0.5).id == "r1"
    assert calls == [
        (
            "training",
            RunOptions(stack="parallel", params={"seed": 1, "test_size": 0.5}, cache=False),
        )
    ]
    assert training.options == RunOptions()  # with_options returned a copy
