"""The validated-project cache: a hit only when nothing the load read has changed."""

from __future__ import annotations

import pickle

import pytest
from support.projects import local_stacks

from stackctl import spec_cache
from stackctl.components.registry import flavor_schemas, schemas_dir
from stackctl.config.load import load_project
from stackctl.model import ProjectSpec

PROJECT = """\
project: cached
include: [stacks/*.yaml]
vars:
  where: ${oc.env:SPEC_CACHE_TEST_DIR,.stackctl/a}
"""

STACKS = local_stacks('"${vars.where}"')


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.delenv("SPEC_CACHE_TEST_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stackctl.yaml").write_text(PROJECT)
    (tmp_path / "stacks" / "main.yaml").write_text(STACKS)
    return tmp_path


class Loader:
    def __init__(self, root):
        self.root, self.calls = root, 0

    def __call__(self) -> ProjectSpec:
        self.calls += 1
        return load_project(self.root, schemas_dir=schemas_dir(), flavor_schemas=flavor_schemas())


def _store_path(spec: ProjectSpec) -> str:
    return str(spec.components["artifact_store.local"].config["path"])


def test_second_load_is_a_hit(root):
    load = Loader(root)
    first = spec_cache.load_cached(root, load)
    second = spec_cache.load_cached(root, load)
    assert load.calls == 1
    assert second == first


@pytest.mark.parametrize("change", ["edit", "new_file", "env", "corrupt"])
def test_any_change_is_a_miss(root, monkeypatch, change):
    load = Loader(root)
    spec_cache.load_cached(root, load)
    if change == "edit":
        (root / "stacks" / "main.yaml").write_text(STACKS.replace("dev:", "prod:"))
    elif change == "new_file":
        (root / "stacks" / "more.yaml").write_text(
            "stacks:\n  other: {orchestrator: local, artifact_store: local}\n"
        )
    elif change == "env":
        monkeypatch.setenv("SPEC_CACHE_TEST_DIR", ".stackctl/b")
    else:
        (root / spec_cache.CACHE_FILE).write_bytes(b"not a pickle")
    spec = spec_cache.load_cached(root, load)
    assert load.calls == 2
    assert spec == load()
    if change == "env":
        assert _store_path(spec) == ".stackctl/b"


def test_an_entry_of_another_format_is_ignored(root):
    path = root / spec_cache.CACHE_FILE
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps({"format": -1, "key": "x", "spec": None}))
    load = Loader(root)
    spec_cache.load_cached(root, load)
    assert load.calls == 1


def test_an_invalid_project_is_never_cached(root):
    (root / "stacks" / "main.yaml").write_text(STACKS + "bogus: 1\n")
    load = Loader(root)
    with pytest.raises(Exception, match="bogus"):
        spec_cache.load_cached(root, load)
    assert not (root / spec_cache.CACHE_FILE).exists()


def test_no_environment_value_is_written_to_the_cache(root, monkeypatch):
    password = "pg-pass-4f1c9e"  # noqa: S105 (a test value)
    monkeypatch.setenv("SPEC_CACHE_TEST_DIR", f"postgresql://u:{password}@db/x")
    load = Loader(root)
    first = spec_cache.load_cached(root, load)
    assert _store_path(first) == f"postgresql://u:{password}@db/x"
    for file in (root / ".stackctl").rglob("*"):
        if file.is_file():
            assert password.encode() not in file.read_bytes(), file
    second = spec_cache.load_cached(root, load)  # a hit, rebuilt from the environment
    assert load.calls == 1
    assert second == first


def test_a_planted_cache_file_is_never_unpickled(root, tmp_path):
    load = Loader(root)
    spec_cache.load_cached(root, load)
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (marker.write_text, ("unpickled",))

    path = root / spec_cache.CACHE_FILE
    blob = path.read_bytes()
    head = len(spec_cache.MAGIC) + 32
    for forged in (
        pickle.dumps(Payload()),  # an old-style cache
        blob[:head] + pickle.dumps(Payload()),  # a valid header, another payload
        spec_cache.MAGIC + b"0" * 32 + pickle.dumps(Payload()),
    ):
        path.write_bytes(forged)
        spec = spec_cache.load_cached(root, load)
        assert not marker.exists()
        assert spec == load()
    assert spec_cache.key_file().stat().st_mode & 0o077 == 0


def test_a_cache_keyed_by_another_user_is_a_miss(root, monkeypatch, tmp_path):
    load = Loader(root)
    spec_cache.load_cached(root, load)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    spec_cache.load_cached(root, load)
    assert load.calls == 2


def _copy_checkout(root, to):
    import shutil

    to.mkdir()
    for name in ("stackctl.yaml", "stacks", ".stackctl"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, to / name)
        else:
            shutil.copy(source, to / name)
    return to


def test_a_copy_of_the_checkout_elsewhere_is_a_hit_with_its_own_root(root):
    spec_cache.load_cached(root, Loader(root))
    moved = _copy_checkout(root, root / "elsewhere")
    load = Loader(moved)
    spec = spec_cache.load_cached(moved, load)
    assert load.calls == 0
    assert spec == load_project(moved, schemas_dir=schemas_dir(), flavor_schemas=flavor_schemas())
    assert spec.root == str(moved)


def test_a_spec_holding_its_root_elsewhere_is_not_reused_after_a_move(root):
    # a value that is the root path itself: valid only where it was built
    (root / "stackctl.yaml").write_text(PROJECT.replace(".stackctl/a}", f"{root}/store}}"))
    spec_cache.load_cached(root, Loader(root))
    moved = _copy_checkout(root, root / "elsewhere")
    load = Loader(moved)
    spec = spec_cache.load_cached(moved, load)
    assert load.calls == 1
    assert spec.root == str(moved)
    assert _store_path(spec) == f"{root}/store"  # what the file says, loaded afresh
