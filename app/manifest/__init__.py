"""The GPT manifest (``gpt.json``, schema ``gptshelf/gpt@1``): parse, validate, serialise.

Everything a GPT is made of is named here and pinned (repo + commit + safe relative path + sha256 +
size), so the rest of the app can trust a :class:`GPTManifest` without re-checking it. Bad input
only ever raises :class:`app.core.errors.BadManifest`. See docs/manifest.md for the format.

The names below are imported from their modules on first use (PEP 562), so ``import
app.manifest.safe_path`` (plain path rules) does not load pydantic, which the models need and the
app's start does not.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.manifest.fields import SCHEMA_ID
    from app.manifest.json_schema import SCHEMA_URL, manifest_json_schema
    from app.manifest.models import (
        Adapter,
        EmbeddingModel,
        EvalsFile,
        Example,
        GPTManifest,
        KnowledgeFile,
        ModelSpec,
        Parameters,
        Variant,
    )
    from app.manifest.parse import MAX_DEPTH, MAX_MANIFEST_BYTES, ParsedManifest, dump_manifest, parse_manifest
    from app.manifest.safe_path import check_relative_path

_WHERE = {
    "SCHEMA_ID": "fields",
    "Adapter": "models", "EmbeddingModel": "models", "EvalsFile": "models", "Example": "models", "GPTManifest": "models",
    "KnowledgeFile": "models", "ModelSpec": "models", "Parameters": "models", "Variant": "models",
    "MAX_DEPTH": "parse", "MAX_MANIFEST_BYTES": "parse", "ParsedManifest": "parse", "dump_manifest": "parse",
    "parse_manifest": "parse",
    "check_relative_path": "safe_path",
    "SCHEMA_URL": "json_schema", "manifest_json_schema": "json_schema",
}

__all__ = [
    "MAX_DEPTH",
    "MAX_MANIFEST_BYTES",
    "SCHEMA_ID",
    "SCHEMA_URL",
    "Adapter",
    "EmbeddingModel",
    "EvalsFile",
    "Example",
    "GPTManifest",
    "KnowledgeFile",
    "ModelSpec",
    "ParsedManifest",
    "Parameters",
    "Variant",
    "check_relative_path",
    "dump_manifest",
    "manifest_json_schema",
    "parse_manifest",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - whatever the named module holds
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next access is an ordinary module attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
