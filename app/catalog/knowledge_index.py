"""The knowledge index in the catalog: documents, chunks (full-text and embeddings) and reply sources.

A document is written in one transaction with all its chunks and their full-text rows, replacing
whatever was stored under its sha256: an indexer killed half-way leaves each document either fully
indexed or absent, never half or twice (the next run simply indexes the absent ones). Full-text rows
hold the chunk's segmented text (:mod:`app.catalog.cjk`) so Chinese passages are found by Chinese
questions; the search runs alone over ``knowledge_fts`` and chunk rows are read afterwards by id (a
JOIN inside the MATCH query is the usual FTS5 cliff).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from app.catalog import rows
from app.catalog.chunk_query import document_token, plain_word, question_terms, scoped_query
from app.catalog.cjk import segment
from app.catalog.connections import Connections
from app.core.knowledge import Chunk, DocumentState, DocumentStatus, Source, StoredChunk

_DOCUMENT = ("SELECT sha256, name, status, error, chunk_count, embedding_sha256, settings, indexed_at "
             "FROM knowledge_documents")
_CHUNK = ("SELECT id, document_sha256, ordinal, text, page, heading, char_start, char_end "
          "FROM knowledge_chunks")
_MAX_VARIABLES = 500
COMMON_SHARE = 0.25
"""A word in more than this share of all chunks is left out of a question's query (see chunk_query)."""
COMMON_FROM = 1_000
"""…once the index holds at least this many chunks (below, every query is fast anyway)."""
# Every GPT's knowledge files, as sha256s: what the index must keep.
_REFERENCED = ("SELECT DISTINCT json_extract(k.value, '$.sha256') FROM gpts AS g, json_each(g.knowledge) AS k")


class KnowledgeIndex:
    _conns: Connections

    # Documents -----------------------------------------------------------------------------------

    def knowledge_documents(self, sha256s: Iterable[str] | None = None) -> dict[str, DocumentState]:
        """The stored state of each of ``sha256s`` that the index holds (all documents when None)."""
        conn = self._conns.read()
        if sha256s is None:
            return {r["sha256"]: _document(r) for r in conn.execute(_DOCUMENT).fetchall()}
        return {r["sha256"]: _document(r) for r in _rows_in(conn, f"{_DOCUMENT} WHERE sha256", sha256s)}

    def save_knowledge_document(self, state: DocumentState, chunks: Sequence[Chunk] = (),
                                embeddings: Sequence[bytes] | None = None) -> DocumentState:
        """Store a document with all its chunks in one transaction, replacing what its sha256 held."""
        if embeddings is not None and len(embeddings) != len(chunks):
            raise ValueError("one embedding per chunk")
        now = rows.utc_now()
        with self._conns.write() as conn:
            _delete_documents(conn, [state.sha256])
            conn.execute(
                "INSERT INTO knowledge_documents (sha256, name, status, error, chunk_count, embedding_sha256, "
                "settings, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (state.sha256, state.name, DocumentStatus(state.status).value, state.error, len(chunks),
                 state.embedding_sha256 if embeddings is not None else "", state.settings, now),
            )
            conn.executemany(
                "INSERT INTO knowledge_chunks (document_sha256, ordinal, text, page, heading, char_start, char_end, "
                "embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(state.sha256, ordinal, c.text, c.page, c.heading, c.start, c.end,
                  embeddings[ordinal] if embeddings is not None else None) for ordinal, c in enumerate(chunks)],
            )
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM knowledge_chunks WHERE document_sha256 = ? ORDER BY ordinal", (state.sha256,))]
            token = document_token(state.sha256)
            # The heading is searched with its passage: a question often names the section.
            conn.executemany("INSERT INTO knowledge_fts (rowid, doc, text) VALUES (?, ?, ?)",
                             [(chunk_id, token, segment(f"{c.heading}\n{c.text}")) for chunk_id, c in zip(ids, chunks)])
            found = conn.execute(f"{_DOCUMENT} WHERE sha256 = ?", (state.sha256,)).fetchone()
            return _document(found)

    def delete_knowledge_documents(self, sha256s: Iterable[str]) -> int:
        """Drop documents with their chunks; returns how many there were."""
        with self._conns.write() as conn:
            return _delete_documents(conn, list(sha256s))

    def unreferenced_knowledge(self, keep: Iterable[str] = ()) -> list[str]:
        """Indexed documents that no GPT carries (nor ``keep`` names): what a clean-up may drop."""
        kept = set(keep)
        conn = self._conns.read()
        referenced = {r[0] for r in conn.execute(_REFERENCED).fetchall()}
        return [r[0] for r in conn.execute("SELECT sha256 FROM knowledge_documents").fetchall()
                if r[0] not in referenced and r[0] not in kept]

    # Chunks --------------------------------------------------------------------------------------

    def search_chunks(self, question: str, documents: Sequence[str], limit: int = 20) -> list[tuple[int, float]]:
        """``(chunk id, bm25 score)`` of the best chunks of ``documents`` for ``question``, best first.

        The score is FTS5's bm25 (lower is better, negative); the doc column weighs nothing. When the
        documents are every indexed one (one GPT with knowledge, the usual case), the scope is left out:
        it would match every row and only cost time.
        """
        conn = self._conns.read()
        wanted = list(dict.fromkeys(documents))
        indexed = conn.execute("SELECT count(*) FROM knowledge_documents WHERE chunk_count > 0").fetchone()[0]
        inside = sum(1 for r in _rows_in(conn, "SELECT chunk_count FROM knowledge_documents WHERE sha256", wanted)
                     if r[0] > 0)
        total = conn.execute("SELECT coalesce(sum(chunk_count), 0) FROM knowledge_documents").fetchone()[0]
        terms = _without_common_words(conn, question_terms(question), total)
        query = scoped_query(terms, wanted, everything=inside == indexed)
        if query is None:
            return []
        found = conn.execute(
            "SELECT rowid, bm25(knowledge_fts, 0.0, 1.0) AS score FROM knowledge_fts WHERE knowledge_fts MATCH ? "
            "ORDER BY score LIMIT ?", (query, max(0, limit)),
        ).fetchall()
        return [(r[0], r[1]) for r in found]

    def knowledge_chunks(self, ids: Iterable[int]) -> dict[int, StoredChunk]:
        """The chunks with these ids (those that still exist)."""
        return {r["id"]: _chunk(r) for r in _rows_in(self._conns.read(), f"{_CHUNK} WHERE id", ids)}

    def document_chunks(self, sha256: str) -> list[StoredChunk]:
        """Every chunk of one document, in order."""
        found = self._conns.read().execute(f"{_CHUNK} WHERE document_sha256 = ? ORDER BY ordinal", (sha256,))
        return [_chunk(r) for r in found.fetchall()]

    def chunk_embeddings(self, documents: Sequence[str], embedding_sha256: str) -> Iterator[tuple[int, bytes]]:
        """``(chunk id, float32 blob)`` of every embedded chunk of ``documents`` made by that embedding model."""
        conn = self._conns.read()
        for part in _parts(list(documents)):
            marks = ", ".join("?" for _ in part)
            yield from conn.execute(
                f"SELECT c.id, c.embedding FROM knowledge_chunks AS c JOIN knowledge_documents AS d "
                f"ON d.sha256 = c.document_sha256 WHERE c.document_sha256 IN ({marks}) "
                "AND d.embedding_sha256 = ? AND c.embedding IS NOT NULL", (*part, embedding_sha256),
            )

    # Reply sources -------------------------------------------------------------------------------

    def set_message_sources(self, message_id: int, sources: Sequence[Source]) -> list[Source]:
        """Record the passages a reply was given (replacing any recorded before); returns them."""
        with self._conns.write() as conn:
            conn.execute("DELETE FROM message_sources WHERE message_id = ?", (message_id,))
            conn.executemany(
                "INSERT INTO message_sources (message_id, number, file, text, page, heading, char_start, char_end, "
                "chunk_id, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(message_id, s.number, s.file, s.text, s.page, s.heading, s.start, s.end, s.chunk_id, s.score)
                 for s in sources],
            )
        return list(sources)

    def message_sources(self, message_ids: Iterable[int]) -> dict[int, list[Source]]:
        """The recorded sources of each of these messages that has any, in citation order."""
        found: dict[int, list[Source]] = {}
        select = ("SELECT message_id, number, file, text, page, heading, char_start, char_end, chunk_id, score "
                  "FROM message_sources WHERE message_id")
        for r in sorted(_rows_in(self._conns.read(), select, message_ids), key=lambda r: (r[0], r[1])):
            found.setdefault(r["message_id"], []).append(Source(
                number=r["number"], file=r["file"], text=r["text"], page=r["page"], heading=r["heading"],
                start=r["char_start"], end=r["char_end"], chunk_id=r["chunk_id"], score=r["score"]))
        return found


