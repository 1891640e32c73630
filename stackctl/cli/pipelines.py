"""`stackctl pipelines list`: every declared pipeline, YAML steps or Python source."""

from __future__ import annotations

import typer

from stackctl.cli import options, render

pipelines_app = typer.Typer(help="List the project's pipelines.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(pipelines_app, name="pipelines")


@pipelines_app.command("list")
def list_(json: options.Json = False) -> None:
    """Each pipeline with its kind (yaml, or python for `source:`), steps and where it is
    defined."""
    from stackctl.cli.context import open_project

    project = open_project()
    spec = project.spec
    rows = [
        {
            "name": p.name,
            "kind": "python" if p.source else "yaml",
            "source": p.source,
            "steps": len(p.steps),
            "stack": p.stack,
            "defined": str(p.location) if p.location else "",
        }
        for p in sorted(spec.pipelines.values(), key=lambda p: p.name)
    ]
    if json:
        render.emit_json(rows)
        return
    if not rows:
        render.out(
            "no pipelines declared: not a project (run `stackctl init`)"
            if project.implicit
            else "no pipelines declared (add one under pipelines/*.yaml)"
        )
        return
    render.table(
        None,
        ["NAME", "KIND", "STEPS", "STACK", "DEFINED"],
        [
            [
                r["name"],
                f"python ({r['source']})" if r["source"] else "yaml",
                str(r["steps"]),
                r["stack"] or "-",
                r["defined"],
            ]
            for r in rows
        ],
    )
