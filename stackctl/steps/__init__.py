"""Built-in steps a pipeline names like its own: ``function: stackctl.steps.MODULE:NAME``."""
