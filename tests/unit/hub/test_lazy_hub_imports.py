"""The hub layer imports huggingface_hub and httpx only when a hub call needs them (cold start)."""

from __future__ import annotations

import subprocess
import sys

from app.hub import client


def test_importing_the_store_service_does_not_import_the_hub_client_library() -> None:
    code = ("import sys, app.services.store, app.hub.download, app.catalog; "
            "print(sorted(m for m in ('huggingface_hub', 'httpx2', 'sqlite_utils') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_opening_the_services_with_the_publisher_does_not_import_it_either() -> None:
    code = ("import sys, app.services.container, app.services.publish, app.hub.publish; "
            "print('huggingface_hub' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_http_is_configured_once_at_the_first_hub_call(monkeypatch) -> None:
    applied: list[str] = []
    monkeypatch.setattr(client, "configure_http", applied.append)
    proxies = iter(["http://proxy:1", "http://other:2"])
    setup = client.HttpSetup(lambda: next(proxies))
    assert applied == []
    setup.ensure()
    setup.ensure()
    assert applied == ["http://proxy:1"]
