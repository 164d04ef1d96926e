"""The committed docs/openapi.json is what the server publishes, and it documents keys, ranges and errors."""

from __future__ import annotations

import json
from pathlib import Path

from app.server.openapi import openapi_schema

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def test_the_committed_schema_is_up_to_date():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == openapi_schema(), (
        "docs/openapi.json is stale: regenerate it with `python -m app.server.openapi > docs/openapi.json`")


def test_the_schema_documents_the_endpoints_the_key_the_ranges_and_the_error_shape():
    schema = openapi_schema()
    assert set(schema["paths"]) == {"/v1/models", "/v1/models/{model_id}", "/v1/chat/completions",
                                    "/v1/completions", "/v1/embeddings"}
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    chat = schema["components"]["schemas"]["ChatCompletionRequest"]["properties"]
    temperature = chat["temperature"]["anyOf"][0]
    assert (temperature["minimum"], temperature["maximum"]) == (0, 2)
    responses = schema["paths"]["/v1/chat/completions"]["post"]["responses"]
    assert {"200", "401", "403", "413", "422", "429"} <= set(responses)
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "text/event-stream" in responses["200"]["content"]
