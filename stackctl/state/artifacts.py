"""The named-artifact half of the state contract (issue 11): versions, tags, metadata
and what each step consumed. SQL stores get it from ``artifacts_sql.NamedArtifactRecords``;
the memory store runs the same SQL on an in-process SQLite database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from stackctl.model import (
    ArtifactRecord,
    ArtifactSelector,
    ArtifactVersion,
    MetadataCopy,
    MetadataEntry,
    NamedOutput,
    StepInput,
)


class NamedArtifacts(Protocol):
    def record_versions(
        self, published: Sequence[tuple[NamedOutput, ArtifactRecord]]
    ) -> list[ArtifactVersion]:
        """Add the next version of each name for each record (one transaction per
        version; safe when runs race: two never get the same number). Recording the
        same (name, run, step, output) again returns the version it already has."""
        ...

    def artifact_names(self) -> list[ArtifactVersion]:
        """The latest version of every name, names sorted."""
        ...

    def artifact_versions(self, name: str) -> list[ArtifactVersion]:
        """Every version of ``name``, oldest first (NotFoundError for an unknown name)."""
        ...

    def artifact_version(self, selector: ArtifactSelector) -> ArtifactVersion:
        """The version ``latest``, a number or a tag names (NotFoundError otherwise)."""
        ...

    def tag_artifact(self, name: str, version: int, tag: str) -> ArtifactVersion:
        """Point ``tag`` at this version (moving it off any other); the tagged version."""
        ...

    def artifact_versions_for_run(self, run_id: str) -> list[ArtifactVersion]:
        """The named versions a run published, in the order they were recorded."""
        ...

    def record_metadata(self, entries: Sequence[MetadataEntry | MetadataCopy]) -> None:
        """Insert or replace logged keys (the latest value of a key wins), in order, in
        one transaction. A MetadataCopy (a cache hit) copies its producer step's keys
        inside the database, as they are after the items before it in ``entries``."""
        ...

    def metadata(self, run_id: str, step: str | None = None) -> list[MetadataEntry]:
        """Every key logged for a run (run, step and artifact scopes) in logging order;
        with ``step`` only what that step logged (any scope)."""
        ...

    def record_inputs(self, inputs: Sequence[StepInput]) -> None:
        """What steps consumed (insert or replace per run, step and argument)."""
        ...

    def step_inputs(self, run_id: str) -> list[StepInput]:
        """What each step of a run consumed."""
        ...

    def consumers(self, run_id: str, step: str, output: str) -> list[StepInput]:
        """The step inputs, in any run, that read this artifact record."""
        ...
