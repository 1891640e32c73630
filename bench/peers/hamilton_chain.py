"""Hamilton: the chain as a dataflow of n functions in a module (written once per n),
every result persisted by its caching adapter (results on disk, metadata in SQLite)."""

import importlib
import sys
from pathlib import Path

from hamilton import driver

n, salt, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
name = f"hamilton_steps{n}"
if not Path(f"{name}.py").exists():
    source = "def step0(salt: int) -> int:\n    return salt\n"
    source += "".join(
        f"\n\ndef step{i}(step{i - 1}: int) -> int:\n    return step{i - 1} + 1\n"
        for i in range(1, n)
    )
    Path(f"{name}.py").write_text(source)
sys.path.insert(0, ".")
steps = importlib.import_module(name)
dr = driver.Builder().with_modules(steps).with_cache(path=out).build()
result = dr.execute([f"step{n - 1}"], inputs={"salt": salt})
assert result[f"step{n - 1}"] == salt + n - 1
