"""Which pip extras are installed: a component whose extra is missing is a validation
error with the install command, never an ImportError traceback at run time.

Only `importlib.util.find_spec` is used (nothing is imported), so validate stays fast.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from importlib import metadata

from stackctl.errors import Diagnostic, Location
from stackctl.model import ComponentSpec

# The modules each extra of pyproject.toml brings (keep in step with its extras).
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "dask": ("dask", "distributed"),
    "ray": ("ray",),
    "postgres": ("psycopg",),
    "s3": ("s3fs",),
    "mlflow": ("mlflow",),
    "dashboard": ("starlette", "uvicorn", "jinja2"),
    "examples": ("sklearn", "pandas", "pyarrow", "numpy"),
    "validation": ("pandera", "pandas"),
    "feast": ("feast",),
}
# The distribution to report the version of, per extra.
EXTRA_DISTRIBUTION = {
    "dask": "distributed",
    "ray": "ray",
    "postgres": "psycopg",
    "s3": "s3fs",
    "mlflow": "mlflow-skinny",
    "dashboard": "starlette",
    "examples": "scikit-learn",
    "validation": "pandera",
    "feast": "feast",
}


def install_command(extra: str) -> str:
    return f"pip install 'stackctl[{extra}]'"


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken or blocked package counts as missing
        return False


def installed(extra: str) -> bool:
    """True when every module the extra brings can be imported."""
    return all(_present(m) for m in EXTRA_MODULES.get(extra, ()))


def version(extra: str) -> str | None:
    """The installed version of the extra's main distribution (None when missing)."""
    if not installed(extra):
        return None
    try:
        return metadata.version(EXTRA_DISTRIBUTION[extra])
    except (KeyError, metadata.PackageNotFoundError):
        return "installed"


def missing_extras(components: Iterable[ComponentSpec]) -> list[Diagnostic]:
    """One diagnostic per component whose flavor's extra is not installed."""
    from stackctl.components.registry import flavors

    known = flavors()
    problems: list[Diagnostic] = []
    for component in components:
        flavor = known.get((component.type, component.flavor))
        if flavor is None or flavor.extra is None or installed(flavor.extra):
            continue
        problems.append(
            Diagnostic(
                component.location or Location(""),
                f"{component.type} {component.name!r} (flavor {component.flavor}) needs "
                f"stackctl[{flavor.extra}], which is not installed",
                hint=f"install stackctl[{flavor.extra}]: {install_command(flavor.extra)}",
            )
        )
    return problems
