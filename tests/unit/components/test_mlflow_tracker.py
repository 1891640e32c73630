"""The ``mlflow`` experiment tracker on a local MLflow store, read back with MlflowClient."""

from __future__ import annotations

import pickle
import threading

import pytest

from stackctl.components.experiment_trackers.mlflow import MlflowTracker
from stackctl.errors import StackctlError


@pytest.fixture
def tracker(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    return MlflowTracker("mlflow", {}, tmp_path)


def read(tracker, run_id):
    return tracker.client.get_run(run_id)


def test_defaults_to_a_file_store_under_the_project(tmp_path):
    tracker = MlflowTracker("t", {}, tmp_path)
    assert tracker.tracking_uri == (tmp_path / ".stackctl" / "mlruns").resolve().as_uri()
    assert tracker.experiment is None
    other = MlflowTracker("t", {"tracking_uri": "http://mlflow:5000", "experiment": "e"}, tmp_path)
    assert (other.tracking_uri, other.experiment) == ("http://mlflow:5000", "e")


def test_a_step_logs_to_a_run_named_after_the_stackctl_run_and_step(tracker):
    with tracker.step_run("r123", "training", "evaluate") as tracked:
        assert tracker.run_id() is None  # nothing logged yet: no MLflow run
        tracker.log_params({"seed": 42, "model": "logreg"})
        tracker.log_metrics({"accuracy": 0.9})
        tracker.log_metrics({"accuracy": 0.95}, step=1)
        assert tracker.run_id() == tracked.id != ""
    assert tracker.run_id() is None
    run = read(tracker, tracked.id)
    assert run.info.run_name == "r123/evaluate"
    assert run.info.status == "FINISHED"
    assert run.data.params == {"seed": "42", "model": "logreg"}
    assert run.data.metrics == {"accuracy": 0.95}
    history = tracker.client.get_metric_history(tracked.id, "accuracy")
    assert [(m.step, m.value) for m in history] == [(0, 0.9), (1, 0.95)]
    assert run.data.tags["stackctl.run_id"] == "r123"
    assert run.data.tags["stackctl.step"] == "evaluate"
    experiment = tracker.client.get_experiment(run.info.experiment_id)
    assert experiment.name == "training"  # the pipeline name by default


def test_a_configured_experiment_and_a_failed_step(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    tracker = MlflowTracker("t", {"experiment": "iris"}, tmp_path)
    with pytest.raises(RuntimeError):
        with tracker.step_run("r1", "training", "train") as tracked:
            tracker.log_metrics({"loss": 1.0})
            raise RuntimeError("diverged")
    run = read(tracker, tracked.id)
    assert run.info.status == "FAILED"
    assert tracker.client.get_experiment(run.info.experiment_id).name == "iris"


def test_steps_that_log_nothing_leave_no_runs(tracker):
    with tracker.step_run("r1", "p", "quiet") as tracked:
        pass
    assert tracked.id == ""
    assert tracker.client.get_experiment_by_name("p") is None


def test_logging_outside_a_step_says_where_to_log(tracker):
    with pytest.raises(StackctlError, match="outside a running step") as caught:
        tracker.log_metrics({"a": 1.0})
    assert "get_step_context().experiment_tracker" in caught.value.hint


def test_concurrent_steps_in_threads_log_to_their_own_runs(tracker):
    ids = {}

    def step(name):
        with tracker.step_run("r1", "p", name) as tracked:
            tracker.log_metrics({"value": float(len(name))})
        ids[name] = tracked.id

    threads = [threading.Thread(target=step, args=(n,)) for n in ("a", "bb", "ccc")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids.values())) == 3
    for name, run_id in ids.items():
        run = read(tracker, run_id)
        assert run.info.run_name == f"r1/{name}"
        assert run.data.metrics == {"value": float(len(name))}


def test_pickles_without_its_client(tracker):
    _ = tracker.client
    clone = pickle.loads(pickle.dumps(tracker))
    assert clone._client is None and clone.tracking_uri == tracker.tracking_uri


def test_an_unreachable_server_is_a_stackctl_error(tmp_path, monkeypatch):
    # MLflow retries for minutes by default; these are its documented knobs
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
    tracker = MlflowTracker("t", {"tracking_uri": "http://127.0.0.1:1"}, tmp_path)
    with tracker.step_run("r1", "p", "s"):
        with pytest.raises(StackctlError, match="cannot start a run at http://127.0.0.1:1") as e:
            tracker.log_params({"a": 1})
    assert "tracking_uri" in e.value.hint
