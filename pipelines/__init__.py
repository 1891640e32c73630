"""Example pipelines: iris training with scikit-learn (the data ships with it)."""
