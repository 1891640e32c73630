"""A pipeline's `model:` key (schema-checked already): a name, or {name, description, tags}."""

from __future__ import annotations

from stackctl.config.declared import Declared
from stackctl.model import ModelDecl


def model_decl(decl: Declared) -> ModelDecl | None:
    """The ModelDecl of a pipeline declaration; None without a valid `model:`."""
    raw = decl.field("model", (str, dict))
    if isinstance(raw, str):
        return ModelDecl(raw)
    if isinstance(raw, dict):
        return ModelDecl(
            str(raw["name"]),
            str(raw.get("description") or ""),
            tuple(str(t) for t in raw.get("tags") or ()),
        )
    return None
