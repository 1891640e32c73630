"""The live view: a running run's page updates step states without reloading."""

from __future__ import annotations

from playwright.sync_api import expect

from stackctl.model import Run, RunStatus, StepRun


def test_running_run_updates_in_place_then_reloads_when_done(page, url, project):
    from stackctl.state.sqlite import SqliteStateStore

    writer = SqliteStateStore(project / ".stackctl" / "state.db")
    try:
        run = Run("live0000run1", "tiny", "default", RunStatus.RUNNING, "2030-01-01T00:00:00+00:00")
        writer.record_run(run)
        writer.record_step(StepRun(run.id, "make", RunStatus.RUNNING))

        page.goto(url + "runs/" + run.id)
        node = page.locator('svg.dag g.node[data-step="make"]')
        assert node.get_attribute("data-status") == "running"
        assert (
            page.locator('svg.dag g.node[data-step="report"]').get_attribute("data-status")
            == "pending"
        )
        page.evaluate("window.__sameDocument = true")

        writer.record_step(StepRun(run.id, "make", RunStatus.COMPLETED, duration_s=1.25))
        expect(node).to_have_attribute("data-status", "completed")  # polls; the CSP forbids eval
        assert page.evaluate("window.__sameDocument") is True  # updated in place, no reload
        assert node.locator("text.caption").text_content() == "completed \u00b7 1.25s"
        row = page.locator('tr[data-step="make"] [data-field="status"]')
        assert row.inner_text() == "completed"

        writer.finish_run(run.id, RunStatus.COMPLETED, "2030-01-01T00:00:05+00:00")
        expect(page.locator("[data-live-run]")).to_have_count(0)  # reloaded once done
        assert page.evaluate("window.__sameDocument") is None
        assert page.locator('[data-field="run-status"]').inner_text() == "completed"
    finally:
        writer.close()
