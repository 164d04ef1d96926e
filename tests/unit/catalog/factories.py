"""Entities to store in catalog tests."""

from __future__ import annotations

import hashlib

from app.core.entities import GPT, ModelFile, ModelInfo, ModelStatus


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def model_file(name: str = "Tiny Llama", *, info: ModelInfo | None = None) -> ModelFile:
    return ModelFile(
        sha256=sha(name),
        display_name=name,
        path=f"/store/sha256/{sha(name)}",
        size=1234,
        status=ModelStatus.INSTALLED,
        info=info,
        source="hf://owner/repo",
    )


def gpt(gpt_id: str = "me/helper", name: str = "Helper", model: ModelFile | None = None, **changes: object) -> GPT:
    return GPT(id=gpt_id, name=name, model_sha256=(model or model_file()).sha256, **changes)  # type: ignore[arg-type]
