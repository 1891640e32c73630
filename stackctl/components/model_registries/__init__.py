"""Model registries: where model versions and their stages are mirrored (flavor mlflow)."""
