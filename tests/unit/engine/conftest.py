"""Fixtures for engine tests."""

from __future__ import annotations

import pytest
from engine_builders import Recorder


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Every artifact store gets the recorder as provisioner; nothing else has one."""
    rec = Recorder()

    def lookup(type_: str, flavor: str | None) -> Recorder | None:
        return rec if type_ == "artifact_store" else None

    import stackctl.engine.execute as apply_mod
    import stackctl.engine.refresh as refresh_mod

    monkeypatch.setattr(apply_mod, "provisioner", lookup)
    monkeypatch.setattr(refresh_mod, "provisioner", lookup)
    return rec