def _delete_documents(conn: sqlite3.Connection, sha256s: list[str]) -> int:
    removed = 0
    for part in _parts(sha256s):
        marks = ", ".join("?" for _ in part)
        conn.execute(f"DELETE FROM knowledge_fts WHERE rowid IN (SELECT id FROM knowledge_chunks "
                     f"WHERE document_sha256 IN ({marks}))", part)
        removed += conn.execute(f"DELETE FROM knowledge_documents WHERE sha256 IN ({marks})", part).rowcount
    return removed


def _without_common_words(conn: sqlite3.Connection, terms: list[str], total: int) -> list[str]:
    """The terms less the words more than COMMON_SHARE of the chunks hold (the rarest is always kept).

    ``temp.knowledge_vocab`` is made on every connection by :func:`app.catalog.database.configure`.
    """
    if total < COMMON_FROM or len(terms) < 2:
        return terms
    counts: dict[str, int] = {}
    for term in terms:
        word = plain_word(term)
        if word is not None:
            found = conn.execute("SELECT doc FROM temp.knowledge_vocab WHERE term = ?", (word,)).fetchone()
            counts[term] = found[0] if found else 0
    kept = [t for t in terms if counts.get(t, 0) <= COMMON_SHARE * total]
    return kept or [min(terms, key=lambda t: counts.get(t, 0))]


def _rows_in(conn: sqlite3.Connection, select: str, values: Iterable) -> Iterator[sqlite3.Row]:
    """``select`` (ending in a column) ``IN`` the values, in parts that stay under SQLite's variable limit."""
    for part in _parts(list(dict.fromkeys(values))):
        yield from conn.execute(f"{select} IN ({', '.join('?' for _ in part)})", part).fetchall()


def _parts(values: list) -> Iterator[list]:
    for start in range(0, len(values), _MAX_VARIABLES):
        yield values[start:start + _MAX_VARIABLES]


def _document(r: sqlite3.Row) -> DocumentState:
    return DocumentState(sha256=r["sha256"], name=r["name"], status=DocumentStatus(r["status"]),
                         chunk_count=r["chunk_count"], error=r["error"], embedding_sha256=r["embedding_sha256"],
                         settings=r["settings"], indexed_at=r["indexed_at"])


def _chunk(r: sqlite3.Row) -> StoredChunk:
    return StoredChunk(id=r["id"], document_sha256=r["document_sha256"], ordinal=r["ordinal"],
                       chunk=Chunk(text=r["text"], start=r["char_start"], end=r["char_end"], page=r["page"],
                                   heading=r["heading"]))
