"""Step operators: run one step elsewhere while the rest stays on the orchestrator."""
