"""Following step logs while a run goes on (`stackctl runs logs RUN [STEP] --follow`).

A reader of the state, never a writer: it polls the step records for their log URIs
(recorded when each step starts, see ``runtime.steplog``) and the run's status, reads
what each log gained since the last poll, and stops by itself once there is nothing
more to come: the step (or, following every step, the run) finished, was cancelled, or
its owner died (the run is `interrupted`, ``runtime.liveness``). The last read happens
after that decision, so the end of the log is never cut off.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable, Iterator

from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.model import RunStatus
from stackctl.runtime.liveness import effective_status
from stackctl.runtime.steplog import LogReader
from stackctl.state.base import StateStore
from stackctl.state.clock import database_now

POLL_S = 0.25
_UNDERWAY = (RunStatus.PENDING, RunStatus.RUNNING)


def follow(
    state: StateStore,
    store: ArtifactStore,
    run_id: str,
    step: str | None = None,
    *,
    poll_s: float = POLL_S,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[tuple[str, bytes]]:
    """(step, bytes) as the logs of run ``run_id`` grow (only ``step``'s when given),
    in the order the steps appear in the run; ends when nothing more can come."""
    readers: dict[str, LogReader] = {}
    while True:
        run = state.run(run_id)
        steps = [s for s in state.steps(run.id) if step is None or s.step == step]
        over = effective_status(run, database_now(state)) != RunStatus.RUNNING.value
        if step is not None and steps and steps[0].status not in _UNDERWAY:
            over = True
        for record in steps:
            reader = readers.get(record.step)
            if record.log_uri and (reader is None or reader.uri != record.log_uri):
                # first seen, or the record now names another log (stored whole)
                reader = readers[record.step] = LogReader(store, record.log_uri)
            data = reader.read_new() if reader is not None else b""
            if data:
                yield record.step, data
        if over:
            return
        sleep(poll_s)


class Prefixer:
    """Turns chunks of several logs into whole lines prefixed with their step name
    (a partial line waits for its end, or for ``rest``)."""

    def __init__(self) -> None:
        self._partial: dict[str, str] = {}
        self._decoders: dict[str, codecs.IncrementalDecoder] = {}

    def lines(self, step: str, data: bytes) -> list[str]:
        # a read may end inside a multi-byte character: decode incrementally
        decoder = self._decoders.setdefault(step, codecs.getincrementaldecoder("utf-8")("replace"))
        text = self._partial.pop(step, "") + decoder.decode(data)
        *complete, partial = text.split("\n")
        if partial:
            self._partial[step] = partial
        return [f"{step} | {line}" for line in complete]

    def rest(self) -> list[str]:
        left = [f"{step} | {line}" for step, line in self._partial.items()]
        self._partial.clear()
        return left
