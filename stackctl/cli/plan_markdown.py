"""A plan as a pull-request comment: counts table, then one section per action
(destroys first), each resource a collapsible ``<details>``.

GitHub refuses comments over 65,536 characters; we stay under LIMIT and say so when
changes had to be left out.
"""

from __future__ import annotations

from stackctl.cli.plan_render import NO_CHANGES, change_lines, headline, preamble, summary
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
                ("move", "move"),
                ("forget", "forget (`.`)"),
            )
            if key not in ("move", "forget") or counts[key]
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
    full = False
    for title, group in _groups(plan):
        section = f"\n#### {title} ({len(group)})\n\n"
        if len(text) + len(section) > LIMIT - _TAIL:
            break
        text += section
        for change in group:
            block = _block(change)
            if len(text) + len(block) > LIMIT - _TAIL:
                full = True
                break
            text += block
            shown += 1
        if full:
            break
    if shown < len(plan.changes):
        text += (
            f"\n> **Truncated:** {len(plan.changes) - shown} of {len(plan.changes)} changes are "
            "not shown to keep this comment under 65,000 characters. "
            "Run `stackctl plan` for the full plan.\n"
        )
    return text


_SECTIONS = (
    ("Destroy", Action.DELETE),
    ("Replace", Action.REPLACE),
    ("Update in place", Action.UPDATE),
    ("Create", Action.CREATE),
    ("Forget (not destroyed)", Action.FORGET),
    ("Move only", Action.NOOP),
)


def _groups(plan: Plan) -> list[tuple[str, list[Change]]]:
    """Changes by action, destroys first; plan (apply) order inside each group."""
    groups: list[tuple[str, list[Change]]] = []
    for title, action in _SECTIONS:
        group = [c for c in plan.changes if c.action is action and c.importing is None]
        if group:
            groups.append((title, group))
    imported = [c for c in plan.changes if c.importing is not None]
    if imported:
        groups.append(("Import", imported))
    return groups


def _block(change: Change) -> str:
    body = "\n".join(line.strip() for line in change_lines(change)[1:])
    if len(body) > _BLOCK_LIMIT:
        body = body[:_BLOCK_LIMIT] + "\n... (attributes truncated)"
    destroy = change.action in (Action.DELETE, Action.REPLACE)
    return (
        f"<details{' open' if destroy else ''}><summary><code>{_symbol(change)}"
        f"</code> {_escape(headline(change))}</summary>\n\n"
        f"```diff\n{body}\n```\n</details>\n"
    )


def _symbol(change: Change) -> str:
    if change.importing is not None:  # adopted as it is, not created
        return "="
    return change.action.value.strip() or ">"


def _escape(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")
