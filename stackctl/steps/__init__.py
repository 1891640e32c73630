"""Built-in steps: use them in YAML as ``function: stackctl.steps.<module>:<function>``."""
