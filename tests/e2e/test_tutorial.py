"""docs/tutorial.md is executable: every command block runs, in order, and must print
what the page shows. The docs cannot drift from the code.

Conventions of a tested page (documented at the end of docs/tutorial.md):

* A fenced ```console block holds commands (lines starting with ``$ ``; a trailing ``\\``
  continues a command) each followed by the output it must print (stdout and stderr,
  interleaved as a terminal shows them). A line that is just ``...`` stands for any number
  of lines; ``...`` inside a line stands for any text. Blank lines are ignored.
* Outputs are normalised before comparing: the temporary HOME becomes ``~``, run ids and
  other hex ids become ``<id>``, durations become ``<time>``, timestamps ``<when>``.
* ``cd DIR`` changes the folder of the following commands (each command is its own shell).
* An HTML comment right before a block steers the test, invisible to readers:
  ``<!-- test: skip -->``, ``<!-- test: exit=1 -->``, ``<!-- test: write=run.py -->``
  (the next block is a file to save), ``<!-- test: as="CMD" -->`` (run CMD in place of
  the block's command, e.g. with --auto-approve; ``{port}`` is a free port) and
  ``<!-- test: background get=/ -->`` (a server: wait for its output, fetch the page, stop).
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
ENVIRONMENT = ROOT / "docs" / "environment.md"

_FENCE = re.compile(r"^```(\w*)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*test:(.*?)-->\s*$")


@dataclass
class Command:
    """One ``$ `` command of a console block and the output the page shows for it."""

    line: int
    text: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A fenced block with the test directive written right above it (if any)."""

    line: int
    lang: str
    body: list[str]
    directive: dict[str, str] = field(default_factory=dict)

    def commands(self) -> list[Command]:
        cmds: list[Command] = []
        pending = ""
        for offset, raw in enumerate(self.body, start=self.line + 1):
            if pending or raw.startswith("$ "):
                text = pending + (raw[2:] if not pending else raw.strip())
                if text.endswith("\\"):
                    pending = text[:-1].rstrip() + " "
                    continue
                pending = ""
                cmds.append(Command(offset, text.strip()))
            elif cmds:
                cmds[-1].expected.append(raw)
        return cmds


def parse_directive(text: str) -> dict[str, str]:
    """``skip exit=1 as="stackctl apply --auto-approve"`` -> a dict (flags map to "")."""
    items: dict[str, str] = {}
    for token in shlex.split(text):
        key, _, value = token.partition("=")
        items[key] = value
    return items


def parse_blocks(markdown: str) -> list[Block]:
    """Every fenced block of a markdown page, with its directive."""
    blocks: list[Block] = []
    directive: dict[str, str] = {}
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        found = _DIRECTIVE.match(lines[i].strip())
        if found:
            directive = parse_directive(found.group(1))
        fence = _FENCE.match(lines[i])
        if fence:
            start = i
            i += 1
            body: list[str] = []
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append(Block(start + 1, fence.group(1), body, directive))
            directive = {}
        elif lines[i].strip() and not found:
            directive = {}  # a directive only applies to the block right below it
        i += 1
    return blocks


# -- comparing outputs ----------------------------------------------------------------------
_PADDING = re.compile(r"(?<=\S) {2,}")
_NORMALISERS = [
    (
        re.compile(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d| UTC)?"),
        "<when>",
    ),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<id>"),
    # hex ids of 8+ characters (short run ids are 8); all digits or all letters too,
    # since a random 8-character id has no letter about 2% of the time
    (re.compile(r"\b[0-9a-f]{8,64}\b"), "<id>"),
    (re.compile(r"\b\d+(\.\d+)?\s?(ms|s|µs|us|sec|seconds)\b"), "<time>"),
]


def normalise(line: str, home: str | None = None) -> str:
    """Replace what differs between two runs (paths, ids, timings) by placeholders."""
    if home:
        line = line.replace(home, "~")
    for pattern, placeholder in _NORMALISERS:
        line = pattern.sub(placeholder, line)
    # column widths of tables depend on the longest cell: compare cells, not padding
    return _PADDING.sub("  ", line).rstrip()


