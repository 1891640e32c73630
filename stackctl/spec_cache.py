"""A per-checkout cache of the validated project, so pipelines start fast.

Loading a project reads YAML (ruamel), checks it against JSON Schemas (jsonschema) and
resolves interpolations (OmegaConf): about 150 ms of imports and work, more than a whole
100-step run of trivial steps. Running a pipeline only reads the result, so
``load_cached`` keeps it in ``.stackctl/cache/project.pickle`` (per checkout, never
committed), keyed by everything the load reads: the bytes of stackctl.yaml and of every
file its ``include`` patterns match now, the values of the environment variables the
files name in ``${oc.env:...}``, the stackctl code and shipped schemas, and the installed
packages (flavor plugins). Any difference is a miss and a full load, which reports every
error as always; a cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from stackctl.model import ProjectSpec

CACHE_FILE = Path(".stackctl") / "cache" / "project.pickle"
PROJECT_FILE = "stackctl.yaml"
FORMAT = 1  # bump when the entry layout changes
_PACKAGE = Path(__file__).resolve().parent
_ENV_REF = re.compile(r"\$\{\s*oc\.env\s*:\s*([^,}\s]+)")


def load_cached(root: Path, load: Callable[[], ProjectSpec]) -> ProjectSpec:
    """The project under ``root``: from the cache when nothing it was built from
    changed, else from ``load()`` (then cached)."""
    path = root / CACHE_FILE
    entry = _read(path)
    if entry is not None and entry.get("key") == _fingerprint(root, entry.get("include", ())):
        spec = entry.get("spec")
        if isinstance(spec, ProjectSpec):
            return spec
    spec = load()
    with contextlib.suppress(Exception):  # a cache must never break a run
        include = _include_patterns(root)
        _write(path, {"key": _fingerprint(root, include), "include": include, "spec": spec})
    return spec


def _read(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fp:
            entry = pickle.load(fp)
    except Exception:  # missing, truncated, or written by other code: a miss
        return None
    return entry if isinstance(entry, dict) and entry.get("format") == FORMAT else None


def _write(path: Path, entry: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fp:
            pickle.dump({"format": FORMAT, **entry}, fp, protocol=pickle.HIGHEST_PROTOCOL)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _include_patterns(root: Path) -> tuple[str, ...]:
    """The include patterns of stackctl.yaml (called after a successful full load)."""
    from stackctl.config.load import DEFAULT_INCLUDE
    from stackctl.config.yaml import read_document, to_plain

    data = to_plain(read_document(root / PROJECT_FILE, PROJECT_FILE).data)
    include = data.get("include", DEFAULT_INCLUDE) if isinstance(data, dict) else ()
    return tuple(str(p) for p in include)


def _fingerprint(root: Path, include: Iterable[str]) -> str:
    digest = hashlib.sha256()
    texts = []
    files = [root / PROJECT_FILE]
    for pattern in include:
        files += [Path(p) for p in sorted(glob.glob(str(root / pattern), recursive=True))]
    for file in files:
        try:
            data = file.read_bytes()
        except OSError:
            data = b"\0missing"
        texts.append(data)
        digest.update(f"{file}\0{len(data)}\0".encode())
        digest.update(data)
    names = sorted({m for text in texts for m in _ENV_REF.findall(text.decode("utf-8", "replace"))})
    for name in names:
        digest.update(f"env\0{name}\0{os.environ.get(name)}\0".encode())
    for line in _code_stamps():
        digest.update(line.encode())
    return digest.hexdigest()


def _code_stamps() -> Iterable[str]:
    """Size and mtime of stackctl's own files (code and schemas, whether from a checkout
    or a wheel) and of every import path folder (installing a plugin touches one)."""
    folders = [_PACKAGE, _PACKAGE.parent / "schemas"]
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".py", ".json")):
                    with contextlib.suppress(OSError):
                        st = (Path(dirpath) / name).stat()
                        yield f"{dirpath}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n"
    yield f"python\0{sys.version}\0{sys.prefix}\n"
    for entry in sys.path:  # where installed packages (and so flavor plugins) live
        if _has_packages(entry):
            with contextlib.suppress(OSError):
                yield f"path\0{entry}\0{Path(entry).stat().st_mtime_ns}\n"


def _has_packages(entry: str) -> bool:
    """site-packages, or any import path folder holding installed distributions (a
    plugin on PYTHONPATH); not the script's folder, which differs between entry points."""
    if entry.endswith(("site-packages", "dist-packages")):
        return True
    try:
        return any(p.suffix in (".dist-info", ".egg-info") for p in Path(entry or ".").iterdir())
    except OSError:
        return False
