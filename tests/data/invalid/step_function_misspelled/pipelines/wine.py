"""Steps of the wine pipeline. Importing this module must never happen in `validate`."""

import functools

raise SystemExit("validate imported user code")


def load(path: str = "wine.csv") -> list[float]:
    return [1.0]


def train(data: list[float], epochs: int = 3, *, lr: float = 0.1) -> float:
    return sum(data) * epochs * lr


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


@logged
def report(model: float) -> str:
    return str(model)


def anything(**kwargs: object) -> None:
    return None
