"""A run's records on their way to state: buffered, then written in one transaction.

The run loop records every change of a step here; ``flush`` writes what is buffered
(runtime/flusher.py says when and why that is safe), ``send`` tells the listeners (the
CLI's live table, the SDK's log lines), and ``sync`` makes the artifacts the run wrote
durable in one batch before the run is recorded as finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.model import ArtifactRecord, StepRun
from stackctl.runtime.flusher import FLUSH_EVERY_S
from stackctl.runtime.publish import Publisher
from stackctl.state.base import StateStore


class RunRecords:
    def __init__(
        self,
        store: StateStore,
        publisher: Publisher,
        on_event: Callable[[StepRun], None] | None,
    ) -> None:
        self.store, self.publisher, self.on_event = store, publisher, on_event
        self.steps: dict[str, StepRun] = {}  # the latest record of each step wins
        self.artifacts: list[ArtifactRecord] = []
        self.unsent: list[StepRun] = []  # on_event calls, made before the loop blocks
        self.written: list[str] = []  # URIs this run wrote, made durable by sync()
        self.flushed_at = time.monotonic()

    def step(self, step_run: StepRun) -> None:
        self.steps[step_run.step] = step_run
        self.unsent.append(step_run)

    def add_artifacts(self, records: Iterable[ArtifactRecord]) -> None:
        self.artifacts.extend(records)

    def wrote(self, *uris: str) -> None:
        self.written.extend(uri for uri in uris if uri)

    def due(self) -> bool:
        """Whether the last write is old enough for the loop to write now."""
        return time.monotonic() - self.flushed_at >= FLUSH_EVERY_S

    def send(self) -> None:
        events, self.unsent = self.unsent, []
        if self.on_event is not None:  # listeners print; none of them reads state
            for step_run in events:
                self.on_event(step_run)

    def flush(self) -> None:
        """Write the buffered records: one transaction where the store can batch.

        Called by the loop (never while the flusher may write: see RunLoop.before_wait)
        and by the flusher while the loop is blocked. Artifact records go first, so a
        `completed` record never names an artifact that is not recorded. If the write
        fails, the records go back to the buffer (a newer record of a step still wins)
        and the error propagates.
        """
        steps, artifacts = self.steps, self.artifacts
        self.steps, self.artifacts = {}, []
        self.flushed_at = time.monotonic()
        try:
            batch = getattr(self.store, "record_batch", None)
            if callable(batch):
                batch(list(steps.values()), artifacts)
            else:
                if artifacts:
                    self.store.record_artifacts(artifacts)
                for step_run in steps.values():
                    self.store.record_step(step_run)
        except BaseException:
            self.steps = {**steps, **self.steps}
            self.artifacts = artifacts + self.artifacts
            raise
        # named versions, metadata and consumed inputs, after the artifact records they
        # point at (their own transactions, each skipped when it has nothing to write)
        self.publisher.flush()
        self.send()

    def sync(self, artifact_store: ArtifactStore) -> None:
        """Make what this run wrote durable, in one batch (stores that buffer writes
        define ``sync(uris)``; the others publish durably in ``put``)."""
        sync = getattr(artifact_store, "sync", None)
        if callable(sync) and self.written:
            sync(self.written)
            self.written.clear()
