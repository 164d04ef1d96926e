"""docs/manifest.md cannot lie: its example parses, and it mentions every field of the format."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from app.manifest import GPTManifest, dump_manifest, parse_manifest

DOC = Path(__file__).resolve().parents[3] / "docs" / "manifest.md"


def json_blocks(text: str) -> list[str]:
    return re.findall(r"^```json\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def field_names(model: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(field.alias or name)
        for arg in _models_in(field.annotation):
            names |= field_names(arg)
    return names


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()):
        found += _models_in(arg)
    return found


def test_the_example_in_the_docs_is_a_valid_manifest() -> None:
    blocks = json_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) == 1, "docs/manifest.md should hold exactly one ```json block: the full example"
    parsed = parse_manifest(blocks[0], strict=True, source="docs/manifest.md")
    manifest = parsed.manifest
    assert parsed.warnings == ()
    assert manifest.adapter is not None and manifest.embedding_model is not None and manifest.knowledge
    assert parse_manifest(dump_manifest(manifest)).manifest == manifest


def test_the_example_uses_every_field() -> None:
    import json

    example = json.loads(json_blocks(DOC.read_text(encoding="utf-8"))[0])
    missing = [f.alias or n for n, f in GPTManifest.model_fields.items() if (f.alias or n) not in example]
    assert missing == ["chat_template"], missing  # a Jinja override is rare; the docs describe it instead


def test_the_docs_mention_every_field() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = sorted(name for name in field_names(GPTManifest) if f"`{name}`" not in text and f".{name}`" not in text)
    assert not missing, f"docs/manifest.md does not describe: {missing}"
