"""Configuration: YAML with positions, JSON Schema validation, OmegaConf resolution.

The only package that touches ruamel.yaml, omegaconf and jsonschema.
"""
