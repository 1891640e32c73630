"""stackctl: ML stacks and pipelines as code.

The public Python API is loaded lazily (PEP 562) so that ``import stackctl`` and the CLI
start fast::

    from stackctl import step, pipeline, get_step_context
    from stackctl import log_metadata, ExternalArtifact, ArtifactConfig
    from stackctl import alert                  # via the stack's alerter (docs/hooks.md)
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs `stackctl --help` ~10 ms
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "ArtifactConfig",
    "ExternalArtifact",
    "alert",
    "get_step_context",
    "log_metadata",
    "pipeline",
    "step",
]


def __getattr__(name: str) -> Any:
    if name in ("step", "pipeline"):
        from stackctl.runtime import sdk
        from stackctl.startup import freeze_startup

        freeze_startup("sdk")  # what is alive now lives until exit (stackctl/startup.py)
        # The SDK sits below the project layer, so the project hands it the function
        # that runs a pipeline on the active stack (dependency inversion).
        sdk.set_launcher(_launch)
        return getattr(sdk, name)
    if name == "get_step_context":
        from stackctl.runtime.context import get_step_context

        return get_step_context
    if name == "log_metadata":
        from stackctl.runtime.metadata import log_metadata

        return log_metadata
    if name == "hooks":  # `stackctl.hooks.alerter_failure_hook` after `import stackctl`
        import importlib

        return importlib.import_module("stackctl.hooks")
    if name == "alert":
        from stackctl.hooks import alert

        return alert
    if name in ("ExternalArtifact", "ArtifactConfig"):
        from stackctl.runtime import naming

        return getattr(naming, name)
    raise AttributeError(f"module 'stackctl' has no attribute {name!r}")


def _launch(*args: Any, **kwargs: Any) -> Any:
    from stackctl.launch import launch_pipeline

    return launch_pipeline(*args, **kwargs)
