"""`stackctl artifacts show NAME[:VERSION|TAG]`: one version, who made it, its
metadata, who used it, a preview of the value and its visualizations' text forms."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import typer

from stackctl.cli import options, render
from stackctl.cli.artifacts_versions import version_json
from stackctl.cli.metadata_render import metadata_lines
from stackctl.cli.visualization_render import print_visualizations, visualization_json
from stackctl.timefmt import when

Ref = Annotated[str, typer.Argument(help="NAME, NAME:VERSION or NAME:TAG (NAME: the latest).")]


def register(artifacts_app: typer.Typer) -> None:
    artifacts_app.command("show")(show)


def show(
    ref: Ref,
    no_preview: Annotated[
        bool, typer.Option("--no-preview", help="Do not load the value to preview it.")
    ] = False,
    json: options.Json = False,
) -> None:
    """A named artifact version: producer run and step, digest, uri, metadata, preview."""
    from stackctl import launch
    from stackctl.cli.context import open_project
    from stackctl.runtime.artifact_info import version_info
    from stackctl.runtime.naming import parse_ref

    selector = parse_ref(ref)
    project = open_project()
    state = project.read_state()
    info = version_info(
        state, selector, None if no_preview else lambda run: launch.artifact_store_of(project, run)
    )
    v = info.version
    consumers = [{"run_id": c.run_id, "step": c.step, "input": c.arg} for c in info.consumers]
    if json:
        render.emit_json(
            {
                **version_json(v),
                "pipeline": info.run.pipeline,
                "stack": info.run.stack,
                "metadata": info.metadata,
                "consumers": consumers,
                "preview": info.preview,
                "visualizations": [visualization_json(shown) for shown in info.visualizations],
            }
        )
        return
    cached = (
        f" (cached: written by run {v.producer_run_id[:8]})"
        if v.producer_run_id != v.run_id
        else ""
    )
    render.out(f"artifact {v.label}")
    render.out(f"  produced by  run {v.run_id[:8]} step {v.step} (output {v.output}){cached}")
    render.out(f"  pipeline     {info.run.pipeline} on stack {info.run.stack}")
    render.out(f"  created      {when(v.created_at)}")
    render.out(f"  type         {v.type} ({v.materializer})")
    render.out(f"  digest       sha256:{v.digest}")
    render.out(f"  uri          {v.uri}")
    render.out(f"  tags         {', '.join(v.tags) or '-'}")
    if info.metadata:
        render.out("metadata")
        for line in metadata_lines(info.metadata):
            render.out(line)
    if consumers:
        render.out("used by")
        for c in info.consumers:
            render.out(f"  run {c.run_id[:8]} step {c.step} (input {c.arg})")
    if info.preview:
        render.out("preview")
        for line in info.preview.splitlines():
            render.out(f"  {line}")
    print_visualizations(info.visualizations, f"/artifacts/{quote(v.name, safe='')}/{v.version}")
