"""`stackctl artifacts versions [NAME]` and `stackctl artifacts tag NAME:VERSION TAG`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from stackctl.cli import options, render
from stackctl.model import ArtifactVersion
from stackctl.timefmt import when


def register(artifacts_app: typer.Typer) -> None:
    artifacts_app.command("versions")(versions)
    artifacts_app.command("tag")(tag)


def version_json(v: ArtifactVersion) -> dict[str, Any]:
    return {**vars(v), "tags": list(v.tags)}


def versions(
    name: Annotated[
        str | None, typer.Argument(help="A named artifact (none: every name, latest version).")
    ] = None,
    json: options.Json = False,
) -> None:
    """The versions of a named artifact, oldest first (or every name)."""
    from stackctl.cli.context import open_project
    from stackctl.runtime.naming import parse_ref

    state = open_project().read_state()
    if name is None:
        latest = state.artifact_names()
        if json:
            render.emit_json([version_json(v) for v in latest])
            return
        render.table(
            None,
            ["name", "versions", "latest run", "type", "created"],
            [[v.name, v.version, v.run_id[:8], v.type, when(v.created_at)] for v in latest],
        )
        return
    found = state.artifact_versions(parse_ref(name).name)
    if json:
        render.emit_json([version_json(v) for v in found])
        return
    render.table(
        None,
        ["version", "run", "step", "digest", "size", "tags", "created"],
        [
            [
                v.version,
                v.run_id[:8],
                f"{v.step}.{v.output}",
                v.digest[:12],
                v.size,
                ", ".join(v.tags),
                when(v.created_at),
            ]
            for v in found
        ],
    )


def tag(
    ref: Annotated[str, typer.Argument(help="NAME:VERSION (or NAME, NAME:TAG) to tag.")],
    tag_name: Annotated[str, typer.Argument(metavar="TAG", help="The tag, e.g. production.")],
    json: options.Json = False,
) -> None:
    """Tag a version (a tag names one version of a name: tagging another moves it)."""
    from stackctl.cli.context import open_project
    from stackctl.runtime.artifact_info import tag_version

    tagged = tag_version(open_project().state(), ref, tag_name)
    if json:
        render.emit_json(version_json(tagged))
        return
    render.out(f"tagged {tagged.label} {tag_name}")
