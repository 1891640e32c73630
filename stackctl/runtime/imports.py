"""Importing step functions by their ``module:qualname`` reference."""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Callable
from typing import Any


class StepError(Exception):
    """A step cannot run or failed: a one-line message plus details for the step log."""

    def __init__(
        self,
        message: str,
        detail: str = "",
        attempts: int = 0,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.attempts = attempts  # calls of the step function made before giving up
        self.cause = cause  # what the step function raised (on_failure hooks get it)


def ensure_on_path(root: str) -> None:
    """Step modules import relative to the project root, as in ``python run.py``."""
    if root not in sys.path:
        sys.path.insert(0, root)


def unwrap(obj: Any) -> Any:
    """The plain function behind a ``@step`` object (or the object itself)."""
    return obj.func if getattr(obj, "__stackctl_step__", False) else obj


def import_function(ref: str, root: str) -> Callable[..., Any]:
    """Import ``module:qualname`` with ``root`` on sys.path (StepError on failure)."""
    module_name, sep, qualname = ref.partition(":")
    if not sep or not module_name or not qualname:
        raise StepError(f"function {ref!r} is not of the form 'package.module:function'")
    ensure_on_path(root)
    try:
        # __main__ covers steps defined in the script that started the run.
        obj: Any = sys.modules["__main__"] if module_name == "__main__" else None
        obj = obj or importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except Exception as exc:
        raise StepError(
            f"cannot import {ref}: {type(exc).__name__}: {exc}", traceback.format_exc()
        ) from None
    function = unwrap(obj)
    if not callable(function):
        raise StepError(f"{ref} is not a function")
    return function  # type: ignore[no-any-return]
