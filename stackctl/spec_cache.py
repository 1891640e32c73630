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

Two rules because `.stackctl/` may be written (or read) by someone else:

- Nothing that came from the environment is written: every string holding the value of
  a variable the files name in ``${oc.env:...}`` is pickled as a reference (the text
  around it plus the variable's name) and rebuilt from the environment when read. The
  key holds those values only inside an HMAC. (``${secret:...}`` values never reach the
  spec at all: it keeps the reference and a salted digest, see stackctl.config.secrets.)
- A cache file is unpickled only after its HMAC-SHA256 checks out, under a random key
  kept outside the checkout, per user (``$XDG_CACHE_HOME/stackctl/cache.key``, mode
  0600): a file planted or edited by anyone who cannot read that key is a miss, never
  deserialised.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import hmac
import io
import os
import pickle
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from stackctl.model import ProjectSpec

CACHE_FILE = Path(".stackctl") / "cache" / "project.pickle"
PROJECT_FILE = "stackctl.yaml"
FORMAT = 3  # bump when the entry layout changes (3: root-relative key, "movable")
MAGIC = b"stackctl-spec-cache\n"
_MAC_SIZE = hashlib.sha256().digest_size
_PACKAGE = Path(__file__).resolve().parent
_ENV_REF = re.compile(r"\$\{\s*oc\.env\s*:\s*([^,}\s]+)")


def load_cached(root: Path, load: Callable[[], ProjectSpec]) -> ProjectSpec:
    """The project under ``root``: from the cache when nothing it was built from
    changed, else from ``load()`` (then cached)."""
    path = root / CACHE_FILE
    secret = _key(create=False)
    entry = _read(path, secret) if secret is not None else None
    if entry is not None and secret is not None:
        include = entry.get("include", ())
        if hmac.compare_digest(str(entry.get("key")), _fingerprint(root, include, secret)):
            spec = _moved(entry, root)
            if spec is not None:
                return spec
    spec = load()
    with contextlib.suppress(Exception):  # a cache must never break a run
        secret = _key(create=True)
        assert secret is not None
        include = _include_patterns(root)
        key = _fingerprint(root, include, secret)
        entry = {"key": key, "include": include, "spec": spec, "movable": _movable(spec)}
        _write(path, entry, secret, _env_values(root, include))
    return spec


def _movable(spec: ProjectSpec) -> bool:
    """Whether the spec names its root only in ``spec.root``: then it holds in a copy of
    the checkout elsewhere (a moved folder, a CI workspace restored from a cache) with
    ``root`` replaced. A value built from the root path (an interpolation of it, say)
    makes the entry valid in its own folder only."""
    blob = pickle.dumps(replace(spec, root=""), protocol=pickle.HIGHEST_PROTOCOL)
    return spec.root.encode() not in blob


def _moved(entry: dict[str, Any], root: Path) -> ProjectSpec | None:
    """The cached spec for a checkout at ``root`` (None: a miss)."""
    spec = entry.get("spec")
    if not isinstance(spec, ProjectSpec):
        return None
    if spec.root == str(root):
        return spec
    return replace(spec, root=str(root)) if entry.get("movable") is True else None


def key_file() -> Path:
    """Where this user's cache key lives: outside every checkout, readable only by them."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stackctl" / "cache.key"


def _key(*, create: bool) -> bytes | None:
    path = key_file()
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    import tempfile  # only on a write: its import (shutil, random) is ~4 ms

    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")  # created 0600
    with os.fdopen(fd, "wb") as fp:
        fp.write(os.urandom(32))
    with contextlib.suppress(FileExistsError):  # another process won the race: use its key
        os.link(tmp, path)
    Path(tmp).unlink(missing_ok=True)
    data = path.read_bytes()
    return data if len(data) == 32 else None


def _read(path: Path, secret: bytes) -> dict[str, Any] | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + _MAC_SIZE
    if not blob.startswith(MAGIC) or len(blob) < head:
        return None
    payload = blob[head:]
    mac = hmac.new(secret, payload, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, blob[len(MAGIC) : head]):
        return None  # planted, edited or keyed by another user: never unpickled
    try:
        entry = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # an environment reference that no longer resolves: a miss
        return None
    return entry if isinstance(entry, dict) and entry.get("format") == FORMAT else None


def _write(path: Path, entry: dict[str, Any], secret: bytes, env: dict[str, str]) -> None:
    buffer = io.BytesIO()
    _Pickler(buffer, env).dump({"format": FORMAT, **entry})
    payload = buffer.getvalue()
    mac = hmac.new(secret, payload, hashlib.sha256).digest()
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only on a write: its import (shutil, random) is ~4 ms

    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fp:
            fp.write(MAGIC + mac + payload)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Pickler(pickle.Pickler):
    """Pickles every string holding an environment value as a reference to it."""

    def __init__(self, file: io.BytesIO, env: dict[str, str]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        # longest first, so a value containing another is replaced whole
        self._env = sorted(((v, k) for k, v in env.items() if v), key=lambda p: -len(p[0]))

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is not str or not self._env or not any(v in obj for v, _ in self._env):
            return None
        return ("env", _split(obj, self._env))


def _split(text: str, env: list[tuple[str, str]]) -> tuple[tuple[bool, str], ...]:
    """``text`` as parts: (False, literal) or (True, variable name)."""
    for value, name in env:
        if value in text:
            pieces = text.split(value)
            parts: list[tuple[bool, str]] = []
            for i, piece in enumerate(pieces):
                if i:
                    parts.append((True, name))
                parts.extend(_split(piece, env) if piece else ())
            return tuple(parts)
    return ((False, text),)


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        kind, parts = pid
        if kind != "env":
            raise pickle.UnpicklingError(f"unknown reference {kind!r}")
        return "".join(os.environ[text] if is_env else text for is_env, text in parts)


def _env_names(texts: Iterable[bytes]) -> list[str]:
    return sorted({m for text in texts for m in _ENV_REF.findall(text.decode("utf-8", "replace"))})


def _env_values(root: Path, include: Iterable[str]) -> dict[str, str]:
    """The values of the environment variables the project's files name."""
    texts = []
    for file in _files(root, include):
        with contextlib.suppress(OSError):
            texts.append(file.read_bytes())
    return {name: os.environ[name] for name in _env_names(texts) if name in os.environ}


def _files(root: Path, include: Iterable[str]) -> list[Path]:
    files = [root / PROJECT_FILE]
    for pattern in include:
        files += [Path(p) for p in sorted(glob.glob(str(root / pattern), recursive=True))]
    return files


def _include_patterns(root: Path) -> tuple[str, ...]:
    """The include patterns of stackctl.yaml (called after a successful full load)."""
    from stackctl.config.load import DEFAULT_INCLUDE
    from stackctl.config.yaml import read_document, to_plain

    data = to_plain(read_document(root / PROJECT_FILE, PROJECT_FILE).data)
    include = data.get("include", DEFAULT_INCLUDE) if isinstance(data, dict) else ()
    return tuple(str(p) for p in include)


def _fingerprint(root: Path, include: Iterable[str], secret: bytes) -> str:
    # keyed: the digest covers environment values (a password, say), so a plain hash
    # stored in the checkout could be brute-forced offline
    digest = hmac.new(secret, digestmod=hashlib.sha256)
    texts = []
    for file in _files(root, include):
        try:
            data = file.read_bytes()
        except OSError:
            data = b"\0missing"
        texts.append(data)
        # relative to the root, so a copy of the checkout elsewhere is the same key (its
        # spec is only reused when it does not depend on where it lives: _movable)
        digest.update(f"{_relative(file, root)}\0{len(data)}\0".encode())
        digest.update(data)
    for name in _env_names(texts):
        digest.update(f"env\0{name}\0{os.environ.get(name)}\0".encode())
    digest.update("".join(_code_stamps()).encode())  # one update: ~330 lines
    return digest.hexdigest()


def _relative(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:  # an include pattern reaching outside the checkout
        return str(file)


def _code_stamps() -> Iterable[str]:
    """Size and mtime of stackctl's own files (code and schemas, whether from a checkout
    or a wheel) and of every import path folder (installing a plugin touches one)."""
    for folder in (str(_PACKAGE), str(_PACKAGE.parent / "schemas")):
        yield from _tree_stamps(folder)
    yield f"python\0{sys.version}\0{sys.prefix}\n"
    for entry in sys.path:  # where installed packages (and so flavor plugins) live
        if _has_packages(entry):
            with contextlib.suppress(OSError):
                yield f"path\0{entry}\0{Path(entry).stat().st_mtime_ns}\n"


def _tree_stamps(folder: str) -> Iterator[str]:
    """One line per .py and .json file under ``folder``, in sorted path order (as
    ``os.walk`` with sorted names gave them). ``os.scandir`` and plain strings: this
    runs at every ``python run.py``, over ~330 files, and Path objects made it ~7 ms."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    files, folders = [], []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:  # as os.walk: a link to a folder is not walked
            if entry.name != "__pycache__" and not entry.is_symlink():
                folders.append(entry.path)
        elif entry.name.endswith((".py", ".json")):
            files.append(entry)
    for entry in files:
        with contextlib.suppress(OSError):
            st = entry.stat()
            yield f"{folder}/{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\n"
    for sub in folders:
        yield from _tree_stamps(sub)


def _has_packages(entry: str) -> bool:
    """site-packages, or any import path folder holding installed distributions (a
    plugin on PYTHONPATH); not the script's folder, which differs between entry points."""
    if entry.endswith(("site-packages", "dist-packages")):
        return True
    try:
        return any(p.suffix in (".dist-info", ".egg-info") for p in Path(entry or ".").iterdir())
    except OSError:
        return False
