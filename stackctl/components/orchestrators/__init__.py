"""Orchestrators: schedule step tasks somewhere (see ``base.Orchestrator``)."""
