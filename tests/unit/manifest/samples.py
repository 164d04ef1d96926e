"""A valid manifest to start each test from, and helpers to break one rule at a time."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.core.errors import BadManifest, FieldProblem
from app.manifest import parse_manifest

Q4_SHA = "1" * 64
Q8_SHA = "2" * 64

_VALID: dict[str, Any] = {
    "schema": "gptshelf/gpt@1",
    "id": "alice/pirate-tutor",
    "version": "1.0.0",
    "name": "Pirate tutor",
    "description": "Teaches maths,\nlike a pirate.",
    "author": "Alice",
    "category": "Education",
    "tags": ["maths", "pirates"],
    "license": "MIT",
    "icon": "icon.png",
    "icon_size": 4096,
    "icon_sha256": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
    "instructions": "You are a pirate who teaches maths.",
    "conversation_starters": ["What is 2 + 2, matey?"],
    "examples": [
        {"role": "system", "content": "Stay in character."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Ahoy!"},
    ],
    "model": {
        "repo": "bob/tiny-llama-GGUF",
        "revision": "a" * 40,
        "variants": [
            {"file": "tiny-Q4_K_M.gguf", "quant": "Q4_K_M", "size": 1000, "sha256": Q4_SHA},
            {"file": "weights/tiny-Q8_0.gguf", "quant": "Q8_0", "size": 2000, "sha256": Q8_SHA},
        ],
        "default_variant": "Q4_K_M",
    },
    "adapter": {"file": "adapter.gguf", "size": 10, "sha256": "3" * 64, "scale": 0.5, "base_sha256": Q4_SHA},
    "knowledge": [
        {"file": "knowledge/guide.md", "size": 5, "sha256": "4" * 64},
        {"file": "知识/指南.md", "size": 6, "sha256": "5" * 64},
    ],
    "embedding_model": {
        "repo": "carol/embed-GGUF",
        "revision": "b" * 40,
        "file": "embed.gguf",
        "size": 7,
        "sha256": "6" * 64,
    },
    "chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}",
    "parameters": {
        "temperature": 0.6,
        "top_p": 0.9,
        "top_k": 50,
        "min_p": 0.1,
        "repeat_penalty": 1.2,
        "max_tokens": 256,
        "context_length": 2048,
        "stop": ["</s>"],
    },
    "min_app_version": "0.1.0",
    "changelog": "First version.",
    "evals": {"file": "evals.json", "size": 812, "sha256": "d" * 64},
}

MINIMAL_KEYS = ("schema", "id", "version", "name", "model")


def valid() -> dict[str, Any]:
    """A fresh deep copy of a manifest that uses every field."""
    return copy.deepcopy(_VALID)


def minimal() -> dict[str, Any]:
    """A fresh manifest with only the required fields."""
    return {key: copy.deepcopy(_VALID[key]) for key in MINIMAL_KEYS}


def problems(data: Any, **kwargs: Any) -> tuple[FieldProblem, ...]:
    """The problems parse_manifest reports; fails the test if it accepts the input."""
    with pytest.raises(BadManifest) as caught:
        parse_manifest(data, **kwargs)
    found = caught.value.problems
    assert found, "BadManifest must carry at least one problem"
    return found


def set_path(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """Set data[path...] = value in place and return data."""
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def delete_path(data: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return data
