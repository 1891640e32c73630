"""Model deployers: serve model versions over HTTP (flavor mlflow: a local scoring server)."""
