"""A test-only artifact store flavor whose provisioner can be made slow.

The e2e tests put this folder on PYTHONPATH, so `importlib.metadata` finds the
`stackctl.flavors` entry point in the .dist-info next to it: the same path a real
third-party plugin takes, with no test hook in stackctl itself.

Environment: STACKCTL_TEST_SLEEP (seconds create sleeps), STACKCTL_TEST_MARKER (a file
create writes before sleeping, so a test knows the apply is inside the provisioner),
STACKCTL_TEST_GO (a file create waits for, at most 120 s, after the sleep).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from stackctl.components.provisioner import Observation
from stackctl.components.registry import Flavor

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"path": {"type": "string", "x-replace": True}, "token": {"type": "string"}},
    "required": ["path"],
}


class SlowProvisioner:
    def create(self, config, root):
        if marker := os.environ.get("STACKCTL_TEST_MARKER"):
            Path(marker).write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("STACKCTL_TEST_SLEEP", "0")))
        if go := os.environ.get("STACKCTL_TEST_GO"):  # hold until the test says go
            deadline = time.monotonic() + 120
            while not Path(go).exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        folder = root / config["path"]
        folder.mkdir(parents=True, exist_ok=True)
        if "token" in config:  # proves the provisioner got the value, without storing it
            digest = hashlib.sha256(config["token"].encode()).hexdigest()
            (folder / "token.sha256").write_text(digest)
        return {"path": str(folder)}

    def update(self, old, new, root):
        return self.create(new, root)

    def observe(self, config, root):
        folder = root / config["path"]
        return Observation(folder.is_dir(), detail=f"directory {config['path']} is missing")

    def delete(self, config, root):
        folder = root / config["path"]
        for child in folder.glob("*"):
            child.unlink()
        if folder.is_dir():
            folder.rmdir()


FLAVOR = Flavor(
    type="artifact_store",
    name="slow",
    description="test only: a folder, created slowly",
    implementation="stackctl.components.artifact_stores.local:LocalArtifactStore",
    provisioner="stackctl_testflavors:SlowProvisioner",
    inline_schema=SCHEMA,
)
