"""Plain data shared by every layer: entities, errors, paths, settings.

This package imports nothing else of ours, so any layer may depend on it.
"""
