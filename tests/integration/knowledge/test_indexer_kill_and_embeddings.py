"""The indexer killed mid-run resumes without duplicates; embeddings from a GGUF through the real engine."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from app.catalog import open_catalog
from app.engine.protocol import LoadSpec
from app.knowledge.chunking import ChunkSettings
from app.knowledge.embedder import Embedder
from app.knowledge.indexer import Indexer
from app.knowledge.retrieval import Retriever
from tests.support.knowledge_docs import write_documents
from tests.unit.knowledge.conftest import documents_in

REPO = Path(__file__).resolve().parents[3]
SMALL = ChunkSettings(size=64, overlap=8)
log = logging.getLogger(__name__)

CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from app.catalog import open_catalog
    from app.knowledge.chunking import ChunkSettings
    from app.knowledge.indexer import Indexer
    from tests.unit.knowledge.conftest import documents_in

    catalog = open_catalog(Path(sys.argv[1]), backups=Path(sys.argv[2]))
    def progress(update):
        print(update.done, flush=True)
        time.sleep(0.2)  # slow enough that the parent's kill lands in the middle
    Indexer(catalog, ChunkSettings(size=64, overlap=8)).index(documents_in(Path(sys.argv[3])), progress=progress)
    print("finished", flush=True)
""")


def test_an_indexer_killed_mid_run_finishes_on_restart_without_duplicates(tmp_path: Path):
    write_documents(tmp_path / "docs")
    documents = documents_in(tmp_path / "docs")
    database, backups = tmp_path / "catalog.sqlite3", tmp_path / "backups"
    open_catalog(database, backups=backups).close()  # migrated before the child starts
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(database), str(backups), str(tmp_path / "docs")],
                             cwd=REPO, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "6":
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    with open_catalog(database, backups=backups) as catalog:
        done_before = len(catalog.knowledge_documents())
        assert 6 <= done_before < len(documents)
        report = Indexer(catalog, SMALL).index(documents)
        assert len(report.skipped) == done_before and len(report.indexed) == len(documents) - done_before
        conn = catalog._conns.read()
        chunks = conn.execute("SELECT count(*) FROM knowledge_chunks").fetchone()[0]
        assert chunks == conn.execute("SELECT count(*) FROM knowledge_fts").fetchone()[0]
        assert chunks == sum(s.chunk_count for s in catalog.knowledge_documents().values())
        assert conn.execute("SELECT count(*) FROM (SELECT document_sha256, text FROM knowledge_chunks "
                            "GROUP BY document_sha256, ordinal HAVING count(*) > 1)").fetchone()[0] == 0


def test_embeddings_are_stored_as_float32_and_retrieval_fuses_them(tmp_path: Path, tiny_model: Path):
    questions = write_documents(tmp_path / "docs")
    documents = documents_in(tmp_path / "docs")
    embedder = Embedder(LoadSpec(str(tiny_model), n_ctx=512, embedding=True), model_sha256="tiny")
    try:
        with open_catalog(tmp_path / "catalog.sqlite3", backups=tmp_path / "backups") as catalog:
            report = Indexer(catalog, SMALL, embedder).index(documents)
            assert not report.failed
            assert {s.embedding_sha256 for s in catalog.knowledge_documents().values()} == {"tiny"}
            blobs = list(catalog.chunk_embeddings([d.sha256 for d in documents], "tiny"))
            assert len(blobs) == report.chunks and {len(b) for _, b in blobs} == {4 * 64}  # dim 64, float32
            # the same documents, BM25 only, are not re-embedded; a new embedding model re-indexes them
            assert len(Indexer(catalog, SMALL, embedder).index(documents).skipped) == len(documents)
            names = {d.sha256: d.name for d in documents}
            retriever = Retriever(catalog, embedder)
            for language in ("en", "zh"):
                asked = [q for q in questions if q.language == language]
                hits = sum(any(s.file == q.file and q.needle in s.text
                               for s in retriever.retrieve(q.text, names, limit=3)) for q in asked)
                # A tiny random-weight model's vectors carry no meaning: fusing them can only blur BM25.
                log.info("hybrid top-3 hit rate with the tiny random GGUF, %s: %d/%d", language, hits, len(asked))
                assert hits > 0
    finally:
        embedder.close()
