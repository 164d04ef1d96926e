"""Finding the passages that answer a question: BM25 and embeddings, fused by reciprocal rank.

BM25 (FTS5) finds passages that share the question's rarer words; embeddings find those that say the
same in other words. Their scores are not comparable, so each list is used by rank only: a passage's
fused score is ``Σ 1 / (K + rank)`` over the lists it is in (reciprocal rank fusion, K = 60, as
Cormack et al. proposed), which rewards passages both methods like without tuning weights. With no
embedding model installed the BM25 ranking is used as it is.

The embeddings of a set of documents are read from the catalog once into one matrix and kept while
those documents stay as they are, so a question costs one matrix-vector product, not a table scan.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from app.catalog import Catalog
from app.core.knowledge import Source
from app.knowledge.embedder import Embedder, from_blob

RRF_K = 60
CANDIDATES = 50
"""How deep each ranking is read before fusing."""


@dataclass
class Retriever:
    catalog: Catalog
    embedder: Embedder | None = None
    _vectors: dict[tuple, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retrieve(self, question: str, documents: Mapping[str, str], *, limit: int = 6) -> list[Source]:
        """The best ``limit`` passages of ``documents`` (``{sha256: file name}``) for the question, numbered 1…"""
        if not question.strip() or not documents or limit <= 0:
            return []
        shas = sorted(documents)
        rankings = [[chunk_id for chunk_id, _ in self.catalog.search_chunks(question, shas, CANDIDATES)]]
        if self.embedder is not None:
            rankings.append(self._by_meaning(question, shas))
        fused: dict[int, float] = {}
        for ranking in rankings:
            for rank, chunk_id in enumerate(ranking, 1):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
        best = sorted(fused, key=lambda i: (-fused[i], i))[:limit]
        chunks = self.catalog.knowledge_chunks(best)
        sources: list[Source] = []
        for chunk_id in best:
            stored = chunks.get(chunk_id)
            if stored is None:  # dropped by a re-index since the search
                continue
            c = stored.chunk
            sources.append(Source(number=len(sources) + 1, file=documents[stored.document_sha256], text=c.text,
                                  page=c.page, heading=c.heading, start=c.start, end=c.end, chunk_id=chunk_id,
                                  score=round(fused[chunk_id], 6)))
        return sources

    def _by_meaning(self, question: str, shas: list[str]) -> list[int]:
        assert self.embedder is not None
        ids, matrix = self._matrix(shas)
        if not len(ids):
            return []
        query = from_blob(self.embedder.embed([question])[0])
        norm = float(np.linalg.norm(query)) or 1.0
        scores = matrix @ (query / norm)
        top = np.argsort(-scores)[:CANDIDATES]
        return [int(ids[i]) for i in top]

    def _matrix(self, shas: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Chunk ids and their unit vectors for these documents, cached until one of them is re-indexed."""
        assert self.embedder is not None
        states = self.catalog.knowledge_documents(shas)
        key = (self.embedder.model_sha256, tuple((s, states[s].indexed_at) for s in shas if s in states))
        with self._lock:
            cached = self._vectors.get(key)
            if cached is not None:
                return cached
            rows = list(self.catalog.chunk_embeddings(shas, self.embedder.model_sha256))
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            if rows:
                matrix = np.vstack([from_blob(r[1]) for r in rows]).astype(np.float32)
                norms = np.linalg.norm(matrix, axis=1, keepdims=True)
                matrix /= np.where(norms == 0, 1.0, norms)
            else:
                matrix = np.zeros((0, 0), dtype=np.float32)
            self._vectors.clear()  # one set at a time: the GPT being chatted with
            self._vectors[key] = (ids, matrix)
            return ids, matrix
