"""Data validators: check a DataFrame against a schema declared in the project
(see ``base.DataValidator``; the ``pandera`` flavor implements it)."""
