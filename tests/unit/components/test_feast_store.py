"""The `feast` flavor's parts that never import feast: the repository path, the
registry file read from feature_store.yaml, refresh, pickling and the lazy import."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from stackctl.components.feature_stores.feast import FeastFeatureStore, repo_dir
from stackctl.components.feature_stores.feast_provision import FeastProvisioner, registry_file
from stackctl.errors import ProvisionError, StackctlError


def write_repo(root: Path, registry: str = "registry: data/registry.db\n") -> Path:
    repo = root / "features"
    repo.mkdir(parents=True, exist_ok=True)
    (repo / "feature_store.yaml").write_text(f"project: p\n{registry}provider: local\n")
    return repo


@pytest.mark.parametrize("relative", ["", "..", "../elsewhere", "/etc"])
def test_repo_path_must_be_a_folder_inside_the_project(tmp_path: Path, relative: str) -> None:
    with pytest.raises(StackctlError, match="is not a folder inside the project"):
        repo_dir({"repo_path": relative}, tmp_path)


@pytest.mark.parametrize(
    ("registry", "expected"),
    [
        ("registry: data/registry.db\n", "features/data/registry.db"),
        ("registry: {registry_type: file, path: reg.pb}\n", "features/reg.pb"),
        ("registry: {registry_type: sql, path: 'postgresql://h/db'}\n", None),
        ("registry: s3://bucket/registry.db\n", None),
    ],
)
def test_the_registry_file_comes_from_feature_store_yaml(
    tmp_path: Path, registry: str, expected: str | None
) -> None:
    repo = write_repo(tmp_path, registry)
    found = registry_file(repo, tmp_path)
    assert (str(found.relative_to(tmp_path.resolve())) if found else None) == expected


def test_refresh_sees_the_registry_and_the_repository_disappear(tmp_path: Path) -> None:
    repo = write_repo(tmp_path)
    config = {"repo_path": "features"}
    seen = FeastProvisioner().observe(config, tmp_path)
    assert not seen.exists and seen.detail == "feast registry features/data/registry.db is missing"
    (repo / "data").mkdir()
    (repo / "data" / "registry.db").write_bytes(b"")
    assert FeastProvisioner().observe(config, tmp_path).exists
    (repo / "feature_store.yaml").unlink()
    seen = FeastProvisioner().observe(config, tmp_path)
    assert seen.detail == "features/feature_store.yaml is missing"


def test_apply_without_a_repository_says_what_to_create(tmp_path: Path) -> None:
    with pytest.raises(ProvisionError, match="feature repository features has no feature_store"):
        FeastProvisioner().create({"repo_path": "features"}, tmp_path)


def test_the_store_is_opened_lazily_and_not_pickled(tmp_path: Path) -> None:
    store = FeastFeatureStore("fs", {"repo_path": "features"}, tmp_path)
    copy = pickle.loads(pickle.dumps(store))
    assert copy._store is None and copy.repo_path == store.repo_path
    with pytest.raises(StackctlError, match="has no feature_store.yaml"):
        copy.get_historical_features  # noqa: B018 - delegation opens the store
    with pytest.raises(AttributeError):
        copy._private  # noqa: B018


def test_building_the_component_imports_no_feast(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; "
        "from stackctl.components.feature_stores.feast import FeastFeatureStore; "
        "from stackctl.components.feature_stores.feast_provision import FeastProvisioner; "
        f"FeastFeatureStore('fs', {{'repo_path': 'f'}}, Path({str(tmp_path)!r})); "
        "assert 'feast' not in sys.modules, 'feast was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
