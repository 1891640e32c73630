"""MLflow server credentials, lent to MLflow's client through the environment.

MLflow's REST client reads ``MLFLOW_TRACKING_USERNAME`` / ``_PASSWORD`` / ``_TOKEN``
from the environment on each request and takes them no other way. They are set only
while a component talks to MLflow and restored after; a count keeps them set while
any thread still needs them (concurrent steps share one tracker), so one step ending
never pulls them from under another.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

#: config key -> the environment variable MLflow's client reads it from.
CREDENTIALS = {
    "username": "MLFLOW_TRACKING_USERNAME",
    "password": "MLFLOW_TRACKING_PASSWORD",
    "token": "MLFLOW_TRACKING_TOKEN",
}

_mutex = threading.Lock()
_users = 0
_saved: dict[str, str | None] = {}


def from_config(config: Mapping[str, Any]) -> dict[str, str]:
    """environment variable -> value, for the credentials a config gives."""
    return {env: str(config[key]) for key, env in CREDENTIALS.items() if config.get(key)}


@contextmanager
def lent(credentials: Mapping[str, str]) -> Iterator[None]:
    """The credentials in the environment for the duration (nothing when empty)."""
    global _users
    if not credentials:
        yield
        return
    with _mutex:
        if _users == 0:
            _saved.clear()
            _saved.update({env: os.environ.get(env) for env in credentials})
        os.environ.update(credentials)
        _users += 1
    try:
        yield
    finally:
        with _mutex:
            _users -= 1
            if _users == 0:
                for env, value in _saved.items():
                    if value is None:
                        os.environ.pop(env, None)
                    else:
                        os.environ[env] = value
