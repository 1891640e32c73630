"""Run the iris training pipeline from Python: `python pipelines/run.py`.

It runs on the active stack (`stackctl stack set NAME` changes it, no code change).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.iris import evaluate, load, split, train
from stackctl import pipeline


@pipeline(name="training", model="iris_classifier")
def training(test_size: float = 0.2, seed: int = 42) -> None:
    df = load()
    parts = split(df, test_size=test_size, seed=seed)
    model = train(parts.X_train, parts.y_train, seed=seed)
    evaluate(model, parts.X_test, parts.y_test)


if __name__ == "__main__":
    run = training()
    print(f"run {run.id} on stack {run.stack}: {run.status}")
