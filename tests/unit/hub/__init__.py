"""Unit tests of the hub listings shipped with the app (no network, no Qt)."""
