"""Materializers: how a step output becomes bytes in the artifact store, and back.

Chosen by the value's type, first match wins: third-party materializers (entry-point
group ``stackctl.materializers``, or ``register()``), then JSON for plain builtins, raw
bytes, numpy ``.npy`` (memory-mapped on load when the store has local files), pandas
parquet, and last a joblib/pickle fallback that the step log warns about. Loading picks
the materializer by the name recorded with the artifact. A materializer may also have a
``visualize(value) -> list[stackctl.types.Visualization]`` method: it then makes the
visualizations of the values it stores (runtime/visualizations.py; docs/artifacts.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import pickle
import sys
from functools import cache
from typing import Any, BinaryIO, Protocol

from stackctl import plugins
from stackctl.components.artifact_stores.base import ArtifactStore
from stackctl.components.data_validators.materializer import ReportMaterializer
from stackctl.errors import StackctlError

ENTRY_POINT_GROUP = "stackctl.materializers"


class Materializer(Protocol):
    """Writes values of some types to a file object and loads them back."""

    name: str
    version: str  # bump when the format changes: it is part of every cache key
    extension: str
    fallback: bool  # writing through it is logged as a warning

    def handles(self, value: Any) -> bool: ...

    def write(self, value: Any, fp: BinaryIO) -> None: ...

    def load(self, store: ArtifactStore, uri: str) -> Any: ...


def _read(store: ArtifactStore, uri: str) -> bytes:
    with store.open(uri) as fp:
        return fp.read()


_JSON_SCALARS = (type(None), bool, int, float, str)


def _is_json(value: Any) -> bool:
    # Exact types only: an IntEnum or numpy.float64 would come back as a plain number.
    if type(value) in _JSON_SCALARS:
        return True
    if type(value) is list:
        return all(_is_json(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _is_json(v) for k, v in value.items())
    return False


class JsonMaterializer:
    name, version, extension, fallback = "json", "1", "json", False

    def handles(self, value: Any) -> bool:
        return _is_json(value)

    def write(self, value: Any, fp: BinaryIO) -> None:
        fp.write(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())

    def load(self, store: ArtifactStore, uri: str) -> Any:
        return json.loads(_read(store, uri))


class BytesMaterializer:
    name, version, extension, fallback = "bytes", "1", "bin", False

    def handles(self, value: Any) -> bool:
        return type(value) in (bytes, bytearray)

    def write(self, value: Any, fp: BinaryIO) -> None:
        fp.write(value)

    def load(self, store: ArtifactStore, uri: str) -> Any:
        return _read(store, uri)


class NumpyMaterializer:
    name, version, extension, fallback = "numpy", "1", "npy", False

    def handles(self, value: Any) -> bool:
        np = sys.modules.get("numpy")  # never import numpy just to say no
        return np is not None and isinstance(value, np.ndarray) and not value.dtype.hasobject

    def write(self, value: Any, fp: BinaryIO) -> None:
        import numpy as np

        np.save(fp, value, allow_pickle=False)

    def load(self, store: ArtifactStore, uri: str) -> Any:
        import numpy as np

        path = store.local_path(uri)
        if path is not None:
            # copy-on-write map: no read up front, and a step may still modify its input
            return np.load(path, mmap_mode="c", allow_pickle=False)
        return np.load(io.BytesIO(_read(store, uri)), allow_pickle=False)


class PandasMaterializer:
    name, version, extension, fallback = "pandas", "1", "parquet", False

    def handles(self, value: Any) -> bool:
        pd = sys.modules.get("pandas")
        return pd is not None and isinstance(value, pd.DataFrame)

    def write(self, value: Any, fp: BinaryIO) -> None:
        buffer = io.BytesIO()  # pyarrow wants a seekable file
        value.to_parquet(buffer)
        fp.write(buffer.getbuffer())

    def load(self, store: ArtifactStore, uri: str) -> Any:
        import pandas as pd

        path = store.local_path(uri)
        return pd.read_parquet(path if path is not None else io.BytesIO(_read(store, uri)))


class TextMaterializer:
    """``stackctl.types`` strings (HTML, markdown, CSV) as UTF-8 text, loaded back as the
    same type (the JSON materializer takes exact ``str`` only)."""

    version, fallback = "1", False

    def __init__(self, kind: type[str], name: str, extension: str) -> None:
        self.kind, self.name, self.extension = kind, name, extension

    def handles(self, value: Any) -> bool:
        return type(value) is self.kind

    def write(self, value: Any, fp: BinaryIO) -> None:
        fp.write(str(value).encode())

    def load(self, store: ArtifactStore, uri: str) -> Any:
        return self.kind(_read(store, uri).decode())


def _text_materializers() -> list[Materializer]:
    from stackctl.types import CSVString, HTMLString, MarkdownString

    return [
        TextMaterializer(HTMLString, "html", "html"),
        TextMaterializer(MarkdownString, "markdown", "md"),
        TextMaterializer(CSVString, "csv", "csv"),
    ]


class PickleMaterializer:
    """Anything picklable; joblib when installed (efficient for arrays inside models)."""

    version, fallback = "1", True

    def __init__(self, use_joblib: bool) -> None:
        self.use_joblib = use_joblib
        self.name = self.extension = "joblib" if use_joblib else "pickle"

    def handles(self, value: Any) -> bool:
        return True

    def write(self, value: Any, fp: BinaryIO) -> None:
        if self.use_joblib:
            import joblib

            joblib.dump(value, fp)
        else:
            pickle.dump(value, fp, protocol=5)

    def load(self, store: ArtifactStore, uri: str) -> Any:
        with store.open(uri) as fp:
            if self.use_joblib:
                import joblib

                return joblib.load(fp)
            return pickle.load(fp)


def _joblib_installed() -> bool:
    # find_spec, not importlib.metadata: that import and its scan cost more than a run
    return importlib.util.find_spec("joblib") is not None


_registered: list[Materializer] = []


def register(materializer: Materializer) -> None:
    """Add a materializer ahead of the built-ins (tests and programmatic plugins)."""
    _registered.insert(0, materializer)
    materializers.cache_clear()
    registry_digest.cache_clear()


@cache
def materializers() -> tuple[Materializer, ...]:
    """Every materializer in the order they are tried."""
    found: list[Materializer] = []
    for ep in plugins.entry_points(ENTRY_POINT_GROUP):
        try:
            loaded = ep.load()
        except Exception as exc:  # a broken plugin must name itself
            raise StackctlError(
                f"the materializer plugin {ep.name!r} ({ep.value}) failed to load: {exc}",
                hint=f"fix or uninstall the package that provides {ep.value.split(':')[0]!r}",
            ) from None
        found.append(loaded() if isinstance(loaded, type) else loaded)
    fallback = PickleMaterializer(_joblib_installed())
    builtins: list[Materializer] = [
        ReportMaterializer(),  # the validation step's report: JSON + its HTML page
        JsonMaterializer(),
        *_text_materializers(),
        BytesMaterializer(),
        NumpyMaterializer(),
        PandasMaterializer(),
        fallback,
    ]
    return (*_registered, *found, *builtins)


def by_name(name: str) -> Materializer:
    """The materializer that wrote an artifact, by its recorded name."""
    for candidate in (*materializers(), PickleMaterializer(True), PickleMaterializer(False)):
        if candidate.name == name:
            return candidate
    raise StackctlError(
        f"no materializer named {name!r} is installed",
        hint="install the package that provides it (entry point group stackctl.materializers)",
    )


@cache  # part of every step's cache key; cleared by register()
def registry_digest() -> str:
    """Digest of every materializer's name and version (part of each cache key)."""
    names = sorted(f"{m.name}@{m.version}" for m in materializers())
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def type_name(value: Any) -> str:
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    # the public name when the package's top level exports the class: the same on every
    # version (pandas 2 says pandas.core.frame, pandas 3 pandas); nothing is imported
    top = kind.__module__.split(".")[0]
    if getattr(sys.modules.get(top), kind.__qualname__, None) is kind:
        return f"{top}.{kind.__qualname__}"
    return f"{kind.__module__}.{kind.__qualname__}"
