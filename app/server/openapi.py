"""The API's OpenAPI schema as committed to docs/openapi.json (a unit test keeps the two equal).

Regenerate with::

    python -m app.server.openapi > docs/openapi.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

from app.server.app import create_app
from app.server.config import ServerConfig


def openapi_schema() -> dict[str, Any]:
    """The schema the running server publishes at /openapi.json (no services needed to describe them)."""
    return create_app(None, None, ServerConfig()).openapi()  # type: ignore[arg-type]


def render() -> str:
    return json.dumps(openapi_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
