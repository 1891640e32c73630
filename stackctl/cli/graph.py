"""`stackctl graph`: the resource graph, or one pipeline's step DAG, as DOT or Mermaid."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import options, render


def register(app: typer.Typer) -> None:
    app.command("graph")(graph)


def graph(
    pipeline: Annotated[
        str | None, typer.Option("--pipeline", "-p", help="Draw this pipeline's step DAG.")
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", "-f", help="dot (Graphviz) or mermaid.")
    ] = "dot",
    var: options.Vars = None,
    var_file: options.VarFiles = None,
) -> None:
    """Print components -> stacks -> pipelines, or with --pipeline the steps' DAG.

    Pipe DOT into Graphviz (`stackctl graph | dot -Tsvg > graph.svg`); paste Mermaid
    into a Markdown file or a pull-request comment.
    """
    from stackctl import graph as graphs
    from stackctl.cli.context import open_project
    from stackctl.config.schema import closest
    from stackctl.errors import NotFoundError

    if format_ not in ("dot", "mermaid"):
        raise NotFoundError(
            f"unknown graph format {format_!r}", hint="use --format dot or --format mermaid"
        )
    spec = open_project(var, var_file).spec
    if pipeline is None:
        drawn, name = graphs.resource_graph(spec), spec.name
    elif pipeline in spec.pipelines:
        drawn, name = graphs.step_dag(spec.pipelines[pipeline]), pipeline
    else:
        raise NotFoundError(
            f"pipeline {pipeline!r} is not declared",
            hint=closest(pipeline, list(spec.pipelines))
            or f"declared pipelines: {', '.join(spec.pipelines) or 'none'}",
        )
    render.out(graphs.to_dot(drawn, name) if format_ == "dot" else graphs.to_mermaid(drawn))
