"""Incremental indexing: only what changed is read again, and progress survives a stop at any point.

Documents are known by their content's sha256, so "changed" needs no dates: an edited file is a new
document (indexed), an unchanged one is already in the index with the same chunking settings and
embedding model (skipped), and one no GPT carries any more is dropped. Each document is committed
on its own, with all its chunks, as soon as it is done (:meth:`KnowledgeIndex.save_knowledge_document`):
after a crash, a kill or a cancel the next run finds the finished ones and does only the rest, and
never stores a document twice.

A document that cannot be read is recorded as failed with the reason (shown in the wizard and
``knowledge list``) and the run goes on. When the embedding model fails on a document, its chunks are
stored without vectors (BM25 still finds them) and it is embedded again on a later run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.catalog import Catalog
from app.core.errors import KnownError
from app.core.knowledge import DocumentInput, DocumentState, DocumentStatus, IndexProgress, IndexReport
from app.knowledge.chunking import ChunkSettings, chunk_sections
from app.knowledge.embedder import Embedder
from app.knowledge.extract import UnreadableDocument, extract

log = logging.getLogger(__name__)

Progress = Callable[[IndexProgress], None]


@dataclass
class Indexer:
    catalog: Catalog
    settings: ChunkSettings = field(default_factory=ChunkSettings)
    embedder: Embedder | None = None

    def index(self, documents: Sequence[DocumentInput], *, progress: Progress | None = None,
              cancel: threading.Event | None = None, drop_unreferenced: bool = True) -> IndexReport:
        """Bring the index up to date with ``documents``; returns what was indexed, skipped, failed, dropped.

        ``drop_unreferenced`` also drops documents that neither ``documents`` nor any GPT holds.
        """
        unique = list({d.sha256: d for d in documents}.values())
        states = self.catalog.knowledge_documents(d.sha256 for d in unique)
        indexed: list[str] = []
        skipped: list[str] = []
        failed: list[tuple[str, str]] = []
        chunks = 0
        cancelled = False
        for done, document in enumerate(unique, 1):
            if cancel is not None and cancel.is_set():
                cancelled = True
                break
            state = states.get(document.sha256)
            if state is not None and self._up_to_date(state):
                skipped.append(document.name)
                _report(progress, IndexProgress(done, len(unique), document.name, state, skipped=True))
                continue
            state = self._index_one(document)
            if state.status is DocumentStatus.FAILED:
                failed.append((document.name, state.error))
            else:
                indexed.append(document.name)
                chunks += state.chunk_count
            _report(progress, IndexProgress(done, len(unique), document.name, state))
        removed = 0
        if drop_unreferenced and not cancelled:
            removed = self.catalog.delete_knowledge_documents(
                self.catalog.unreferenced_knowledge(keep=[d.sha256 for d in unique]))
        return IndexReport(indexed=tuple(indexed), skipped=tuple(skipped), failed=tuple(failed), removed=removed,
                           chunks=chunks, cancelled=cancelled)

    def _up_to_date(self, state: DocumentState) -> bool:
        if state.settings != self.settings.key():
            return False
        if state.status is DocumentStatus.FAILED or self.embedder is None:
            return True
        return state.embedding_sha256 == self.embedder.model_sha256

    def _index_one(self, document: DocumentInput) -> DocumentState:
        base = DocumentState(sha256=document.sha256, name=document.name, status=DocumentStatus.INDEXED,
                             settings=self.settings.key())
        try:
            pieces = chunk_sections(extract(Path(document.path), document.name), self.settings)
            if not pieces:
                raise UnreadableDocument(document.name, "no text could be found in it (a scanned PDF needs OCR first)")
        except UnreadableDocument as exc:
            log.info("knowledge: %s", exc)
            failed = DocumentState(sha256=document.sha256, name=document.name, status=DocumentStatus.FAILED,
                                   error=exc.reason, settings=self.settings.key())
            return self.catalog.save_knowledge_document(failed)
        embeddings = None
        if self.embedder is not None:
            try:
                embeddings = self.embedder.embed([c.text for c in pieces])
                base = replace(base, embedding_sha256=self.embedder.model_sha256)
            except KnownError as exc:
                log.warning("knowledge: %s was indexed without embeddings: %s", document.name, exc)
        return self.catalog.save_knowledge_document(base, pieces, embeddings)


def _report(progress: Progress | None, update: IndexProgress) -> None:
    if progress is not None:
        progress(update)
