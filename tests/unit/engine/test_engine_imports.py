"""engine/imports.py and engine/outputs.py through the memory state store and the real
local-folder provisioner: one commit per import, refusals commit nothing, plans turn
an `import:` block's create into an import, outputs never show a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_builders import res, state
from hypothesis import given
from hypothesis import strategies as st

from stackctl.config.secrets import Secrets
from stackctl.engine.changes import Change, Plan
from stackctl.engine.imports import import_resource, imports_digest, with_imports
from stackctl.engine.outputs import outputs_of, select_outputs
from stackctl.errors import Location, NotFoundError, PlanError, ProvisionError
from stackctl.model import SENSITIVE, Action, ImportSpec
from stackctl.state.memory import MemoryStateStore


def declared(path: str = "data") -> dict:
    store = res("artifact_store.main", config={"path": path})
    return {store.address: store, "stack.dev": res("stack.dev", config={})}


def test_import_commits_one_record_with_outputs(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    store = MemoryStateStore()
    adopted, after = import_resource(
        store, declared(), "artifact_store.main", "data", root=tmp_path, secrets=Secrets(tmp_path)
    )
    assert adopted.outputs == {"path": str(tmp_path / "data")}
    assert after.serial == 1 and after.resources["artifact_store.main"] == adopted
    [entry] = store.history()
    assert (entry.operation, entry.summary) == ("import", "imported artifact_store.main from data")


@pytest.mark.parametrize(
    ("address", "id", "error", "words"),
    [
        ("artifact_store.mian", "data", NotFoundError, "did you mean 'artifact_store.main'"),
        ("stack.dev", "dev", PlanError, "has nothing real to import"),
        ("artifact_store.main", "nope", ProvisionError, "is not the folder"),
    ],
)
def test_refused_imports_commit_nothing(
    tmp_path: Path, address: str, id: str, error: type[Exception], words: str
) -> None:
    (tmp_path / "data").mkdir()
    store = MemoryStateStore()
    with pytest.raises(error) as caught:
        import_resource(store, declared(), address, id, root=tmp_path, secrets=Secrets(tmp_path))
    assert words in caught.value.render()  # type: ignore[attr-defined]
    assert store.history() == [] and store.lock_info() is None


def test_importing_an_address_in_state_names_state_rm(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    store = MemoryStateStore()
    args = (declared(), "artifact_store.main", "data")
    import_resource(store, *args, root=tmp_path, secrets=Secrets(tmp_path))
    with pytest.raises(PlanError) as caught:
        import_resource(store, *args, root=tmp_path, secrets=Secrets(tmp_path))
    assert "`stackctl state rm artifact_store.main`" in caught.value.hint
    assert len(store.history()) == 1


def test_with_imports_turns_only_creates_of_unmanaged_addresses_into_imports() -> None:
    main, other = res("artifact_store.main"), res("artifact_store.other")
    plan = Plan(
        "L",
        1,
        "",
        (
            Change(main.address, Action.CREATE, "declared", None, main),
            Change(other.address, Action.CREATE, "missing in reality", None, other),
        ),
    )
    blocks = [ImportSpec("artifact_store.main", "data"), ImportSpec("artifact_store.other", "x")]
    current = state(other)  # `other` is managed: its drift re-create stays a create
    out = with_imports(plan, blocks, {main.address: main, other.address: other}, current)
    assert [c.importing for c in out.changes] == ["data", None]
    assert out.counts() == {
        "add": 1,
        "change": 0,
        "replace": 0,
        "destroy": 0,
        "import": 1,
        "move": 0,
        "forget": 0,
    }
    with pytest.raises(NotFoundError) as caught:
        with_imports(
            plan, [ImportSpec("artifact_store.x", "i", Location("s.yaml", 3, 5))], {}, current
        )
    assert caught.value.location == Location("s.yaml", 3, 5)


def test_imports_digest_moves_with_the_blocks_only() -> None:
    base = "sha256:" + "0" * 64
    assert imports_digest(base, []) == base  # plans saved before imports stay fresh
    one = imports_digest(base, [ImportSpec("a.b", "x")])
    assert one.startswith("sha256:") and one != base
    assert one != imports_digest(base, [ImportSpec("a.b", "y")])


def test_select_outputs() -> None:
    s = state(
        res("artifact_store.main", outputs={"path": "/data"}),
        res("stack.dev", config={}),
    )
    assert select_outputs(s, None, lambda _n: None) == {"artifact_store.main": {"path": "/data"}}
    assert select_outputs(s, "artifact_store.main.path", lambda _n: None) == "/data"
    with pytest.raises(NotFoundError, match="has no output 'uri'"):
        select_outputs(s, "artifact_store.main.uri", lambda _n: None)
    with pytest.raises(NotFoundError, match="is not in state"):
        select_outputs(s, "artifact_store.nope", lambda _n: None)


@given(secret=st.text(min_size=1, max_size=20).filter(str.strip), prefix=st.text(max_size=10))
def test_outputs_never_show_a_secret_the_config_references(secret: str, prefix: str) -> None:
    r = res(
        "artifact_store.s3",
        config={"uri": "s3://${secret:bucket} #sha256:abc"},
        outputs={"uri": f"s3://{prefix}{secret}", "nested": [{"u": secret}], "n": 3},
    )
    shown = outputs_of(r, lambda name: secret if name == "bucket" else None)
    assert shown == {"n": 3, "nested": [{"u": SENSITIVE}], "uri": SENSITIVE}


def test_outputs_hide_url_passwords() -> None:
    r = res("experiment_tracker.m", outputs={"tracking_uri": "https://u:pw@host/x", "a": "b"})
    assert outputs_of(r, lambda _n: None) == {"a": "b", "tracking_uri": SENSITIVE}
