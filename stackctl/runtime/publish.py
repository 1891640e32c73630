"""What a run publishes besides step records: named artifact versions, metadata and
the inputs each step consumed (lineage). Buffered like the run loop's other records and
written after them, so a version never names an artifact record that is not in state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from stackctl.errors import StackctlError
from stackctl.model import (
    ArtifactRecord,
    ArtifactVersion,
    MetadataCopy,
    MetadataEntry,
    NamedOutput,
    StepInput,
    StepSpec,
)
from stackctl.runtime.imports import StepError
from stackctl.state.base import StateStore


def version_record(version: ArtifactVersion) -> ArtifactRecord:
    """The artifact record a named version points at (what a step input loads)."""
    return ArtifactRecord(
        run_id=version.run_id,
        step=version.step,
        name=version.output,
        uri=version.uri,
        digest=version.digest,
        size=version.size,
        materializer=version.materializer,
        type=version.type,
        producer_run_id=version.producer_run_id,
    )


class Publisher:
    """Buffers one run's versions, metadata and step inputs until ``flush``."""

    def __init__(self, store: StateStore, run_id: str) -> None:
        self.store, self.run_id = store, run_id
        self.versions: list[tuple[NamedOutput, ArtifactRecord]] = []
        self.metadata: list[MetadataEntry | MetadataCopy] = []
        self.inputs: list[StepInput] = []
        self.published: list[ArtifactVersion] = []

    def resolve(self, step: StepSpec) -> dict[str, tuple[ArtifactVersion, ArtifactRecord]]:
        """The named versions a step takes from outside the pipeline (when it starts)."""
        found = {}
        for arg, selector in step.artifact_inputs.items():
            try:
                version = self.store.artifact_version(selector)
            except StackctlError as exc:
                hint = f" ({exc.hint})" if exc.hint else ""
                raise StepError(f"input {arg!r} ({selector}): {exc.message}{hint}") from None
            found[arg] = (version, version_record(version))
        return found

    def consumed(
        self,
        step: StepSpec,
        inputs: Mapping[str, ArtifactRecord],
        named: Mapping[str, tuple[ArtifactVersion, ArtifactRecord]],
    ) -> None:
        for arg, record in inputs.items():
            version = named[arg][0] if arg in named else None
            self.inputs.append(
                StepInput(
                    run_id=self.run_id,
                    step=step.name,
                    arg=arg,
                    source_run_id=record.run_id,
                    source_step=record.step,
                    source_output=record.name,
                    uri=record.uri,
                    digest=record.digest,
                    artifact=version.name if version else "",
                    version=version.version if version else 0,
                )
            )

    def produced(
        self,
        step: StepSpec,
        artifacts: Iterable[ArtifactRecord],
        metadata: Iterable[MetadataEntry] = (),
    ) -> None:
        """A step's outputs (executed or linked from the cache) and what it logged."""
        for record in artifacts:
            if record.name in step.named:
                self.versions.append((step.named[record.name], record))
        self.metadata.extend(metadata)

    def cached(self, step: StepSpec, producer_run: str, producer_step: str) -> None:
        """A cache hit: the step's and its outputs' metadata as the producer logged it,
        so `runs list --columns accuracy` shows a value for a cached run too. Copied in
        the database at flush, after the buffer's earlier entries (a hit on a step of
        this run gets the keys that step had not written yet)."""
        self.metadata.append(MetadataCopy(self.run_id, step.name, producer_run, producer_step))

    def flush(self) -> None:
        inputs, self.inputs = self.inputs, []
        versions, self.versions = self.versions, []
        metadata, self.metadata = self.metadata, []
        self.store.record_inputs(inputs)
        self.published.extend(self.store.record_versions(versions))
        self.store.record_metadata(metadata)
