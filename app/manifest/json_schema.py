"""The manifest's JSON Schema, generated from the models so it cannot drift from what the app accepts.

Editors and the hub can validate a ``gpt.json`` with it before the app ever sees the file. The copy
in ``docs/manifest.schema.json`` is checked against this output by a unit test; regenerate it with::

    python -m app.manifest.schema > docs/manifest.schema.json

The schema cannot say everything: byte limits (it states them as character limits, which a file
within the byte limit always meets), the path rules of :mod:`app.manifest.safe_path`, and the
cross-field rules (unique names, ``default_variant``, ``adapter.base_sha256``) are enforced only by
the app. Strict mode's "no unknown top-level keys" is in the schema; the sync's lenience is not.
"""

from __future__ import annotations

import json
from typing import Any

from app.manifest.models import GPTManifest

SCHEMA_URL = "https://gptshelf.app/schemas/gpt-1.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "GPT Shelf GPT manifest (gpt.json, gptshelf/gpt@1)"


def manifest_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``gpt.json`` as a dict."""
    generated = GPTManifest.model_json_schema(by_alias=True, mode="validation")
    schema: dict[str, Any] = {"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_URL}
    schema.update(generated)
    schema["title"] = TITLE
    return schema


def render_schema() -> str:
    """The schema as the text committed to docs/manifest.schema.json."""
    return json.dumps(manifest_json_schema(), indent=2, ensure_ascii=False) + "\n"
