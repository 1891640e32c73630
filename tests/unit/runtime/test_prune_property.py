"""Random histories of runs, cache hits, named versions, prunes and deletions never
lose an object a remaining record points at (every one loads and its digest verifies),
and a prune with no run left to keep leaves only referenced objects behind."""

from __future__ import annotations

from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from support.run_records import every_record_loads, make_model_version, publish, record_run

from stackctl.components.artifact_stores.memory import MemoryArtifactStore
from stackctl.model import ArtifactRecord
from stackctl.runtime.prune import Policy, delete_runs, prune, reference_keys
from stackctl.state.memory import MemoryStateStore

CONTENTS = st.sampled_from([b"a", b"b", b"c", b"d", b"e"])  # few: equal bytes get shared


class History(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = MemoryStateStore()
        self.store = MemoryArtifactStore("default", {}, Path("."))
        self.age = 10_000.0

    def _records(self) -> list[ArtifactRecord]:
        return [a for r in self.state.runs(limit=1000) for a in self.state.artifacts(r.id)]

    @rule(
        outputs=st.dictionaries(st.sampled_from(["x", "y"]), CONTENTS, max_size=2),
        pipeline=st.sampled_from(["p", "q"]),
        reuse=st.integers(0, 30),
    )
    def run(self, outputs: dict[str, bytes], pipeline: str, reuse: int) -> None:
        records = self._records()
        linked = [records[reuse % len(records)]] if records and reuse % 3 == 0 else []
        self.age -= 10
        record_run(self.state, self.store, outputs, pipeline=pipeline, age_s=self.age, reuse=linked)

    @rule(pick=st.integers(0, 30), tag=st.booleans())
    def name_one(self, pick: int, tag: bool) -> None:
        records = self._records()
        if records:
            publish(self.state, records[pick % len(records)], "data", ("gold",) if tag else ())

    @rule(pick=st.integers(0, 30))
    def model_version(self, pick: int) -> None:
        runs = self.state.runs(limit=1000)
        if runs:
            make_model_version(self.state, runs[pick % len(runs)])

    @rule(keep=st.none() | st.integers(0, 3), older=st.none() | st.sampled_from([0.0, 50.0, 500.0]))
    def prune(self, keep: int | None, older: float | None) -> None:
        prune(self.state, {"default": self.store}, Policy(keep, older, grace_s=0))
        left = set(self.store.objects)
        referenced = reference_keys(self.state.object_references())
        assert left <= referenced  # nothing live: every unreferenced object went

    @rule(pick=st.integers(0, 30), artifacts=st.booleans())
    def delete(self, pick: int, artifacts: bool) -> None:
        runs = self.state.runs(limit=1000)
        if runs:
            delete_runs(
                self.state, {"default": self.store}, [runs[pick % len(runs)]], artifacts=artifacts
            )

    @invariant()
    def every_record_still_loads(self) -> None:
        every_record_loads(self.state, self.store)


History.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestHistory = History.TestCase
