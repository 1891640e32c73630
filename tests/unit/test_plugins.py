"""The entry-point scan: done once per set of installed packages, a new scan after a change."""

from __future__ import annotations

import sys

import pytest

from stackctl import plugins


@pytest.fixture
def site(tmp_path, monkeypatch):
    """An import path folder with one distribution declaring a stackctl entry point."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    folder = tmp_path / "site"
    dist = folder / "acme_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[stackctl.materializers]\nacme = acme_mod:Thing\n\n[console_scripts]\nx = y:z\n"
    )
    (folder / "acme_mod.py").write_text("class Thing:\n    name = 'acme'\n")
    monkeypatch.syspath_prepend(str(folder))
    plugins.clear()
    yield folder
    plugins.clear()
    sys.modules.pop("acme_mod", None)


def test_the_scan_finds_stackctl_groups_only_and_loads(site):
    found = plugins.entry_points("stackctl.materializers")
    assert [(p.name, p.value, p.dist) for p in found] == [("acme", "acme_mod:Thing", "acme-plugin")]
    assert found[0].load().name == "acme"
    assert not any(p.group == "console_scripts" for p in plugins._all())


def test_a_second_process_reads_the_cached_scan(site, monkeypatch):
    plugins.entry_points("stackctl.materializers")
    assert plugins.cache_file().exists()
    plugins.clear()
    monkeypatch.setattr(plugins, "_scan", lambda: pytest.fail("scanned again"))
    assert [p.name for p in plugins.entry_points("stackctl.materializers")] == ["acme"]


def test_installing_a_package_is_a_new_scan(site):
    before = plugins.cache_file()
    plugins.entry_points("stackctl.materializers")
    dist = site / "other-2.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: other\nVersion: 2.0\n")
    (dist / "entry_points.txt").write_text("[stackctl.flavors]\nother = other_mod:FLAVOR\n")
    plugins.clear()
    assert plugins.cache_file() != before
    assert [p.name for p in plugins.entry_points("stackctl.flavors")] == ["other"]


def test_an_unreadable_cache_file_is_a_new_scan(site):
    path = plugins.cache_file()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert [p.name for p in plugins.entry_points("stackctl.materializers")] == ["acme"]
