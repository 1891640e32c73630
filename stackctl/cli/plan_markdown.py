"""A plan as a pull-request comment: counts table, destroys first, collapsible details.

GitHub refuses comments over 65,536 characters; we stay under LIMIT and say so when
changes had to be left out.
"""

from __future__ import annotations

from stackctl.cli.plan_render import NO_CHANGES, change_lines, preamble, summary
from stackctl.engine.changes import Change, Plan
from stackctl.model import Action

LIMIT = 65_000
_BLOCK_LIMIT = 8_000  # one huge resource must not starve the others
_TAIL = 400  # room kept for the truncation note


def render_markdown(plan: Plan) -> str:
    counts = plan.counts()
    head = [f"### stackctl plan{f': `{plan.project}`' if plan.project else ''}", ""]
    if plan.changes:
        head += ["| Action | Count |", "| --- | ---: |"]
        head += [
            f"| {label} | {counts[key]} |"
            for key, label in (
                ("destroy", "destroy (`-`)"),
                ("replace", "replace (`-/+`)"),
                ("change", "update (`~`)"),
                ("add", "create (`+`)"),
            )
        ]
        if counts["import"]:  # only when there are imports: older comments stay as they were
            head.append(f"| import (`=`) | {counts['import']} |")
        head += ["", f"**{summary(plan)}**", ""]
    extra = preamble(plan)
    if extra:
        head += ["```", *[line for line in extra if line], "```", ""]
    if not plan.changes:
        return "\n".join([*head, NO_CHANGES]) + "\n"
    text = "\n".join(head)
    shown = 0
    for change in plan.changes:
        body = "\n".join(line.strip() for line in change_lines(change)[1:])
        if len(body) > _BLOCK_LIMIT:
            body = body[:_BLOCK_LIMIT] + "\n... (attributes truncated)"
        destroy = change.action in (Action.DELETE, Action.REPLACE)
        block = (
            f"<details{' open' if destroy else ''}><summary><code>{_symbol(change)}</code> "
            f"<code>{change.address}</code>: {_escape(change.reason)}</summary>\n\n"
            f"```diff\n{body}\n```\n</details>\n"
        )
        if len(text) + len(block) > LIMIT - _TAIL:
            break
        text += block
        shown += 1
    if shown < len(plan.changes):
        text += (
            f"\n> **Truncated:** {len(plan.changes) - shown} of {len(plan.changes)} changes are "
            "not shown to keep this comment under 65,000 characters. "
            "Run `stackctl plan` for the full plan.\n"
        )
    return text


def _escape(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _symbol(change: Change) -> str:
    return "=" if change.importing is not None else change.action.value
