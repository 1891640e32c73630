"""The built-in alerter step: sends a message through the stack's alerter.

In a pipeline file::

    notify:
      function: stackctl.steps.alerter:send_alert
      params: {message: "training ${params.seed} finished"}
      inputs: {after: evaluate.output}     # optional: run it after another step

In Python, ``stackctl.alert(message)`` inside any step does the same.
"""

from __future__ import annotations

from typing import Any

from stackctl.hooks import alert


def send_alert(message: str, after: Any = None) -> None:
    """Send ``message`` (``after``: an upstream output, only to order the step)."""
    alert(message)
