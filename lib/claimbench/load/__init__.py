"""Loaders: files in (YAML registries, claims, references, peer result files, bundles), typed records out."""
