"""Unit tests of app.manifest: the gpt.json format (no network, no Qt)."""
