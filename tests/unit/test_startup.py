"""Start-up objects are frozen out of the cyclic GC once, and never in a session where
the user keeps data between calls (stackctl/startup.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from stackctl import startup

PROBE = """
import gc, stackctl
stackctl.step  # imports the SDK
print(gc.get_freeze_count())
"""


def _frozen_count(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> int:
    environ = {k: v for k, v in os.environ.items() if k != "STACKCTL_GC_FREEZE"}
    out = subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**environ, **(env or {})},
        check=True,
    ).stdout
    return int(out.split()[-1].strip(">. "))


def test_importing_the_sdk_freezes_what_is_alive() -> None:
    assert _frozen_count("-c", PROBE) > 10_000


@pytest.mark.parametrize("value", ["0", "false", "off", " NO "])
def test_the_environment_turns_it_off(value: str) -> None:
    assert _frozen_count("-c", PROBE, env={"STACKCTL_GC_FREEZE": value}) == 0


def test_an_interactive_interpreter_is_never_frozen() -> None:
    # `python -i` reads the probe from stdin as a REPL would (sys.ps1 set)
    assert _frozen_count("-i", "-q", stdin=PROBE) == 0


def test_ipython_is_never_frozen() -> None:
    probe = "import sys, types; sys.modules['IPython'] = types.ModuleType('IPython')" + PROBE
    assert _frozen_count("-c", probe) == 0


def test_garbage_made_after_the_freeze_is_still_collected() -> None:
    probe = PROBE + (
        "a = []; b = [a]; a.append(b); del a, b\nprint(gc.collect())"  # a 2-list cycle
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(out[0]) > 0 and int(out[1]) >= 2


def test_each_place_freezes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    calls: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(1))
    monkeypatch.setattr(startup, "_done", set())
    monkeypatch.setattr(startup, "_allowed", lambda: True)
    assert startup.freeze_startup("sdk") is True
    assert startup.freeze_startup("sdk") is False
    assert startup.freeze_startup("run") is True
    assert calls == [1, 1]
