"""`${secret:NAME}` is refused in pipeline and step params, at validate time.

Params are part of a step's cache key and are recorded with each run, so resolving a
secret into them would write its value to state and .stackctl/cache; keeping the
reference would hand the step the literal text. Steps read secrets themselves instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackctl.config.declared import Collector
from stackctl.config.secrets import env_name
from stackctl.config.yaml import Document, PathKey, walk
from stackctl.model import SECRET_REF


def refuse_secrets(out: Collector, doc: Document, path: PathKey, params: Mapping[str, Any]) -> bool:
    """Report every param leaf (after interpolation) holding a secret; True if none."""
    ok = True
    for sub, leaf in walk(dict(params)):
        if isinstance(leaf, str) and (found := SECRET_REF.search(leaf)):
            name = found[1]
            out.add_value(
                doc,
                (*path, "params", *sub),
                f"params may not hold a secret (${{secret:{name}}}): params are recorded "
                "with each run and in the step cache key",
                f"read it in the step from the environment: os.environ[{env_name(name)!r}]",
            )
            ok = False
    return ok
