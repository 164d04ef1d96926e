"""Command line: ``python -m app.manifest.schema`` writes the manifest's JSON Schema to stdout.

Kept apart from :mod:`app.manifest.json_schema` so that running it as ``-m`` does not re-import a
module the package has already imported.
"""

from __future__ import annotations

import sys

from app.manifest.json_schema import SCHEMA_URL, manifest_json_schema, render_schema

__all__ = ["SCHEMA_URL", "main", "manifest_json_schema", "render_schema"]


def main() -> int:
    sys.stdout.write(render_schema())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
