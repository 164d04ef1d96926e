"""The nouns of a GPT's knowledge: documents, their chunks, what a search found, what a reply was given.

Plain frozen dataclasses like :mod:`app.core.entities`, kept apart so the knowledge feature's types sit
together and the catalog, the indexer, the chat service and the UI all pass the same values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    """One passage of a document: its text and where it is (page for a PDF, heading elsewhere).

    ``start``/``end`` are character offsets into the document's extracted text, so a passage can be
    found again in the whole text.
    """

    text: str
    start: int
    end: int
    page: int | None = None
    heading: str = ""


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as the index holds it: its id, its document's sha256 and its place in that document."""

    id: int
    document_sha256: str
    ordinal: int
    chunk: Chunk


@dataclass(frozen=True)
class Source:
    """A passage as a reply cites it: the file's name in the GPT, its location and its text.

    A snapshot, stored with the reply (``message_sources``), so a citation still opens the passage it
    was given after the document is edited or removed.
    """

    number: int
    """1-based, as the prompt numbers it ([1], [2]...)."""
    file: str
    text: str
    page: int | None = None
    heading: str = ""
    start: int = 0
    end: int = 0
    chunk_id: int | None = None
    score: float = 0.0

    @property
    def location(self) -> str:
        """``page 3`` or the heading, or "" when the passage has neither."""
        if self.page is not None:
            return f"page {self.page}"
        return self.heading

    @property
    def label(self) -> str:
        """``guide.pdf, page 3``: what a citation shows."""
        name = self.file.rsplit("/", 1)[-1]
        return f"{name}, {self.location}" if self.location else name


class DocumentStatus(enum.StrEnum):
    INDEXED = "indexed"
    FAILED = "failed"


@dataclass(frozen=True)
class DocumentState:
    """What the index holds for one document (by its content's sha256)."""

    sha256: str
    name: str
    status: DocumentStatus
    chunk_count: int = 0
    error: str = ""
    embedding_sha256: str = ""
    """The embedding model whose vectors its chunks carry ("" when BM25 only)."""
    settings: str = ""
    """The chunking settings it was cut with (``size/overlap``), so changing them re-indexes it."""
    indexed_at: str = ""


@dataclass(frozen=True)
class DocumentInput:
    """A document to index: its name in the GPT, its content's sha256 and where the bytes are."""

    name: str
    sha256: str
    path: str


@dataclass(frozen=True)
class IndexProgress:
    """Reported once per document as the indexer finishes it."""

    done: int
    total: int
    name: str
    state: DocumentState | None = None
    skipped: bool = False


@dataclass(frozen=True)
class IndexReport:
    """What an indexing run changed: documents indexed, left as they were, failed (with why), dropped."""

    indexed: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    removed: int = 0
    chunks: int = 0
    cancelled: bool = False


@dataclass(frozen=True)
class KnowledgeFileInfo:
    """One of a GPT's knowledge files as ``knowledge list`` shows it."""

    name: str
    sha256: str
    size: int
    status: str
    """``indexed``, ``failed`` or ``not indexed``."""
    chunk_count: int = 0
    error: str = ""


@dataclass(frozen=True)
class EmbeddingChoice:
    """A small GGUF embedding model the app offers to install, pinned like a store listing's model."""

    name: str
    repo: str
    revision: str
    file: str
    quant: str
    size: int
    sha256: str
    languages: tuple[str, ...] = ()
    license: str = ""
