from typing import Annotated

from stackctl import ArtifactConfig, step


@step
def load() -> Annotated[list[float], ArtifactConfig("raw data", tags=["latest", "gold"])]:
    return [1.0, 2.0]


@step
def fine() -> Annotated[float, "a_good-name"]:
    return 1.0
