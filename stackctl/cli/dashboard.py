"""`stackctl dashboard`: serve the read-only web dashboard for this project."""

from __future__ import annotations

from typing import Annotated

import typer

from stackctl.cli import options, render
from stackctl.cli.context import open_project


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard)


def dashboard(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on (keep 127.0.0.1 unless you must).",
            envvar="STACKCTL_DASHBOARD_HOST",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            "--port",
            "-p",
            min=0,
            max=65535,
            help="Port (0 picks a free one).",
            envvar="STACKCTL_DASHBOARD_PORT",
        ),
    ] = 8237,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the dashboard in a web browser.")
    ] = False,
    vars_: options.Vars = None,
    var_files: options.VarFiles = None,
) -> None:
    """Serve a read-only web view of stacks, runs, step logs and applies."""
    from stackctl.errors import StackctlError

    try:
        from stackctl.dashboard import serve
    except ImportError as exc:
        raise StackctlError(
            f"the dashboard needs extra packages: {exc}",
            hint="pip install 'stackctl[dashboard]'",
        ) from None
    project = open_project(vars_, var_files)
    sock = serve.bind(host, port)
    render.out(f"stackctl dashboard for {project.root}")
    render.out(f"  {serve.url(sock)}  (read-only: it never changes state)")
    if not serve.is_loopback(host):
        render.err(f"warning: listening on {host}: anyone who can reach it can read your state")
    render.out("Press Ctrl+C to stop.")
    serve.run(project, sock, open_browser=open_browser)
    render.out("dashboard stopped")
