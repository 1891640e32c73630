"""Iris training steps. Plain functions: stackctl persists every output between them.

``load`` and ``train`` publish named artifacts (``iris_data``, ``iris_model``): each run
adds a version (`stackctl artifacts versions iris_model`). In Python the ``Annotated``
return type names them; training.yaml names the same outputs under ``outputs:``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NamedTuple

from stackctl import get_step_context, log_metadata, step

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression


class Split(NamedTuple):
    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: pd.Series
    y_test: pd.Series


@step
def load() -> Annotated[pd.DataFrame, "iris_data"]:
    """The iris data set as a DataFrame (150 rows, 4 features + target)."""
    from sklearn.datasets import load_iris

    return load_iris(as_frame=True).frame


@step
def split(df: pd.DataFrame, test_size: float = 0.2, seed: int = 42) -> Split:
    """Stratified train/test split."""
    from sklearn.model_selection import train_test_split

    X, y = df.drop(columns="target"), df["target"]
    parts = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)
    return Split(*parts)


@step(retries=2)
def train(
    X: pd.DataFrame, y: pd.Series, seed: int = 42
) -> Annotated[LogisticRegression, "iris_model"]:
    """A logistic regression on the training split."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=500, random_state=seed).fit(X, y)


@step
def evaluate(model: LogisticRegression, X: pd.DataFrame, y: pd.Series) -> float:
    """Accuracy on the test split; logged to the stack's experiment tracker if it has one."""
    accuracy = float(model.score(X, y))
    # on the run (`stackctl runs list --columns accuracy`) and, grouped, on the step
    log_metadata({"accuracy": accuracy}, run=True)
    log_metadata({"evaluation": {"accuracy": accuracy, "test_rows": len(X)}})
    context = get_step_context()
    if context.experiment_tracker is not None:
        context.experiment_tracker.log_metrics({"accuracy": accuracy})
    print(f"accuracy: {accuracy:.3f}")
    return accuracy


def predictions(model: LogisticRegression, X: pd.DataFrame) -> np.ndarray:
    return model.predict(X)
