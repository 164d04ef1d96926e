"""Cutting a document's sections into passages that a prompt can hold and a search can rank.

A chunk never crosses a section (a heading or a page), so each passage has one location to cite. Within
a section paragraphs are packed whole up to the size; a paragraph larger than the size is cut at
sentence ends (``. ! ? 。 ！ ？ ；``), and a sentence larger still at a space (or anywhere, for Chinese).
Consecutive chunks share up to ``overlap`` of whole paragraphs or sentences, so an answer that straddles
a cut is still found whole in one of them.

Sizes are in *estimated tokens* (:func:`estimate_tokens`: one per CJK character, one per four other
characters), so the same setting gives chunks of similar weight in a prompt for Chinese and English.
Each chunk's ``start``/``end`` index the document's text as :func:`document_text` joins it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.knowledge import Chunk
from app.knowledge.extract import Section

SECTION_SEPARATOR = "\n\n"
_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*\Z)", re.DOTALL)
_CJK = re.compile("[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SENTENCE = re.compile(r"\S.*?(?:[.!?;](?=\s)|[。！？；]|\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class ChunkSettings:
    """How big the passages are and how much neighbours share, in estimated tokens."""

    size: int = 256
    overlap: int = 32

    def __post_init__(self) -> None:
        if self.size < 16:
            raise ValueError("A chunk must be at least 16 tokens long.")
        if not 0 <= self.overlap < self.size // 2:
            raise ValueError("The overlap must be at least 0 and less than half the chunk size.")

    def key(self) -> str:
        """How the index records the settings a document was cut with."""
        return f"{self.size}/{self.overlap}"


def estimate_tokens(text: str) -> int:
    """A quick token estimate: one per CJK character, one per four other characters (rounded up)."""
    cjk = len(_CJK.findall(text)) if not text.isascii() else 0
    return cjk + -(-(len(text) - cjk) // 4)


def document_text(sections: Sequence[Section]) -> str:
    """The whole extracted text that chunk offsets index."""
    return SECTION_SEPARATOR.join(s.text for s in sections)


def chunk_sections(sections: Sequence[Section], settings: ChunkSettings | None = None) -> list[Chunk]:
    """The document's chunks in order; empty sections give none."""
    settings = settings or ChunkSettings()
    chunks: list[Chunk] = []
    base = 0
    for section in sections:
        pieces = _pieces(section.text, settings.size)
        chunks.extend(_pack(section, base, pieces, settings))
        base += len(section.text) + len(SECTION_SEPARATOR)
    return chunks


def _pieces(text: str, size: int) -> list[tuple[int, int, int]]:
    """``(start, end, tokens)`` of paragraphs, each no bigger than ``size`` (big ones cut smaller)."""
    pieces: list[tuple[int, int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        tokens = estimate_tokens(paragraph.group(0))
        if tokens <= size:
            pieces.append((paragraph.start(), paragraph.end(), tokens))
            continue
        for sentence in _SENTENCE.finditer(paragraph.group(0)):
            start = paragraph.start() + sentence.start()
            pieces.extend(_hard_split(text, start, start + len(sentence.group(0).rstrip()), size))
    return pieces


def _hard_split(text: str, start: int, end: int, size: int) -> list[tuple[int, int, int]]:
    """A span cut into parts of at most ``size`` tokens, at spaces where there are any."""
    parts: list[tuple[int, int, int]] = []
    while start < end:
        tokens = estimate_tokens(text[start:end])
        if tokens <= size:
            parts.append((start, end, tokens))
            break
        cut = start + max(1, (end - start) * size // tokens)
        while estimate_tokens(text[start:cut]) > size and cut > start + 1:
            cut -= max(1, (cut - start) // 10)
        space = text.rfind(" ", start + 1, cut)
        if space > start + (cut - start) // 2:
            cut = space
        parts.append((start, cut, estimate_tokens(text[start:cut])))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    return parts


def _pack(section: Section, base: int, pieces: list[tuple[int, int, int]], settings: ChunkSettings) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[tuple[int, int, int]] = []
    total = 0
    for piece in pieces:
        if current and total + piece[2] > settings.size:
            chunks.append(_chunk(section, base, current))
            kept: list[tuple[int, int, int]] = []
            for previous in reversed(current):
                if sum(p[2] for p in kept) + previous[2] > settings.overlap or \
                        sum(p[2] for p in kept) + previous[2] + piece[2] > settings.size:
                    break
                kept.insert(0, previous)
            current, total = kept, sum(p[2] for p in kept)
        current.append(piece)
        total += piece[2]
    if current:
        chunks.append(_chunk(section, base, current))
    return chunks


def _chunk(section: Section, base: int, pieces: list[tuple[int, int, int]]) -> Chunk:
    start, end = pieces[0][0], pieces[-1][1]
    return Chunk(text=section.text[start:end], start=base + start, end=base + end, page=section.page,
                 heading=section.heading)
