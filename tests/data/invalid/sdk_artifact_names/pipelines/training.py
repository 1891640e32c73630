from typing import Annotated

from pipelines.steps import fine, load
from stackctl import pipeline, step


@step
def fit(data: list[float]) -> tuple[Annotated[float, "ok_name"], Annotated[float, "9lives"]]:
    return 1.0, 2.0


@pipeline
def training() -> None:
    fit(load())
    fine()
