"""Print a plan in the format the user asked for (text, --json or markdown)."""

from __future__ import annotations

from stackctl.cli import render
from stackctl.cli.planning import version
from stackctl.engine.changes import Plan
from stackctl.errors import StackctlError

FORMATS = ("text", "json", "markdown")


def show_plan(plan: Plan, *, json: bool = False, fmt: str = "text") -> None:
    if json:
        fmt = "json"
    if fmt not in FORMATS:
        raise StackctlError(f"unknown --format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    if fmt == "json":
        from stackctl.engine.planjson import plan_json

        render.emit_json(plan_json(plan, version=version()))
    elif fmt == "markdown":
        from stackctl.cli.plan_markdown import render_markdown

        render.out(render_markdown(plan))
    else:
        from stackctl.cli.plan_render import render_text

        render.out(render_text(plan))
