"""Built-in steps that pipelines (YAML or SDK) can use as they are."""
