"""The `feast` feature store through the real CLI: apply runs `feast apply` on the
project's repository (parquet offline store, SQLite online store), one step reads
historical features through get_step_context().feature_store, another materialises
and reads online features back, and drift/plan notice the registry file deleted.
(Slow: feast takes seconds to import on each apply and step.)"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from support.cli import STACKCTL, call, clean_env
from support.projects import write_files

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

FILES = {
    "stackctl.yaml": "project: feats\ninclude: [stacks/*.yaml, pipelines/*.yaml]\n",
    "stacks/local.yaml": """\
components:
  orchestrator:
    local: {flavor: local}
  artifact_store:
    local: {flavor: local, config: {path: .stackctl/store}}
  feature_store:
    drivers: {flavor: feast, config: {repo_path: features}}
stacks:
  dev: {orchestrator: local, artifact_store: local, feature_store: drivers}
""",
    "pipelines/features.yaml": """\
pipelines:
  features:
    steps:
      historical: {function: steps.feats:historical, cache: false}
      online: {function: steps.feats:online, cache: false}
""",
    "features/feature_store.yaml": """\
project: drivers
registry: data/registry.db
provider: local
online_store: {type: sqlite, path: data/online_store.db}
offline_store: {type: file}
entity_key_serialization_version: 3
""",
    "features/definitions.py": """\
from datetime import timedelta
from pathlib import Path

from feast import Entity, FeatureView, Field, FileSource
from feast.types import Float32, Int64

driver = Entity(name="driver", join_keys=["driver_id"])
source = FileSource(
    name="driver_stats",
    path=str(Path(__file__).resolve().parent / "data" / "driver_stats.parquet"),
    timestamp_field="event_timestamp",
)
driver_stats = FeatureView(
    name="driver_stats",
    entities=[driver],
    ttl=timedelta(days=3650),
    schema=[Field(name="conv_rate", dtype=Float32), Field(name="trips", dtype=Int64)],
    source=source,
)
""",
    "steps/__init__.py": "",
    "steps/feats.py": """\
from datetime import datetime, timezone

import pandas as pd

from stackctl import get_step_context

FEATURES = ["driver_stats:conv_rate", "driver_stats:trips"]


def historical() -> dict:
    entities = pd.DataFrame(
        {
            "driver_id": [1001, 1002],
            "event_timestamp": pd.to_datetime(
                ["2024-01-03T00:00:00", "2024-01-01T12:00:00"], utc=True
            ),
        }
    )
    store = get_step_context().feature_store
    frame = store.get_historical_features(entity_df=entities, features=FEATURES).to_df()
    frame = frame.sort_values("driver_id")
    return {"trips": [int(t) for t in frame["trips"]], "driver_id": [int(d) for d in frame["driver_id"]]}


def online() -> dict:
    store = get_step_context().feature_store
    store.materialize(datetime(2023, 12, 1, tzinfo=timezone.utc), datetime(2024, 2, 1, tzinfo=timezone.utc))
    rows = [{"driver_id": 1001}, {"driver_id": 1002}]
    return store.get_online_features(features=FEATURES, entity_rows=rows).to_dict()
""",
}


def test_apply_features_and_drift_of_the_registry(tmp_path: Path) -> None:
    root = write_files(tmp_path, FILES)
    (root / "features" / "data").mkdir()
    pd.DataFrame(
        {
            "driver_id": [1001, 1002, 1001, 1002],
            "event_timestamp": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02"], utc=True
            ),
            "conv_rate": [0.1, 0.2, 0.3, 0.4],
            "trips": [10, 20, 30, 40],
        }
    ).to_parquet(root / "features" / "data" / "driver_stats.parquet")
    env = clean_env()
    call([STACKCTL, "apply", "--auto-approve"], cwd=root, env=env, timeout=600)
    registry = root / "features" / "data" / "registry.db"
    assert registry.is_file()
    shown = call([STACKCTL, "state", "show", "feature_store.drivers"], cwd=root, env=env).out
    assert "features/data/registry.db" in shown

    call([STACKCTL, "stack", "set", "dev"], cwd=root, env=env)
    out = call([STACKCTL, "run", "features"], cwd=root, env=env, timeout=600).out
    run = out.splitlines()[-1].split()[1]

    def output(step: str) -> dict:
        got = call([STACKCTL, "artifacts", "get", run, f"{step}.output"], cwd=root, env=env)
        return json.loads(got.out)

    # point-in-time join: 1001 as of Jan 3 sees Jan 2's row, 1002 as of Jan 1 noon Jan 1's
    assert output("historical") == {"driver_id": [1001, 1002], "trips": [30, 20]}
    online = output("online")
    assert online["driver_id"] == [1001, 1002]
    assert online["trips"] == [30, 40]  # the latest materialised values
    assert (root / "features" / "data" / "online_store.db").is_file()

    registry.unlink()
    drift = call([STACKCTL, "drift"], cwd=root, env=env, code=2, timeout=300)
    assert "feature_store.drivers: feast registry features/data/registry.db is missing" in (
        drift.out + drift.err
    )
    plan = call([STACKCTL, "plan", "--detailed-exitcode"], cwd=root, env=env, code=2)
    assert "feature_store.drivers will be created: missing in reality" in plan.out

    call([STACKCTL, "apply", "--auto-approve"], cwd=root, env=env, timeout=600)
    assert registry.is_file()
    call([STACKCTL, "drift"], cwd=root, env=env, timeout=300)


def test_a_failing_definition_fails_apply_in_one_line(tmp_path: Path) -> None:
    files = {**FILES, "features/broken.py": "raise RuntimeError('bad feature definition')\n"}
    root = write_files(tmp_path, files)
    result = call(
        [STACKCTL, "apply", "--auto-approve"], cwd=root, env=clean_env(), code=1, timeout=600
    )
    assert (
        "error: creating feature_store.drivers failed: feast apply of features failed: "
        "RuntimeError: bad feature definition" in result.err
    )
    assert "feast -c features apply" in result.err
