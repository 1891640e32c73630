"""The declared catalog of stacks and components: list, describe, and safe YAML edits.

The stack and component commands (``stackctl stack ...``, ``stackctl orchestrator ...``)
call these functions; the dashboard may read through ``views``. This package sits between
the CLI and ``project`` in the import-linter layers because every function here works on
a ``Project`` (its spec, its state store, its files) and the CLI must stay thin.
Edits never touch state: they change stacks/*.yaml, and plan/apply does the rest.
"""
