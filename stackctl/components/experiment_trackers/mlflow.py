"""The ``mlflow`` experiment tracker: one MLflow run per step of a stackctl run.

The runtime binds the tracker to a step with ``step_run(run_id, pipeline, step)``; the
MLflow run (named ``<stackctl run id>/<step>``, tagged with run, pipeline, step) is
created on the first ``log_*`` call, so steps that log nothing leave no empty runs,
and ended when the step ends. The client API is used rather than ``mlflow.start_run``:
the fluent API keeps a process-global active run and tracking URI, which concurrent
steps in one dask worker would trample.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackctl.components import mlflow_credentials
from stackctl.components.experiment_trackers.base import ExperimentTracker, TrackedRun
from stackctl.errors import StackctlError
from stackctl.frozen import frozen

if TYPE_CHECKING:
    from mlflow.tracking import MlflowClient

#: Where runs go when ``tracking_uri`` is null, relative to the project root.
DEFAULT_DIR = ".stackctl/mlruns"

log = logging.getLogger(__name__)


@frozen
class _Binding:
    run_id: str
    pipeline: str
    step: str
    tracked: TrackedRun


# Per thread and task (a ContextVar, not an attribute): steps running concurrently in
# one worker share the tracker instance but each logs to its own MLflow run.
_current: ContextVar[_Binding | None] = ContextVar("stackctl_mlflow_step", default=None)


class MlflowTracker:
    """``tracking_uri`` (default: a file store under .stackctl/mlruns), ``experiment``
    (default: the pipeline name) and, for a server, ``username`` / ``password`` /
    ``token`` (write them as ``${secret:NAME}``)."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        uri = config.get("tracking_uri")
        self.tracking_uri: str = uri or (root / DEFAULT_DIR).resolve().as_uri()
        self.experiment: str | None = config.get("experiment") or None
        self._credentials = mlflow_credentials.from_config(config)
        self._client: MlflowClient | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_client": None}  # each process makes its own client

    @property
    def client(self) -> MlflowClient:
        """The MLflow client of ``tracking_uri`` (for anything beyond params and metrics)."""
        if self._client is None:
            if self.tracking_uri.startswith("file:"):
                # MLflow 3 refuses its file store unless asked; it is the zero-setup
                # default here (mlflow-skinny has no sqlite store). An explicit
                # MLFLOW_ALLOW_FILE_STORE=false still wins.
                os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
            # MLflow prints a "View run ... at URL" line to stdout when a server run ends:
            # noise in a step's output (`stackctl runs show` links the run itself).
            os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")
            from mlflow.tracking import MlflowClient

            self._client = MlflowClient(tracking_uri=self.tracking_uri)
        return self._client

    @contextmanager
    def step_run(self, run_id: str, pipeline: str, step: str) -> Iterator[TrackedRun]:
        tracked = TrackedRun()
        token = _current.set(_Binding(run_id, pipeline, step, tracked))
        status = "FAILED"
        try:
            yield tracked
            status = "FINISHED"
        finally:
            _current.reset(token)
            if tracked.id:
                try:
                    with mlflow_credentials.lent(self._credentials):
                        self.client.set_terminated(tracked.id, status)
                except Exception as exc:  # the step's outcome matters more than this
                    log.warning("cannot end MLflow run %s: %s", tracked.id, exc)

    def run_id(self) -> str | None:
        binding = _current.get()
        return binding.tracked.id or None if binding else None

    def ensure_run(self) -> str:
        """The current step's MLflow run id, creating the run if needed."""
        binding = _current.get()
        if binding is None:
            raise StackctlError(
                f"experiment tracker {self.name!r} was used outside a running step",
                hint="log through get_step_context().experiment_tracker inside a @step",
            )
        if not binding.tracked.id:
            with self._translated("start a run"):
                experiment_id = self._experiment_id(self.experiment or binding.pipeline)
                run = self.client.create_run(
                    experiment_id,
                    run_name=f"{binding.run_id}/{binding.step}",
                    tags={
                        "stackctl.run_id": binding.run_id,
                        "stackctl.pipeline": binding.pipeline,
                        "stackctl.step": binding.step,
                    },
                )
            binding.tracked.id = run.info.run_id
        return binding.tracked.id

    def log_params(self, params: Mapping[str, Any]) -> None:
        from mlflow.entities import Param

        run_id = self.ensure_run()
        with self._translated("log params"):
            self.client.log_batch(run_id, params=[Param(k, str(v)) for k, v in params.items()])

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        from mlflow.entities import Metric

        run_id = self.ensure_run()
        stamp = int(time.time() * 1000)
        batch = [Metric(k, float(v), stamp, step or 0) for k, v in metrics.items()]
        with self._translated("log metrics"):
            self.client.log_batch(run_id, metrics=batch)

    def _experiment_id(self, name: str) -> str:
        found = self.client.get_experiment_by_name(name)
        if found is not None:
            return str(found.experiment_id)
        try:
            return str(self.client.create_experiment(name))
        except Exception:  # another step or process created it first
            found = self.client.get_experiment_by_name(name)
            if found is None:
                raise
            return str(found.experiment_id)

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        try:
            with mlflow_credentials.lent(self._credentials):
                yield
        except StackctlError:
            raise
        except Exception as exc:
            raise StackctlError(
                f"experiment tracker {self.name!r} cannot {what} at {self.tracking_uri}: "
                f"{type(exc).__name__}: {_first_line(exc)}",
                hint="check `tracking_uri` in the tracker's config (is the server up?)",
            ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    _tracker: type[ExperimentTracker] = MlflowTracker
