from typing import Annotated

from stackctl import pipeline, step

from pipelines.steps import fine, load


@step
def fit(data: list[float]) -> tuple[Annotated[float, "ok_name"], Annotated[float, "9lives"]]:
    return 1.0, 2.0


@pipeline
def training() -> None:
    fit(load())
    fine()