def _line_matches(pattern: str, line: str) -> bool:
    if "..." not in pattern:
        return pattern == line
    regex = ".*".join(re.escape(part) for part in pattern.split("..."))
    return re.fullmatch(regex, line) is not None


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` fits ``expected`` (``...`` lines match any run of lines)."""
    exp = [normalise(e) for e in expected if e.strip()]
    act = [a for a in actual if a.strip()]
    # memo[i][j]: exp[i:] matches act[j:]
    memo: dict[tuple[int, int], bool] = {}

    def match(i: int, j: int) -> bool:
        if (i, j) in memo:
            return memo[i, j]
        if i == len(exp):
            result = j == len(act)
        elif exp[i].strip() == "...":
            result = match(i + 1, j) or (j < len(act) and match(i, j + 1))
        else:
            result = j < len(act) and _line_matches(exp[i], act[j]) and match(i + 1, j + 1)
        memo[i, j] = result
        return result

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * (len(exp) + len(act)) + 100))
    return match(0, 0)


# -- running a page ---------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STACKCTL_")}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(home),
        PYTHONUNBUFFERED="1",  # stdout and stderr interleave as in a terminal
        NO_COLOR="1",
        TERM="dumb",
        COLUMNS="120",
        VIRTUAL_ENV=str(BIN.parent),
    )
    env.pop("PYTHONPATH", None)
    return env


class PageRunner:
    """Runs the blocks of one page in a temporary HOME, as a reader would."""

    def __init__(self, page: Path, home: Path) -> None:
        self.page = page
        self.home = home
        self.cwd = home
        self.env = _env(home)

    def where(self, line: int) -> str:
        return f"{self.page.relative_to(ROOT)}:{line}"

    def run(self) -> None:
        for block in parse_blocks(self.page.read_text()):
            if "skip" in block.directive:
                continue
            if "write" in block.directive:
                target = self.cwd / block.directive["write"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("\n".join(block.body) + "\n")
            elif block.lang == "console":
                self.run_console(block)

    def run_console(self, block: Block) -> None:
        commands = block.commands()
        if "as" in block.directive:
            assert len(commands) == 1, f"{self.where(block.line)}: `as` needs a single command"
        for command in commands:
            text = block.directive.get("as", command.text).replace("{port}", str(_free_port()))
            if text.startswith("cd ") and "&&" not in text:
                self.cwd = (self.cwd / os.path.expanduser(text[3:].strip())).resolve()
                continue
            if "background" in block.directive:
                self.run_server(command, text, block.directive)
                continue
            proc = subprocess.run(
                ["bash", "-c", text],
                cwd=self.cwd,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                timeout=180,
            )
            self.check(command, text, proc.stdout, proc.returncode, block)

    def check(self, command: Command, text: str, output: str, code: int, block: Block) -> None:
        actual = [normalise(line, str(self.home)) for line in output.splitlines()]
        expected_code = int(block.directive.get("exit", "0"))
        shown = "\n".join(actual)
        assert code == expected_code, (
            f"{self.where(command.line)}: `{text}` exited {code}, the page expects "
            f"{expected_code}; it printed:\n{shown}"
        )
        assert output_matches(command.expected, actual), (
            f"{self.where(command.line)}: `{text}` printed (normalised):\n{shown}\n"
            f"--- but the page shows:\n" + "\n".join(command.expected)
        )

    def run_server(self, command: Command, text: str, directive: dict[str, str]) -> None:
        """Start a server, fetch ``get=PATH`` until it answers, stop it, check its output.

        The free port of ``{port}`` is shown as the documented one (``port=``, 8237)."""
        path = directive.get("get", "/")
        url = re.search(r"--port\s+(\d+)", text)
        assert url, f"{self.where(command.line)}: a background command needs --port {{port}}"
        shown_port = directive.get("port", "8237")
        proc = subprocess.Popen(
            ["bash", "-c", f"exec {text}"],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            status = 0
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    with urllib.request.urlopen(  # noqa: S310 - loopback only
                        f"http://127.0.0.1:{url.group(1)}{path}", timeout=2
                    ) as response:
                        status = response.status
                        break
                except OSError:
                    time.sleep(0.2)
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                output, _ = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                output, _ = proc.communicate()
        assert status == 200, f"{self.where(command.line)}: GET {path} gave {status}\n{output}"
        actual = [
            normalise(line.replace(f":{url.group(1)}", f":{shown_port}"), str(self.home))
            for line in output.splitlines()
        ]
        expected = command.expected
        # the server was stopped by us: only the lines the page shows up front must match
        assert output_matches([*expected, "..."], actual), (
            f"{self.where(command.line)}: `{text}` printed:\n"
            + "\n".join(actual)
            + "\n--- but the page shows:\n"
            + "\n".join(expected)
        )


# -- the tests ------------------------------------------------------------------------------------
def test_tutorial_runs_as_written(tmp_path: Path) -> None:
    PageRunner(TUTORIAL, tmp_path).run()


def test_every_environment_variable_in_the_code_is_documented() -> None:
    used = set()
    for path in (ROOT / "stackctl").rglob("*.py"):
        used |= set(re.findall(r"\bSTACKCTL_[A-Z][A-Z0-9_]*[A-Z0-9]", path.read_text()))
    documented = set(re.findall(r"\bSTACKCTL_[A-Z][A-Z0-9_]*[A-Z0-9]", ENVIRONMENT.read_text()))
    # STACKCTL_SECRET_<NAME> is a family: the prefix constant is documented as such
    missing = {v for v in used - documented if not v.startswith("STACKCTL_SECRET")}
    assert not missing, f"document these in docs/environment.md: {sorted(missing)}"


def test_every_envvar_of_the_cli_is_documented() -> None:
    import typer

    from stackctl.cli.root import app

    def walk(command: object) -> set[str]:
        names: set[str] = set()
        for param in getattr(command, "params", []):
            envvar = getattr(param, "envvar", None)
            names |= {envvar} if isinstance(envvar, str) else set(envvar or [])
        for sub in getattr(command, "commands", {}).values():
            names |= walk(sub)
        return names

    documented = ENVIRONMENT.read_text()
    missing = sorted(n for n in walk(typer.main.get_command(app)) if n not in documented)
    assert not missing, f"document these in docs/environment.md: {missing}"


def _resolve(args: list[str]) -> tuple[object, list[str]]:
    """The click command that ``stackctl ARGS`` reaches, and the args left for it."""
    import typer.main

    from stackctl.cli.root import app

    command: Any = typer.main.get_command(app)
    ctx = command.make_context("stackctl", [], resilient_parsing=True)
    args = [a for a in args if a not in ("-v", "--verbose")]  # root options
    while args[:1] == ["--env"]:  # the root option with a value: `stackctl --env NAME plan`
        args = args[2:]
    while args and hasattr(command, "get_command"):
        sub = command.get_command(ctx, args[0])
        if sub is None:
            break
        command = sub
        args = args[1:]
    return command, args


_MENTION = re.compile(r"(?:^\$ |`)stackctl ([^`|>&;\\\n]*)", re.M)


HAND_WRITTEN = [
    "README.md",
    *(f"docs/{page}" for page in ("tutorial.md", "gitops.md", "environment.md", "exit-codes.md")),
    *(f"docs/{page}" for page in ("concepts.md", "cli.md", "runtime.md", "state.md")),
    *(f"docs/{page}" for page in ("dashboard.md", "laptop-to-cluster.md", "artifacts.md")),
]


@pytest.mark.parametrize("page", HAND_WRITTEN)
def test_docs_only_mention_commands_and_options_that_exist(page: str) -> None:
    """`stackctl x --y` in a page (code spans and console lines) must exist in the CLI."""
    text = (ROOT / page).read_text()
    wrong = []
    for mention in _MENTION.finditer(text):
        words = [w for w in mention.group(1).split() if not w.startswith(("$", '"', "'"))]
        command, rest = _resolve(words)
        if hasattr(command, "get_command"):
            # `stack list/describe/set` names several subcommands; `<type>`, `COMMAND` are
            # placeholders
            placeholder = not rest or rest[0].startswith("<") or rest[0].isupper()
            names = [] if placeholder else rest[0].split("/")
            for name in names:
                if (
                    name not in ("-h", "--help", "--install-completion")
                    and _resolve([*words[: len(words) - len(rest)], name])[1]
                ):
                    wrong.append(f"stackctl {mention.group(1)}: no such command {name}")
            continue
        known = {o for p in getattr(command, "params", []) for o in getattr(p, "opts", [])}
        known |= {
            o for p in getattr(command, "params", []) for o in getattr(p, "secondary_opts", [])
        }
        for word in rest:
            option = word.split("=")[0]
            if option.startswith("-") and option not in known | {"-h", "--help"}:
                wrong.append(f"stackctl {mention.group(1)}: no option {option}")
    assert not wrong, "\n".join(wrong)


# -- the harness itself must be right, or the tutorial test proves nothing ------------------------
@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a", "c"], False),
        (["a"], ["a", "b"], False),
        (["a", "..."], ["a", "b", "c"], True),
        (["...", "c"], ["a", "b", "c"], True),
        (["a", "...", "c"], ["a", "c"], True),
        (["a", "...", "d"], ["a", "b", "c"], False),
        (["run ... on stack default"], ["run training-1 on stack default"], True),
        (["run ... on stack default"], ["run training-1 on stack dev"], False),
        (["", "a", ""], ["a", ""], True),
    ],
)
def test_output_matching(expected: list[str], actual: list[str], ok: bool) -> None:
    assert output_matches(expected, actual) is ok


def test_normalise_hides_what_changes_between_runs() -> None:
    line = "run 3f2a9c1e8b7d on /tmp/x/my-project at 2026-11-26T18:00:01Z took 1.25s"
    assert normalise(line, "/tmp/x") == "run <id> on ~/my-project at <when> took <time>"
    assert normalise("started 2026-11-26 18:00:01 UTC") == "started <when>"  # as CLI shows
    assert normalise("stack my_stack: 4 steps") == "stack my_stack: 4 steps"
    uuid = "0d9e0f8c-1b2a-4c3d-9e8f-7a6b5c4d3e2f"
    assert normalise(f"lineage {uuid}") == "lineage <id>"


def test_parse_blocks_reads_commands_outputs_and_directives() -> None:
    page = "\n".join(
        [
            "<!-- test: exit=1 -->",
            "```console",
            "$ stackctl plan \\",
            "    --out plan.bin",
            "line one",
            "...",
            "$ ls",
            "```",
            "",
            "```console",
            "$ true",
            "```",
        ]
    )
    first, second = parse_blocks(page)
    assert first.directive == {"exit": "1"}
    assert [(c.text, c.expected) for c in first.commands()] == [
        ("stackctl plan --out plan.bin", ["line one", "..."]),
        ("ls", []),
    ]
    assert second.directive == {}
    assert parse_directive('as="stackctl apply --auto-approve" skip') == {
        "as": "stackctl apply --auto-approve",
        "skip": "",
    }
