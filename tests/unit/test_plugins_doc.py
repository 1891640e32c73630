"""docs/plugins.md shows the tested example plugin's real code: every code block marked
``<!-- file: PATH -->`` equals that file, and every file of the plugin is shown."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "plugins.md"
PLUGIN = ROOT / "tests" / "e2e" / "plugin" / "file_alerter"
BLOCK = re.compile(r"<!-- file: (?P<path>\S+) -->\n```\w*\n(?P<code>.*?)```", re.DOTALL)


def shown() -> dict[str, str]:
    return {m["path"]: m["code"] for m in BLOCK.finditer(DOC.read_text())}


def test_every_block_is_the_plugins_code() -> None:
    blocks = shown()
    assert blocks, "no marked code blocks in docs/plugins.md"
    for path, code in blocks.items():
        assert code == (ROOT / path).read_text(), f"docs/plugins.md shows an old {path}"


def test_every_file_of_the_plugin_is_shown() -> None:
    files = {str(p.relative_to(ROOT)) for p in PLUGIN.iterdir() if p.is_file()}
    assert files == set(shown())


def test_an_edit_of_the_block_is_caught(tmp_path: Path) -> None:
    text = DOC.read_text().replace("def post(self, message: str)", "def post(self, msg: str)")
    changed = {m["path"]: m["code"] for m in BLOCK.finditer(text)}
    assert changed != shown()
