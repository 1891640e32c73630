"""What building one pipeline needs from the builder of the whole project.

``config/build.py`` (the Builder, every file and cross-file check) calls
``config/steps.py`` (one pipeline and its steps); steps needs only the project's
variables, the diagnostics collector and the injected pipeline check. Naming that
here, instead of importing the Builder, keeps the two modules out of an import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from stackctl.config.declared import Collector
from stackctl.errors import Diagnostic
from stackctl.model import PipelineSpec

#: Checks a (possibly partial) pipeline, e.g. for cycles; injected by the project layer
#: because config/ may not import graph.py.
PipelineCheck = Callable[[PipelineSpec], list[Diagnostic]]


class BuildContext(Protocol):
    """The part of the Builder that building a pipeline reads."""

    @property
    def vars(self) -> Mapping[str, Any]: ...

    @property
    def out(self) -> Collector: ...

    @property
    def check_pipeline(self) -> PipelineCheck: ...
