"""The GPT manifest (``gpt.json``, schema ``gptshelf/gpt@1``): parse, validate, serialise.

Everything a GPT is made of is named here and pinned (repo + commit + safe relative path + sha256 +
size), so the rest of the app can trust a :class:`GPTManifest` without re-checking it. Bad input
only ever raises :class:`app.core.errors.BadManifest`. See docs/manifest.md for the format.
"""

from __future__ import annotations

from app.manifest.fields import SCHEMA_ID
from app.manifest.models import (
    Adapter,
    EmbeddingModel,
    Example,
    GPTManifest,
    KnowledgeFile,
    ModelSpec,
    Parameters,
    Variant,
)
from app.manifest.parse import MAX_DEPTH, MAX_MANIFEST_BYTES, ParsedManifest, dump_manifest, parse_manifest
from app.manifest.safe_path import check_relative_path
from app.manifest.json_schema import SCHEMA_URL, manifest_json_schema

__all__ = [
    "MAX_DEPTH",
    "MAX_MANIFEST_BYTES",
    "SCHEMA_ID",
    "SCHEMA_URL",
    "Adapter",
    "EmbeddingModel",
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
