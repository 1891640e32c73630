"""Names of artifacts: ``NAME[:VERSION|TAG]`` references, output names from
``Annotated`` return types, and named artifacts passed into a step from outside.

    @step
    def load() -> Annotated[pd.DataFrame, "iris_data"]: ...        # publishes iris_data

    @step
    def split(df: pd.DataFrame) -> tuple[
        Annotated[pd.DataFrame, ArtifactConfig("train", tags=("gold",))],
        Annotated[pd.DataFrame, "test"]]: ...

    report(df=ExternalArtifact("iris_data", version=2))             # inside a @pipeline
"""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from typing import Any

from stackctl.errors import StackctlError
from stackctl.frozen import frozen
from stackctl.model import ArtifactSelector, NamedOutput

#: An artifact name: what an output name may be (it names the output too, in the SDK).
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,62}\Z")
#: A tag: a word that is neither a version number nor ``latest``.
TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\Z")
LATEST = "latest"


def name_problem(name: str) -> str:
    """Why ``name`` cannot name an artifact ("" when it can)."""
    if NAME.match(name):
        return ""
    return (
        f"{name!r} is not an artifact name (a letter or _, then letters, digits, _ or -; "
        "at most 63 characters)"
    )


def tag_problem(tag: str) -> str:
    """Why ``tag`` cannot be a tag ("" when it can)."""
    if tag == LATEST or tag.isdigit():
        return f"tag {tag!r} would read as a version; pick a word (e.g. production)"
    if not TAG.match(tag):
        return f"{tag!r} is not a tag (letters, digits, _ . -; at most 64 characters)"
    return ""


def version_problem(version: str) -> str:
    """Why ``version`` selects nothing: not ``latest``, a number >= 1 or a tag."""
    if version == LATEST or (version.isdigit() and int(version) >= 1):
        return ""
    if version.isdigit():
        return "versions start at 1"
    return tag_problem(version) and f"{version!r} is not latest, a version number or a tag"


def parse_ref(text: str) -> ArtifactSelector:
    """``NAME``, ``NAME:VERSION`` or ``NAME:TAG``; StackctlError saying what is wrong."""
    name, colon, version = text.strip().partition(":")
    problem = name_problem(name)
    if not problem and colon:
        problem = version_problem(version) if version else "nothing follows the ':'"
    if problem:
        raise StackctlError(
            f"artifact reference {text!r}: {problem}",
            hint="write NAME, NAME:VERSION or NAME:TAG, e.g. iris_data:2 or iris_data:latest",
        )
    if colon and version.isdigit():
        version = str(int(version))  # "02" is version 2
    return ArtifactSelector(name, version if colon else LATEST)


def selector(name: str, version: int | str | None = None) -> ArtifactSelector:
    """The selector of ``name`` at ``version`` (None: latest), checked."""
    text = name if version is None else f"{name}:{version}"
    if isinstance(version, int) and (isinstance(version, bool) or version < 1):
        raise StackctlError(
            f"artifact {name!r}: version {version!r} is not a version number",
            hint="versions start at 1; or pass a tag or 'latest'",
        )
    return parse_ref(text)


@frozen
class ArtifactConfig:
    """``Annotated[T, ArtifactConfig("name", tags=(...))]``: a named output with tags."""

    name: str
    tags: Sequence[str] = ()


@frozen
class ExternalArtifact:
    """A named artifact version passed to a step inside a ``@pipeline`` body: the run
    loads it from the artifact store (digest verified) and records which version."""

    name: str
    version: int | str | None = None

    @property
    def selector(self) -> ArtifactSelector:
        return selector(self.name, self.version)


def annotated_output(annotation: Any) -> NamedOutput | None:
    """The named artifact an ``Annotated[T, "name"]`` (or ArtifactConfig) declares."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return None
    for extra in typing.get_args(annotation)[1:]:
        if isinstance(extra, str):
            return NamedOutput(extra)
        if isinstance(extra, ArtifactConfig):
            return NamedOutput(extra.name, tuple(extra.tags))
    return None


def named_outputs(annotation: Any, outputs: Sequence[str]) -> dict[str, NamedOutput]:
    """Output name -> named artifact, from a return annotation (a tuple of Annotated
    names each position), checked: a bad name or tag fails when the step is defined."""
    if typing.get_origin(annotation) is tuple:
        parts = [a for a in typing.get_args(annotation) if a is not Ellipsis]
    else:
        parts = [annotation]
    found = [annotated_output(a) for a in parts]
    if len(found) != len(outputs):
        return {}
    named = {out: n for out, n in zip(outputs, found, strict=True) if n is not None}
    for item in named.values():
        problem = name_problem(item.name) or next(filter(None, map(tag_problem, item.tags)), "")
        if problem:
            raise StackctlError(
                f"output annotation: {problem}", hint="fix the Annotated[...] return type"
            )
    return named
