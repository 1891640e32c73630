"""Metadata as text: plain keys one per line, each card as a titled block."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from stackctl.cli import render
from stackctl.runtime.metadata_view import cards

_WIDTH = 100  # one value per line, however long it was logged


def value_text(value: Any) -> str:
    """A value in one line: strings as they are, the rest as JSON; cut at _WIDTH."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = text.replace("\n", " ")
    return text if len(text) <= _WIDTH else text[: _WIDTH - 3] + "..."


def metadata_lines(metadata: Mapping[str, Any], indent: str = "  ") -> list[str]:
    plain, grouped = cards(metadata)
    lines = [f"{indent}{key}: {value_text(value)}" for key, value in plain.items()]
    for title, card in grouped.items():
        lines.append(f"{indent}[{title}]")
        lines.extend(metadata_lines(card, indent + "  "))
    return lines


def print_metadata(title: str, metadata: Mapping[str, Any], indent: str = "  ") -> None:
    """``title`` and its keys; nothing at all when nothing was logged."""
    if metadata:
        render.out(f"{indent[:-2]}{title}")
        for line in metadata_lines(metadata, indent):
            render.out(line)
