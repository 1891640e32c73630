"""Finding a ``@pipeline`` function by its ``MODULE:FUNCTION`` reference.

`stackctl run MODULE:FUNCTION` and a YAML pipeline's ``source: MODULE:FUNCTION`` both
come through here. Importing the module runs its top level (as ``python -c "import
MODULE"`` would), then the pipeline body runs once with placeholders to record its steps
(see compiler.py): no step runs. Every failure is one located StackctlError with the fix.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any

from stackctl.errors import ConfigError, Location, NotFoundError, StackctlError
from stackctl.model import PipelineSpec
from stackctl.runtime.imports import ensure_on_path

#: `package.module:function` (the function may be a dotted attribute path too).
SOURCE_REF = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\Z")


def is_source_ref(text: str) -> bool:
    """Whether ``text`` names a Python pipeline (``MODULE:FUNCTION``), not a YAML one."""
    return ":" in text


def load_pipeline(ref: str, root: Path, where: Location | None = None) -> PipelineSpec:
    """The PipelineSpec of the ``@pipeline`` object ``ref`` names, importable from
    ``root``; ``where`` is the place the reference was written (default: the argument)."""
    where = where or Location(ref)
    if not SOURCE_REF.match(ref):
        raise StackctlError(
            f"{ref!r} is not a MODULE:FUNCTION reference",
            location=where,
            hint="write it as package.module:function, e.g. run:training for run.py",
        )
    module_name, _, qualname = ref.partition(":")
    from stackctl.runtime.annotation_names import check_source

    # every bad artifact name at its file:line:col, before the import fails on the first
    if problems := check_source(module_name, root):
        raise ConfigError(problems)
    module = _import(module_name, ref, root, where)
    obj: Any = module
    for part in qualname.split("."):
        if not hasattr(obj, part):
            found = getattr(module, "__file__", None)
            raise NotFoundError(
                f"module {module_name!r} has no {qualname!r}",
                location=Location(_display(found, root)) if found else where,
                hint=_pipelines_hint(module, module_name),
            )
        obj = getattr(obj, part)
    from stackctl.runtime.sdk import Pipeline

    if not isinstance(obj, Pipeline):
        raise StackctlError(
            f"{ref} is not a @pipeline function",
            location=_defined_at(obj, root) or where,
            hint="decorate it with `@pipeline` (from stackctl import pipeline)"
            + (f"; {_pipelines_hint(module, module_name)}" if _pipelines(module) else ""),
        )
    return obj.spec


def _import(module_name: str, ref: str, root: Path, where: Location) -> Any:
    ensure_on_path(str(root))
    if module_name == "__main__":
        return sys.modules["__main__"]
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == module_name or module_name.startswith(exc.name + ".")):
            raise NotFoundError(
                f"cannot import {ref}: no module named {exc.name!r} under {root}",
                location=where,
                hint=f"MODULE is a Python module path from {root}, e.g. run for run.py",
            ) from None
        raise _failed(ref, exc, root, where) from None
    except StackctlError:
        raise
    except Exception as exc:
        raise _failed(ref, exc, root, where) from None


def _failed(ref: str, exc: BaseException, root: Path, where: Location) -> StackctlError:
    """An error raised while importing user code, located at the line that raised it."""
    tb = exc.__traceback__
    location = where
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith("<") and Path(filename).resolve().is_relative_to(root):
            location = Location(_display(filename, root), tb.tb_lineno, 1)
        tb = tb.tb_next
    return StackctlError(
        f"cannot import {ref}: {type(exc).__name__}: {exc}",
        location=location,
        hint="fix the error in the module (STACKCTL_DEBUG=1 shows the traceback)",
    )


def _pipelines(module: Any) -> list[str]:
    from stackctl.runtime.sdk import Pipeline

    return sorted(n for n, v in vars(module).items() if isinstance(v, Pipeline))


def _pipelines_hint(module: Any, module_name: str) -> str:
    found = _pipelines(module)
    if not found:
        return f"module {module_name!r} defines no @pipeline function"
    return "its @pipeline functions: " + ", ".join(f"{module_name}:{n}" for n in found)


def _defined_at(obj: Any, root: Path) -> Location | None:
    try:
        filename = inspect.getsourcefile(obj)
        _, line = inspect.getsourcelines(obj)
    except (TypeError, OSError):
        return None
    return Location(_display(filename, root), line, 1) if filename else None


def _display(filename: str, root: Path) -> str:
    path = Path(filename).resolve()
    return (
        str(path.relative_to(root.resolve())) if path.is_relative_to(root.resolve()) else filename
    )
