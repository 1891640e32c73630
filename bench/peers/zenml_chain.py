"""ZenML: the chain as a pipeline of n steps on its default stack (local orchestrator,
local artifact store, SQLite store), caching off."""

import sys

from zenml import pipeline, step

n, salt = int(sys.argv[1]), int(sys.argv[2])


@step(enable_cache=False)
def first(salt: int) -> int:
    return salt


@step(enable_cache=False)
def inc(x: int) -> int:
    return x + 1


@pipeline(enable_cache=False)
def chain(salt: int) -> None:
    x = first(salt)
    for _ in range(n - 1):
        x = inc(x)


chain(salt=salt)
