"""What `artifacts prune` may list and delete in a store: only what stackctl wrote."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from stackctl.components.artifact_stores.local import LocalArtifactStore
from stackctl.components.artifact_stores.sweep import Entry, entries, is_ours, remove

SHA = "ab" + "1" * 62


@pytest.mark.parametrize(
    ("key", "ours"),
    [
        (f"ab/{SHA}/output.json", True),
        (f"cd/{SHA}/output.json", False),  # prefix is not the digest's
        (f"ab/{SHA[:-1]}/output.json", False),
        (f"ab/{SHA}/x/output.json", False),
        ("logs/0123abcd/train.log", True),
        ("logs/0123abcd/train.log/000001-w1", True),
        ("logs/0123abcd/train.txt", False),
        (".tmp/123-abc.part", True),
        (".tmp/notes.txt", False),
        ("README.md", False),
        ("../outside/ab/x", False),
    ],
)
def test_only_stackctl_keys_are_ours(key: str, ours: bool) -> None:
    assert is_ours(key) is ours


def test_local_listing_skips_foreign_files_and_symlinks(tmp_path: Path) -> None:
    store = LocalArtifactStore("local", {"path": "store"}, tmp_path)
    obj = store.put("a.bin", lambda fp: fp.write(b"data"))
    (store.path / "README.md").write_text("mine, not stackctl's")
    outside = tmp_path / "precious.bin"
    outside.write_bytes(b"keep")
    link = store.path / "cd" / ("cd" + "2" * 62) / "a.bin"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)

    found = list(entries(store))

    assert [e.key for e in found] == [obj.uri.split("store/", 1)[1]]
    assert found[0].size == 4


def test_local_remove_puts_back_an_object_reused_meanwhile(tmp_path: Path) -> None:
    store = LocalArtifactStore("local", {"path": "store"}, tmp_path)
    obj = store.put("a.bin", lambda fp: fp.write(b"data"))
    old = time.time() - 3600
    os.utime(obj.uri, (old, old))
    entry = next(iter(entries(store)))
    store.put("a.bin", lambda fp: fp.write(b"data"))  # a run finds it published: refreshed

    assert remove(store, entry, cutoff=time.time() - 60) is False
    assert Path(obj.uri).read_bytes() == b"data"
    os.utime(obj.uri, (old, old))
    assert remove(store, entry, cutoff=time.time() - 60) is True
    assert not Path(obj.uri).exists()
    assert list(entries(store)) == []  # nothing left aside in staging


def test_a_put_after_removal_publishes_again(tmp_path: Path) -> None:
    store = LocalArtifactStore("local", {"path": "store"}, tmp_path)
    obj = store.put("a.bin", lambda fp: fp.write(b"data"))
    remove(store, Entry(obj.uri.split("store/", 1)[1], 4, 0), cutoff=time.time() + 60)
    assert not Path(obj.uri).exists()
    again = store.put("a.bin", lambda fp: fp.write(b"data"))
    assert Path(again.uri).read_bytes() == b"data"


def _set_aside_then_killed(store: LocalArtifactStore, key: str) -> Path:
    """What a prune killed right after moving ``key`` aside leaves behind."""
    import base64

    token = base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")
    aside = store.path / ".tmp" / f"4242-prune-0123456789ab-{token}.aside"
    aside.parent.mkdir(parents=True, exist_ok=True)
    (store.path / key).rename(aside)
    return aside


def test_an_object_a_killed_prune_set_aside_comes_back(tmp_path: Path) -> None:
    store = LocalArtifactStore("local", {"path": "store"}, tmp_path)
    obj = store.put("a.bin", lambda fp: fp.write(b"data"))
    key = Path(obj.uri).relative_to(store.path).as_posix()
    aside = _set_aside_then_killed(store, key)
    assert not Path(obj.uri).exists()

    listed = [e.key for e in entries(store)]  # the next prune's listing

    assert listed == [key] and not aside.exists()
    assert Path(obj.uri).read_bytes() == b"data"


def test_a_set_aside_copy_of_a_republished_object_is_dropped(tmp_path: Path) -> None:
    store = LocalArtifactStore("local", {"path": "store"}, tmp_path)
    obj = store.put("a.bin", lambda fp: fp.write(b"data"))
    key = Path(obj.uri).relative_to(store.path).as_posix()
    aside = _set_aside_then_killed(store, key)
    store.put("a.bin", lambda fp: fp.write(b"data"))  # a run published it again

    assert [e.key for e in entries(store)] == [key]
    assert not aside.exists()


def test_an_aside_name_never_restores_outside_the_store(tmp_path: Path) -> None:
    import base64

    store = LocalArtifactStore("local", {"path": "store"}, tmp_path)
    (store.path / ".tmp").mkdir(parents=True)
    token = base64.urlsafe_b64encode(b"../../evil.txt").decode().rstrip("=")
    hostile = store.path / ".tmp" / f"1-prune-ab-{token}.aside"
    hostile.write_bytes(b"x")

    assert list(entries(store)) == []
    assert hostile.exists() and not (tmp_path / "evil.txt").exists()
