"""The found passages as the model sees them: numbered, with their file and place, within a budget.

The passages go into the person's last message, above the question, rather than into the system
message: the instructions and earlier turns stay a byte-identical prefix, so llama.cpp keeps reusing
their KV cache from turn to turn, and each turn carries the passages for its own question only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.core.knowledge import Source
from app.knowledge.chunking import estimate_tokens

INTRO = ("Answer using the numbered sources below when they are relevant, and cite them by number like [1]. "
         "If they do not contain the answer, say so.")
_SOURCE_OVERHEAD = 16  # the "[n] file, page" line and spacing, in estimated tokens


def fit(sources: Sequence[Source], budget: int) -> list[Source]:
    """The best sources, in order, whose passages fit in ``budget`` estimated tokens (renumbered 1…)."""
    kept: list[Source] = []
    used = estimate_tokens(INTRO) + 8
    for source in sources:
        cost = estimate_tokens(source.text) + estimate_tokens(source.label) + _SOURCE_OVERHEAD
        if used + cost > budget:
            continue  # a shorter passage further down may still fit
        used += cost
        kept.append(replace(source, number=len(kept) + 1))
    return kept


def with_sources(question: str, sources: Sequence[Source]) -> str:
    """The person's message with the passages above it (the message itself when there are none)."""
    if not sources:
        return question
    blocks = [f"[{s.number}] {s.label}\n{s.text.strip()}" for s in sources]
    return f"{INTRO}\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}"
