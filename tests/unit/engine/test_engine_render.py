"""Golden renderings of one plan with every action: text, markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from engine_builders import res, stack, state
from support.golden import check_golden

from stackctl.cli.plan_markdown import LIMIT, render_markdown
from stackctl.cli.plan_render import render_text
from stackctl.config.secrets import Secrets, digest_config
from stackctl.engine.changes import Drift
from stackctl.engine.plan import make_plan
from stackctl.engine.planjson import plan_json

DATA = Path(__file__).parents[2] / "data" / "plans"
SCHEMA = Path(__file__).parents[3] / "schemas" / "plan.schema.json"


def keys(t, f):
    return frozenset({"config.path"}) if t == "artifact_store" else frozenset()


def mixed():
    old_secrets = Secrets(None, {"STACKCTL_SECRET_KEY": "old-value"})
    new_secrets = Secrets(None, {"STACKCTL_SECRET_KEY": "new-value"})
    s3 = {"uri": "s3://bucket/p", "key": "${secret:key}"}
    before = [
        res("orchestrator.gone"),
        stack("legacy", orch="gone", store="local"),
        res("artifact_store.local", config={"path": ".stackctl/a"}),
        res("orchestrator.par", "local_parallel", {"max_workers": 4}),
        res("orchestrator.swap"),
        res("artifact_store.s3", "s3", digest_config(s3, old_secrets)),
    ]
    after = [
        res("artifact_store.local", config={"path": ".stackctl/b"}),
        res("orchestrator.par", "local_parallel", {"max_workers": 8}),
        res("orchestrator.swap", "local_parallel"),
        res("artifact_store.s3", "s3", digest_config(s3, new_secrets)),
        res("orchestrator.local"),
        stack("dev", prevent=True),
    ]
    return make_plan(
        {r.address: r for r in after},
        state(*before, serial=3, lineage="lin"),
        replace_keys=keys,
        config_digest="sha256:" + "ab" * 32,
        drift=[Drift("artifact_store.local", "directory .stackctl/a is missing", True)],
        journal=[
            {"address": "orchestrator.local", "action": "create", "since": "2026-01-01T00:00:00Z"}
        ],
    )


def check(name: str, text: str) -> None:
    path = DATA / name
    check_golden(path, text)


def test_text_golden():
    check("mixed.txt", render_text(mixed()))


def test_markdown_golden():
    check("mixed.md", render_markdown(mixed()))


def test_json_golden_and_schema():
    import jsonschema

    document = plan_json(mixed(), version="test")
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    check("mixed.json", json.dumps(document, indent=2) + "\n")


def test_no_changes():
    p = make_plan({}, state())
    check("nochanges.txt", render_text(p))


def test_secret_values_never_rendered():
    p = mixed()
    for text in (render_text(p), render_markdown(p), json.dumps(plan_json(p))):
        assert "old-value" not in text and "new-value" not in text
    assert "~ config.key: (sensitive) -> (sensitive)" in render_text(p)


@pytest.mark.parametrize("n", [20_000])
def test_markdown_of_a_huge_plan_fits_a_pr_comment(n):
    desired = {
        f"orchestrator.o{i:05d}": res(f"orchestrator.o{i:05d}", config={"x": "y" * 50})
        for i in range(n)
    }
    p = make_plan(desired, state())
    text = render_markdown(p)
    assert len(text) < LIMIT
    assert "**Truncated:**" in text and "Plan: 20000 to add" in text
