"""Move stacks between projects: `stack export` and `stack import` (also ZenML exports).

An export is a valid stack file on its own: the stack plus every component it uses,
config resolved (vars filled in) but secrets kept as `${secret:NAME}` references.
Import writes a new file `stacks/<stack>.yaml`. A component that already exists with the
same flavor and config is reused; one that exists with a different definition is a name
clash, like the stack name itself: both are refused unless `--rename NEW`, which renames
the stack to NEW and each clashing component to `NEW_<name>`.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

from stackctl.catalog.components import check_name
from stackctl.catalog.files import Edit, Outcome
from stackctl.config.edit import StackFile
from stackctl.config.yaml import read_document, to_plain
from stackctl.config.zenml import ImportedStack, is_zenml_export, parse_export
from stackctl.errors import ConfigError, Diagnostic, Location, StackctlError
from stackctl.frozen import frozen
from stackctl.model import COMPONENT_TYPES, REQUIRED_COMPONENT_TYPES, ProjectSpec
from stackctl.project import Project


@frozen
class _Incoming:
    """Stacks and components read from an import file, before clash handling."""

    stacks: dict[str, dict[str, Any]]  # name -> {type: component name, lifecycle?}
    components: dict[tuple[str, str], dict[str, Any]]  # (type, name) -> body
    warnings: list[str]
    secrets: tuple[str, ...] = ()
    origin: str = ""


def export_stack(project: Project, name: str) -> str:
    """Self-contained YAML for stack ``name`` and its components."""
    spec = project.spec
    declared = project.stack(name)
    out = StackFile("", "export")
    for type_, comp in sorted(
        spec.stack_components(name).items(), key=lambda kv: COMPONENT_TYPES.index(kv[0])
    ):
        body: dict[str, Any] = {"flavor": comp.flavor}
        if comp.config:
            body["config"] = dict(comp.config)
        if comp.lifecycle.prevent_destroy:
            body["lifecycle"] = {"prevent_destroy": True}
        out.add_component(type_, comp.name, body)
    stack_body: dict[str, Any] = dict(declared.components)
    if declared.lifecycle.prevent_destroy:
        stack_body["lifecycle"] = {"prevent_destroy": True}
    out.add_stack(name, stack_body)
    header = (
        f"# Stack {name!r} exported by stackctl {version('stackctl')} "
        f"from project {spec.name!r}.\n"
        "# Import it into another project with: stackctl stack import FILE\n"
    )
    return header + out.text


def import_stacks(
    project: Project, path: Path, *, rename: str | None = None, skip_unknown: bool = False
) -> Outcome:
    """Add the stacks of an export file (stackctl's or ZenML's) to the project."""
    edit = Edit(project)
    incoming = _read(path, skip_unknown)
    if rename is not None:
        check_name(rename, "stack")
        if len(incoming.stacks) != 1:
            raise StackctlError(
                f"--rename needs a file with one stack; {path} has {len(incoming.stacks)}",
                hint="import without --rename, or split the file",
            )
    stacks, components, notes = _resolve_clashes(edit.spec, incoming, rename)
    first = next(iter(stacks))
    rel = edit.new_file(first)
    target = edit.open(rel)
    for (type_, name), body in components.items():
        target.add_component(type_, name, body)
    for name, body in stacks.items():
        target.add_stack(name, body)
    target.prepend_comment(
        f"Imported from {path.name}{incoming.origin} by `stackctl stack import`."
    )
    edit.commit()
    warnings = [*incoming.warnings, *notes]
    if incoming.secrets:
        warnings.append(
            "this stack reads secrets "
            + ", ".join(incoming.secrets)
            + ": set STACKCTL_SECRET_<NAME> or add them to .stackctl/secrets.yaml"
        )
    return Outcome(
        f"Imported stack{'s' if len(stacks) > 1 else ''} {', '.join(map(repr, stacks))} "
        f"into {rel}.",
        (rel,),
        tuple(warnings),
        ("stackctl plan", "stackctl apply", f"stackctl stack set {first}"),
        {"stacks": list(stacks), "file": rel},
    )


def _read(path: Path, skip_unknown: bool) -> _Incoming:
    doc = read_document(path, str(path))
    data = to_plain(doc.data)
    if is_zenml_export(data):
        return _from_zenml(parse_export(data, str(path)), str(path), skip_unknown)
    if not isinstance(data, dict) or not isinstance(data.get("stacks"), dict) or not data["stacks"]:
        raise ConfigError(
            [
                doc.error(
                    (),
                    "expected a stack file with `stacks:` (from `stackctl stack export`) "
                    "or a `zenml stack export` file",
                    "check the file you passed",
                )
            ]
        )
    components = {
        (str(t), str(n)): dict(body)
        for t, named in (data.get("components") or {}).items()
        for n, body in (named or {}).items()
    }
    return _Incoming(dict(data["stacks"]), components, [])


def _from_zenml(imported: ImportedStack, display: str, skip_unknown: bool) -> _Incoming:
    from stackctl.components.registry import flavor_names

    unknown: list[str] = []
    warnings = list(imported.warnings)
    refs: dict[str, Any] = {}
    components: dict[tuple[str, str], dict[str, Any]] = {}
    for type_, comp in imported.components.items():
        known = flavor_names(type_) if type_ in COMPONENT_TYPES else []
        if comp.flavor not in known:
            kind = type_ if type_ in COMPONENT_TYPES else f"{type_} (not a stackctl type)"
            problem = (
                f"{kind} {comp.name!r}: flavor {comp.zenml_flavor!r} is not available "
                f"(known: {', '.join(known) or 'none'})"
            )
            if skip_unknown and type_ not in REQUIRED_COMPONENT_TYPES:
                warnings.append("skipped " + problem)
                continue
            unknown.append(problem)
            continue
        refs[type_] = comp.name
        body: dict[str, Any] = {"flavor": comp.flavor}
        if comp.config:
            body["config"] = dict(comp.config)
        components[(type_, comp.name)] = body
    if unknown:
        required = any(p.split(" ")[0] in REQUIRED_COMPONENT_TYPES for p in unknown)
        raise StackctlError(
            f"cannot import ZenML stack {imported.name!r}: " + "; ".join(unknown),
            hint="a stack needs a known orchestrator and artifact store: edit the file to "
            "use one (see `stackctl flavor list`)"
            if required
            else "pass --skip-unknown to import without them (see `stackctl flavor list`)",
            location=Location(display),
        )
    origin = f" (ZenML {imported.zenml_version} stack export)" if imported.zenml_version else ""
    return _Incoming({imported.name: refs}, components, warnings, imported.secrets, origin)


def _resolve_clashes(
    spec: ProjectSpec, incoming: _Incoming, rename: str | None
) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], dict[str, Any]], list[str]]:
    notes: list[str] = []
    clashes: list[str] = []
    new_names: dict[tuple[str, str], str] = {}
    components: dict[tuple[str, str], dict[str, Any]] = {}
    for (type_, name), body in incoming.components.items():
        existing = spec.components.get(f"{type_}.{name}")
        if existing is None:
            components[(type_, name)] = body
        elif existing.flavor == body.get("flavor") and dict(existing.config) == (
            body.get("config") or {}
        ):
            notes.append(f"reused the existing {type_} {name!r} (same flavor and config)")
        elif rename is None:
            clashes.append(f"{type_} {name!r}")
        else:
            fresh = f"{rename}_{name}"
            if f"{type_}.{fresh}" in spec.components:
                clashes.append(f"{type_} {fresh!r}")
                continue
            new_names[(type_, name)] = fresh
            components[(type_, fresh)] = body
            notes.append(f"renamed the incoming {type_} {name!r} to {fresh!r} (name clash)")
    stacks: dict[str, dict[str, Any]] = {}
    for name, body in incoming.stacks.items():
        target = rename or name
        if target in spec.stacks:
            clashes.append(f"stack {target!r}")
        refs = {
            k: new_names.get((k, v), v) if k in COMPONENT_TYPES else v
            for k, v in (body or {}).items()
        }
        stacks[target] = refs
    if clashes:
        raise StackctlError(
            "already declared with a different definition: " + ", ".join(clashes),
            hint="pass --rename NEW: the stack becomes NEW and clashing components NEW_<name>"
            if rename is None
            else "pick another --rename",
        )
    if not stacks:
        raise ConfigError([Diagnostic(Location("import"), "no stack to import")])
    return stacks, components, notes
