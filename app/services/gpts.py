"""Making and listing GPTs on this machine."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.catalog import Catalog
from app.core.entities import GPT, ChatMessage, GenerationParams, GPTSource
from app.core.errors import InvalidInput, NotFound

MAX_STARTERS = 8
MAX_NAME = 100
MAX_INSTRUCTIONS = 32 * 1024


@dataclass
class GPTLibrary:
    catalog: Catalog

    def create(self, name: str, model_key: str, *, instructions: str = "", starters: Sequence[str] = (),
               description: str = "", examples: Sequence[ChatMessage] = (), params: GenerationParams | None = None,
               source: GPTSource = GPTSource.CUSTOM, gpt_id: str | None = None, category: str = "",
               tags: Sequence[str] = ()) -> GPT:
        """Make a GPT from an installed model; the name must be new on this machine."""
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise InvalidInput(f"A GPT's name must be 1 to {MAX_NAME} characters long.")
        if len(instructions) > MAX_INSTRUCTIONS:
            raise InvalidInput(f"Instructions are limited to {MAX_INSTRUCTIONS // 1024} KiB.")
        starters = tuple(s.strip() for s in starters if s.strip())
        if len(starters) > MAX_STARTERS:
            raise InvalidInput(f"A GPT can have at most {MAX_STARTERS} conversation starters, not {len(starters)}.")
        model = self.catalog.get_model(model_key)
        gpt_id = gpt_id or f"local/{slug(name)}"
        for existing in self.catalog.list_gpts():
            if existing.id == gpt_id or existing.name.casefold() == name.casefold():
                raise InvalidInput(f"A GPT named {existing.name!r} already exists; pick another name.")
        gpt = GPT(id=gpt_id, name=name, model_sha256=model.sha256, description=description,
                  instructions=instructions, starters=starters, examples=tuple(examples),
                  params=params or GenerationParams(), source=source, category=category, tags=tuple(tags))
        return self.catalog.save_gpt(gpt)

    def get(self, key: str) -> GPT:
        return self.catalog.get_gpt(key)

    def list(self) -> list[GPT]:
        return self.catalog.list_gpts()

    def exists(self, key: str) -> bool:
        try:
            self.catalog.get_gpt(key)
        except NotFound:
            return False
        return True

    def update(self, gpt: GPT, **changes: object) -> GPT:
        return self.catalog.save_gpt(replace(gpt, **changes))


def slug(name: str) -> str:
    """A readable id part: ASCII when the name allows it, the name's own letters otherwise (Chinese stays)."""
    text = unicodedata.normalize("NFKC", name).strip().lower()
    text = re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip("-._")
    return text[:64] or "gpt"
