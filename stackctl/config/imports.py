"""`import: [{to: ADDR, id: ID}]` blocks (Terraform 1.5), in stackctl.yaml or any
included stack file: collected with their positions, checked against the declared
components once every file is read (each `to` declared, no address imported twice).
What importing does is the engine's (``engine/imports.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from stackctl.config.declared import Collector
from stackctl.config.schema import closest
from stackctl.config.yaml import Document
from stackctl.model import ImportSpec


def collect(
    doc: Document, data: Any, bad: Collection[str]
) -> list[tuple[Document, int, ImportSpec]]:
    """The well-formed blocks of one file (schema errors are reported by the schema)."""
    blocks = data.get("import") if isinstance(data, dict) else None
    if not isinstance(blocks, list):
        return []
    found = []
    for index, block in enumerate(blocks):
        if any(p == f"/import/{index}" or p.startswith(f"/import/{index}/") for p in bad):
            continue
        if (
            isinstance(block, dict)
            and isinstance(block.get("to"), str)
            and isinstance(block.get("id"), str)
        ):
            spec = ImportSpec(block["to"], block["id"], doc.locate(("import", index)))
            found.append((doc, index, spec))
    return found


def check(
    blocks: Sequence[tuple[Document, int, ImportSpec]],
    components: Collection[str],
    out: Collector,
) -> tuple[ImportSpec, ...]:
    """Blocks whose `to` is a declared component, each address once; diagnostics else."""
    first: dict[str, ImportSpec] = {}
    for doc, index, spec in blocks:
        if spec.to not in components:
            hint = closest(spec.to, sorted(components)) or (
                "import adopts a declared component: declare it first, then import it"
            )
            out.add_value(
                doc, ("import", index, "to"), f"import: {spec.to} is not a declared component", hint
            )
        elif spec.to in first:
            out.add_value(
                doc,
                ("import", index, "to"),
                f"import: {spec.to} is also imported at {first[spec.to].location}",
                "an address is imported once: remove one of the blocks",
            )
        else:
            first[spec.to] = spec
    return tuple(first.values())
