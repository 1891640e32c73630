"""The pipeline runtime: SDK, compiler, materializers, caching and the run loop."""
