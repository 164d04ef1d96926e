"""The local OpenAI-compatible API (docs/api.md): installed GPTs and models served to other programs over HTTP.

Off by default; bound to loopback unless the person chooses otherwise; every ``/v1`` request needs a key.
"""
