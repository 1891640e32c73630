"""A failed step's run page shows the end of its log (the traceback), not only a link."""

from __future__ import annotations

from pathlib import Path

from stackctl.dashboard import logs
from stackctl.model import Run, RunStatus, StepRun

TRACEBACK = "\n".join(
    ["run r4 stack default step load", "loading the data"]
    + [f"  frame {i}" for i in range(20)]
    + ["Traceback (most recent call last):", '  File "steps.py", line 3, in load',
       "ValueError: the file <has> & no rows", "error: step 'load' failed: ValueError"]
)  # fmt: skip


def test_tail_is_the_last_lines_and_bounded(tmp_path: Path) -> None:
    log = tmp_path / "load.log"
    log.write_text(TRACEBACK + "\n")
    assert logs.tail(str(log), lines=3).splitlines() == [
        '  File "steps.py", line 3, in load',
        "ValueError: the file <has> & no rows",
        "error: step 'load' failed: ValueError",
    ]
    assert logs.tail(str(log), lines=100, limit=40) == "error: step 'load' failed: ValueError"
    assert logs.tail("") == "" and logs.tail(str(tmp_path / "gone.log")) == ""


def test_the_run_page_shows_a_failed_steps_traceback_escaped(dash) -> None:  # type: ignore[no-untyped-def]
    log = dash.root / "r4-load.log"
    log.write_text(TRACEBACK + "\n")
    dash.store.record_run(
        Run("r4dddddddddd", "training", "default", RunStatus.FAILED, "2026-01-04T10:00:00+00:00")
    )
    dash.store.record_step(
        StepRun("r4dddddddddd", "load", RunStatus.FAILED, error="ValueError", log_uri=str(log))
    )
    dash.store.record_step(StepRun("r4dddddddddd", "split", RunStatus.COMPLETED, log_uri=str(log)))
    html = dash.client.get("/runs/r4dddddddddd").text
    assert '<pre class="traceback small">' in html
    assert "ValueError: the file &lt;has&gt; &amp; no rows" in html
    assert html.count('<pre class="traceback') == 1  # only the failed step
    api = dash.client.get("/api/runs/r4dddddddddd").json()
    steps = {s["step"]: s for s in api["steps"]}
    assert steps["load"]["traceback"].endswith("error: step 'load' failed: ValueError")
    assert steps["split"]["traceback"] == ""
