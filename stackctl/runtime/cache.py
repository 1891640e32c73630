"""Step cache keys, and why a key changed between two runs.

A key is the sha256 of its named parts, so ``explain_cache`` can show each part and
which one moved: ``source`` (the step function), ``helper:``/``module:``/``global:``
parts for project-local code and constants the step uses (found by walking the
function's globals and closure, recursively for local helper functions), ``params``,
one ``input:<arg>`` per input artifact digest, ``materializers`` and ``cache_version``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from stackctl.errors import NotFoundError
from stackctl.frozen import frozen
from stackctl.model import ArtifactRecord, RunStatus, StepRun, StepSpec
from stackctl.runtime.code_text import source_text
from stackctl.runtime.imports import unwrap
from stackctl.runtime.materializers import registry_digest
from stackctl.state.base import StateStore

_CONSTANTS = (int, float, str, bool, bytes, type(None))
_THIRD_PARTY = {"site-packages", "dist-packages", ".venv", "venv"}


def sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def canonical(value: Any) -> str:
    """Stable JSON text of a value (non-JSON leaves by repr)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr)


def cache_parts(
    function: Callable[..., Any],
    step: StepSpec,
    params: Mapping[str, Any],
    inputs: Mapping[str, ArtifactRecord],
    root: Path,
    code: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every named part of the step's cache key (``code``: ``code_parts`` computed
    before, e.g. by ``CodeDigests``)."""
    parts = dict(code if code is not None else code_parts(function, step, root))
    parts["params"] = sha256(canonical(params))
    parts.update({f"input:{name}": inputs[name].digest for name in sorted(inputs)})
    parts["materializers"] = registry_digest()
    parts["cache_version"] = step.cache_version
    return parts


def code_parts(function: Callable[..., Any], step: StepSpec, root: Path) -> dict[str, str]:
    """The ``source`` part and the digests of the project-local code it uses."""
    parts = {"source": sha256(f"{step.function}\n{step.outputs}\n{_source(function)}")}
    parts.update(code_dependencies(function, root))
    return parts


class CodeDigests:
    """``code_parts`` once per function and run: reading and hashing source (and walking
    its helpers) is most of a trivial step's cost, and a 500-step chain may call one
    function 500 times. Per run, so an edit between runs is always seen."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._memo: dict[tuple[str, tuple[str, ...]], tuple[object, dict[str, str]]] = {}

    def parts(self, function: Callable[..., Any], step: StepSpec) -> dict[str, str]:
        key = (step.function, step.outputs)
        known = self._memo.get(key)
        if known is not None and known[0] is function:
            return known[1]
        parts = code_parts(function, step, self.root)
        self._memo[key] = (function, parts)
        return parts


def cache_key(parts: Mapping[str, str]) -> str:
    return sha256(canonical(dict(parts)))


def code_dependencies(function: Callable[..., Any], root: Path) -> dict[str, str]:
    """Digests of the project-local functions, classes, modules and constants used."""
    found: dict[str, str] = {}
    seen: set[int] = {id(function)}
    todo = [function]
    while todo:
        current = todo.pop()
        for name, obj in _referenced(current):
            obj = unwrap(obj)
            if isinstance(obj, _CONSTANTS):
                found[f"global:{current.__module__}.{name}"] = sha256(repr(obj))
            elif id(obj) in seen or not _is_local(obj, root):
                continue
            elif isinstance(obj, types.ModuleType):
                found[f"module:{obj.__name__}"] = sha256(Path(str(obj.__file__)).read_bytes())
            elif isinstance(obj, types.FunctionType | type):
                found[f"helper:{obj.__module__}:{obj.__qualname__}"] = sha256(_source(obj))
                if isinstance(obj, types.FunctionType):
                    todo.append(obj)
            seen.add(id(obj))
    return dict(sorted(found.items()))


def _referenced(function: Any) -> Iterator[tuple[str, Any]]:
    """Globals named anywhere in the function's code (nested code included), and its
    closure cells."""
    code = getattr(function, "__code__", None)
    if code is None:
        return
    names: set[str] = set()
    codes = [code]
    while codes:
        current = codes.pop()
        names.update(current.co_names)
        codes.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    namespace = getattr(function, "__globals__", {})
    for name in sorted(names):
        if name in namespace:
            yield name, namespace[name]
    for name, cell in zip(code.co_freevars, function.__closure__ or (), strict=False):
        try:
            yield name, cell.cell_contents
        except ValueError:  # an empty cell
            continue


def _is_local(obj: Any, root: Path) -> bool:
    try:
        file = inspect.getfile(obj)
    except (TypeError, OSError):
        return False
    path = Path(file).resolve()
    return path.is_relative_to(root) and not _THIRD_PARTY & set(path.parts)


def _source(obj: Any) -> str:
    try:
        return source_text(obj)
    except (OSError, TypeError):  # defined in a REPL: fall back to the bytecode
        code = getattr(obj, "__code__", None)
        return repr((code.co_code, code.co_consts)) if code else repr(obj)


@frozen
class CacheExplanation:
    """A step's cache key, part by part, against the previous run of its pipeline."""

    run_id: str
    step: str
    status: RunStatus
    key: str
    cached_from: str
    parts: Mapping[str, str]
    previous_run_id: str | None
    previous_parts: Mapping[str, str]
    changed: tuple[str, ...]  # parts added, removed or different since the previous run


def explain_cache(store: StateStore, run_id: str, step: str) -> CacheExplanation:
    """Why ``step`` of ``run_id`` was (not) a cache hit."""
    run = store.run(run_id)
    current = _step(store, run.id, step)
    if current is None:
        raise NotFoundError(
            f"run {run.id[:8]} has no step {step!r}",
            hint=f"see the steps with `stackctl runs show {run.id[:8]}`",
        )
    previous: StepRun | None = None
    older = False
    for candidate in store.runs(pipeline=run.pipeline, limit=10_000):
        if older and (found := _step(store, candidate.id, step)) and found.cache_parts:
            previous = found
            break
        older = older or candidate.id == run.id
    before = dict(previous.cache_parts) if previous else {}
    now = dict(current.cache_parts)
    changed = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    return CacheExplanation(
        run_id=run.id,
        step=step,
        status=current.status,
        key=current.cache_key,
        cached_from=current.cached_from,
        parts=now,
        previous_run_id=previous.run_id if previous else None,
        previous_parts=before,
        changed=tuple(changed) if previous else (),
    )


def _step(store: StateStore, run_id: str, step: str) -> StepRun | None:
    return next((s for s in store.steps(run_id) if s.step == step), None)
