"""Human renderings of a Plan: Terraform-like text (``plan``) and lines shared with
the markdown comment (``plan_markdown``)."""

from __future__ import annotations

import json
from typing import Any

from stackctl.engine.changes import AttributeChange, Change, Plan
from stackctl.model import SENSITIVE, Action

NO_CHANGES = "No changes. Your infrastructure matches the configuration."

_VERBS = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in place",
    Action.REPLACE: "must be replaced",
    Action.DELETE: "will be destroyed",
    Action.FORGET: "will no longer be managed by stackctl",
}


def value(v: Any, sensitive: bool = False) -> str:
    if sensitive:
        return SENSITIVE
    return json.dumps(v, sort_keys=True, default=str)


def attribute_line(a: AttributeChange) -> str:
    if a.kind == "add":
        text = f"+ {a.path} = {value(a.after, a.sensitive)}"
    elif a.kind == "remove":
        text = f"- {a.path} = {value(a.before, a.sensitive)}"
    else:
        text = f"~ {a.path}: {value(a.before, a.sensitive)} -> {value(a.after, a.sensitive)}"
    return text + (" # forces replacement" if a.forces_replacement else "")


def headline(c: Change) -> str:
    """What happens to one resource, in words (Terraform's ``# x has moved to y``)."""
    if c.importing is not None:
        return f"{c.address} will be imported: {c.reason}"
    if c.action is Action.NOOP and c.previous_address:
        return f"{c.previous_address} has moved to {c.address}"
    moved = f" (moved from {c.previous_address})" if c.previous_address else ""
    reason = c.reason.split("; ", 1)[1] if moved and "; " in c.reason else c.reason
    return f"{c.address}{moved} {_VERBS[c.action]}: {reason}"


def change_lines(c: Change) -> list[str]:
    """``  # x will be created: reason`` / ``  + x`` / ``      + attr = v`` lines."""
    if c.importing is not None:  # adopted, not created: `=` (it is taken as it is)
        lines = [f"  # {headline(c)}", f"  = {c.address}"]
    else:
        lines = [f"  # {headline(c)}", f"{c.action.value:>3} {c.address}"]
    lines += ["      " + attribute_line(a) for a in c.attributes]
    return lines


def summary(plan: Plan) -> str:
    n = plan.counts()
    extra = "".join(f", {n[k]} to {k}" for k in ("move", "forget") if n[k])
    imports = f"{n['import']} to import, " if n["import"] else ""
    return (
        f"Plan: {imports}{n['add']} to add, {n['change']} to change, "
        f"{n['replace']} to replace, {n['destroy']} to destroy{extra}."
    )


def preamble(plan: Plan) -> list[str]:
    """Drift and interrupted applies, which come before the changes."""
    lines: list[str] = []
    if plan.drift:
        lines.append("Refresh found drift (reality differs from state):")
        lines += [f"  ! {d.address}: {d.detail}" for d in plan.drift]
        lines.append("")
    for entry in plan.interrupted:
        lines.append(f"A previous apply was {entry.describe()}; applying this plan completes it.")
    if plan.interrupted:
        lines.append("")
    return lines


def render_text(plan: Plan) -> str:
    lines = preamble(plan)
    if plan.options.destroy and plan.changes:
        lines.append("Destroy plan (the default stack and its components are always kept).")
        lines.append("")
    if not plan.changes:
        lines.append(NO_CHANGES)
        return "\n".join(lines) + "\n"
    lines += ["stackctl will perform the following actions:", ""]
    for change in plan.changes:
        lines += [*change_lines(change), ""]
    lines.append(summary(plan))
    return "\n".join(lines) + "\n"
