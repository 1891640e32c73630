"""Experiment trackers: where steps log params and metrics (see ``base.ExperimentTracker``)."""
