"""The built-in deploy step: serve a model version from inside a pipeline.

In YAML (a deployment pipeline that runs after training)::

    deploy:
      function: stackctl.steps.deploy:deploy_model
      params: {model: iris_classifier, version: latest}   # or production, 3, ...

It does what ``stackctl model deploy`` does, with the model deployer of the stack the
run is on, and returns the deployment (url, port, pid, ...) as its output. A version
is made when a run *completes*, so a step cannot serve the version of its own run: run
it in a pipeline after the training one (``version: latest`` is then that version).
"""

from __future__ import annotations

from typing import Any


def deploy_model(model: str, version: str = "latest", port: int | None = None) -> dict[str, Any]:
    """Serve ``model`` at ``version`` (number, stage or latest); the deployment's row."""
    from stackctl.catalog.deployments import deploy
    from stackctl.project import Project
    from stackctl.runtime.context import get_step_context

    stack = get_step_context().stack
    project = Project.discover(None, implicit=True)
    try:
        return deploy(project, f"{model}:{version}", port, stack=stack)
    finally:
        project.close()
