"""Every golden comparison goes through tests/support/golden.py, so that a missing golden
fails and only STACKCTL_UPDATE_GOLDEN=1 (never under CI) rewrites one."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
# these test the helper itself, on goldens of their own in tmp_path
OWN = {TESTS / "support" / "golden.py", TESTS / "e2e" / "test_ci_honesty.py", Path(__file__)}
SWITCH = re.compile(r"(environ|getenv)[^\n]*STACKCTL_UPDATE_GOLDEN")
DIRECT = re.compile(r"(GOLDEN|golden|\.expected)[^\n]*\.(read_text|write_text|open)\(")


def sources() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if p.resolve() not in OWN)


def test_no_golden_is_read_or_written_around_the_helper() -> None:
    found = [
        f"{p.relative_to(TESTS)}:{n}: {line.strip()}"
        for p in sources()
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if DIRECT.search(line)
    ]
    assert not found, "use support.golden.check_golden / read_golden:\n" + "\n".join(found)


def test_only_the_helper_reads_the_update_switch() -> None:
    found = [str(p.relative_to(TESTS)) for p in sources() if SWITCH.search(p.read_text())]
    assert not found, found


def test_the_audit_sees_a_direct_read() -> None:
    assert DIRECT.search('    assert out == (GOLDEN / "x.txt").read_text()')
    assert not DIRECT.search('    check_golden(GOLDEN / "x.txt", out)')
