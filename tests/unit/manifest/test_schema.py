"""The committed JSON Schema is the one the models generate, and says what the app enforces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.manifest import SCHEMA_URL, manifest_json_schema
from app.manifest.json_schema import render_schema

REPO = Path(__file__).resolve().parents[3]
SCHEMA_FILE = REPO / "docs" / "manifest.schema.json"
REGENERATE = "python -m app.manifest.schema > docs/manifest.schema.json"


def test_committed_schema_is_up_to_date() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == manifest_json_schema(), (
        f"docs/manifest.schema.json is stale: the manifest models changed. Regenerate it with `{REGENERATE}` and commit it."
    )


def test_schema_identity() -> None:
    schema = manifest_json_schema()
    assert schema["$id"] == SCHEMA_URL == "https://gptshelf.app/schemas/gpt-1.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "gptshelf/gpt@1" in schema["title"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["schema", "id", "version", "name", "model"]


def test_schema_states_the_key_rules() -> None:
    schema = manifest_json_schema()
    props, defs = schema["properties"], schema["$defs"]
    assert props["schema"]["const"] == "gptshelf/gpt@1"
    assert props["tags"]["maxItems"] == 20 and props["tags"]["items"]["maxLength"] == 40
    assert defs["Variant"]["properties"]["sha256"]["pattern"] == "^[0-9a-f]{64}$"
    assert defs["ModelSpec"]["properties"]["revision"]["pattern"] == "^[0-9a-f]{40}$"
    assert defs["ModelSpec"]["properties"]["variants"]["minItems"] == 1
    assert defs["Parameters"]["properties"]["top_k"]["type"] == "integer"
    assert defs["Parameters"]["properties"]["temperature"] == {
        "default": 0.7, "maximum": 2, "minimum": 0, "title": "Temperature", "type": "number"
    }
    for name in ("Variant", "ModelSpec", "Adapter", "KnowledgeFile", "EmbeddingModel", "Example", "Parameters"):
        assert defs[name]["additionalProperties"] is False, name


def test_command_line_prints_the_schema() -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-m", "app.manifest.schema"],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", check=True, timeout=60,
    )
    assert result.stdout == render_schema()
    assert result.stderr == ""
