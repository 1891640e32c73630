"""Kedro: the chain as a pipeline of n nodes, each output a PickleDataset file that the
next node loads, run by the SequentialRunner."""

import sys

from kedro.io import DataCatalog
from kedro.pipeline import node, pipeline
from kedro.runner import SequentialRunner
from kedro_datasets.pickle import PickleDataset

n, salt, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


def first(salt: int) -> int:
    return salt


def inc(x: int) -> int:
    return x + 1


nodes = [node(first, "params:salt", "step0", name="step0")]
nodes += [node(inc, f"step{i - 1}", f"step{i}", name=f"step{i}") for i in range(1, n)]
catalog = DataCatalog({f"step{i}": PickleDataset(filepath=f"{out}/step{i}.pkl") for i in range(n)})
catalog["params:salt"] = salt
SequentialRunner().run(pipeline(nodes), catalog)
assert catalog.load(f"step{n - 1}") == salt + n - 1
