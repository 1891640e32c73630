"""Reading one project file and checking it against its schema (every file kind).

Its own module so that the loaders of other file kinds (environments, test files)
share it with config/load.py without importing the project loader.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from stackctl.config.schema import load_schema, validate
from stackctl.config.yaml import Document, read_document, to_plain
from stackctl.errors import Diagnostic


def load_document(
    path: Path, root: Path, *, schema: str, schemas_dir: Path
) -> tuple[Document, Any, list[Diagnostic]]:
    """Read a file and check it against one schema; returns (doc, plain data, problems)."""
    doc = read_document(path, display_path(path, root))
    data = to_plain(doc.data)
    return doc, data, list(validate(doc, data, load_schema(schemas_dir / schema)))


# Bind each schema to a named loader once (pre-commit's clientlib does the same).
load_project_file = partial(load_document, schema="project.schema.json")
load_stack_file = partial(load_document, schema="stack-file.schema.json")
load_pipeline_file = partial(load_document, schema="pipeline-file.schema.json")


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to the project root when inside it (how locations are shown)."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
