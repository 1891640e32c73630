"""Artifact stores: where every step output is persisted (see ``base.ArtifactStore``)."""
