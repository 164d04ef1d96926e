"""Knowledge: indexing throughput (chunks/s) and query latency at 100,000 chunks, against plain FTS5.

    python -m bench.knowledge [--chunks 100000] [--pairs 5]

A synthetic document set (Markdown manuals of made-up words, a fifth of them Chinese) is written to a
temporary folder and indexed by :class:`app.knowledge.indexer.Indexer` (extraction, chunking at 64
estimated tokens, CJK segmentation, one transaction per document) until the catalog holds the wanted
number of chunks.

* Indexing throughput — ours: the indexer on a fresh catalog over a slice of the documents; baseline:
  the same chunks' texts inserted into a bare FTS5 table (default tokenizer, one transaction), i.e.
  what indexing costs with nothing of ours around it. Ratio = ours chunks/s ÷ baseline chunks/s.
* Query latency — ours: :meth:`Retriever.retrieve` (BM25; question → OR of terms and Chinese pairs,
  scoped to the GPT's documents inside FTS5, top 6 passages read back with their places); baseline:
  ``SELECT rowid … MATCH <the same terms> ORDER BY rank LIMIT 6`` on a bare FTS5 table of the same
  (segmented) texts, without the scope and without reading the passages back. Both at the full size, interleaved, p50 and p95 over every question.

No embedding model is installed in this run, so retrieval is BM25 alone (as for a person without one).
"""

from __future__ import annotations

import argparse
import logging
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from app.catalog import open_catalog
from app.catalog.chunk_query import question_query
from app.core.knowledge import DocumentInput
from app.knowledge.chunking import ChunkSettings
from app.knowledge.indexer import Indexer
from app.knowledge.retrieval import Retriever
from bench.harness import Row, Section, interleaved, percentile
from bench.show import print_section

log = logging.getLogger("bench.knowledge")

CHUNKS = 100_000
SETTINGS = ChunkSettings(size=64, overlap=8)
CHUNKS_PER_DOCUMENT = 450  # measured: 50 sections of 5 paragraphs, at 64 tokens a chunk
QUESTIONS = 60
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pel", "dor", "gan", "tix", "bra", "qua", "zen")
HANZI = "保修电池清洁故障排除充电续航客服序列号包装说明安全注意事项产品型号数据线手表音箱净化器加湿器"


def _words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(count)]


def write_corpus(folder: Path, chunks: int, seed: int = 7) -> list[Path]:
    """Markdown manuals of made-up words (a fifth Chinese), about CHUNKS_PER_DOCUMENT chunks each."""
    rng = random.Random(seed)
    vocabulary = _words(rng, 20_000)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf: a few common words, many rare ones
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(max(1, chunks // CHUNKS_PER_DOCUMENT + 1)):
        sections = []
        for section in range(50):
            paragraphs = []
            for _ in range(5):
                if index % 5 == 4:
                    paragraphs.append("".join(rng.choice(HANZI) for _ in range(60)) + "。")
                else:
                    paragraphs.append(" ".join(rng.choices(vocabulary, weights, k=40)).capitalize() + ".")
            sections.append(f"## Section {section}\n\n" + "\n\n".join(paragraphs))
        path = folder / f"manual-{index:04d}.md"
        path.write_text(f"# Manual {index}\n\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _documents(paths: list[Path]) -> list[DocumentInput]:
    import hashlib  # noqa: PLC0415

    return [DocumentInput(p.name, hashlib.sha256(p.read_bytes()).hexdigest(), str(p)) for p in paths]


def _plain_fts(database: Path, texts: list[str]) -> float:
    """Seconds to insert ``texts`` into a bare FTS5 table in one transaction."""
    conn = sqlite3.connect(database)
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS plain USING fts5 (text)")
    conn.execute("DELETE FROM plain")
    conn.commit()
    started = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO plain (rowid, text) VALUES (?, ?)", enumerate(texts, 1))
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def throughput(folder: Path, documents: list[DocumentInput], pairs: int) -> Row:
    sample = documents[:12]  # about 5,000 chunks a run
    counter = [0]

    def ours() -> float:
        counter[0] += 1
        catalog = open_catalog(folder / f"t{counter[0]}.sqlite3", backups=folder / "b")
        try:
            started = time.perf_counter()
            report = Indexer(catalog, SETTINGS).index(sample, drop_unreferenced=False)
            return report.chunks / (time.perf_counter() - started)
        finally:
            catalog.close()

    with open_catalog(folder / "texts.sqlite3", backups=folder / "b") as catalog:
        Indexer(catalog, SETTINGS).index(sample, drop_unreferenced=False)
        texts = [c.chunk.text for d in sample for c in catalog.document_chunks(d.sha256)]

    def baseline() -> float:
        return len(texts) / _plain_fts(folder / "plain-throughput.sqlite3", texts)

    measured = interleaved(ours, baseline, pairs)
    return Row(figure=f"knowledge indexing throughput ({len(texts):,} chunks a run)", ratio=measured.ratio,
               ours=measured.ours_median, baseline=measured.baseline_median, unit="chunks/s",
               note=f"{pairs} pairs; baseline: bare FTS5 insert of the same texts")


def questions(catalog, documents: list[DocumentInput], count: int, seed: int = 11) -> list[str]:
    """Questions built from passages of the corpus: a few of their words (or a Chinese phrase)."""
    rng = random.Random(seed)
    asked = []
    for index in range(count):
        document = documents[rng.randrange(len(documents))]
        stored = catalog.document_chunks(document.sha256)
        text = rng.choice(stored).chunk.text
        if index % 5 == 4 or not text.isascii():
            start = rng.randrange(max(1, len(text) - 8))
            asked.append(f"{text[start:start + 6]}是什么？")
        else:
            words = [w.strip(".,") for w in text.split() if w.strip(".,")]
            asked.append("What is " + " ".join(rng.sample(words, min(4, len(words)))) + "?")
    return asked


def latency(folder: Path, documents: list[DocumentInput], pairs: int) -> list[Row]:
    database = folder / "full.sqlite3"
    started = time.perf_counter()
    catalog = open_catalog(database, backups=folder / "b")
    report = Indexer(catalog, SETTINGS).index(documents, drop_unreferenced=False)
    build = time.perf_counter() - started
    total = sum(s.chunk_count for s in catalog.knowledge_documents().values())
    conn = sqlite3.connect(folder / "plain-full.sqlite3")
    conn.execute("CREATE VIRTUAL TABLE plain USING fts5 (text)")
    conn.execute("ATTACH DATABASE ? AS src", (str(database),))
    with conn:  # the same segmented texts, so both sides match the same rows
        conn.execute("INSERT INTO plain (rowid, text) SELECT rowid, text FROM src.knowledge_fts")
    conn.execute("DETACH DATABASE src")
    retriever = Retriever(catalog)
    asked = questions(catalog, documents, QUESTIONS)
    rows = [Row(figure=f"knowledge index build, {total:,} chunks", ratio=None, ours=total / build, unit="chunks/s",
                note=f"{len(report.indexed)} documents in {build:.0f} s (information)")]
    for scope, names in (("all documents", {d.sha256: d.name for d in documents}),
                         ("a tenth of them", {d.sha256: d.name for d in documents[::10]})):
        rows += _query_rows(conn, retriever, names, asked, total, pairs, scope)
    conn.close()
    catalog.close()
    return rows


def _query_rows(conn: sqlite3.Connection, retriever: Retriever, names: dict[str, str], asked: list[str], total: int,
                pairs: int, scope: str) -> list[Row]:
    ours_ms: list[float] = []
    base_ms: list[float] = []
    ratios: list[float] = []
    for question in asked:
        query = question_query(question)

        def ours(q: str = question) -> float:
            t = time.perf_counter()
            retriever.retrieve(q, names, limit=6)
            return (time.perf_counter() - t) * 1000

        def baseline(q: str | None = query) -> float:
            t = time.perf_counter()
            conn.execute("SELECT rowid FROM plain WHERE plain MATCH ? ORDER BY rank LIMIT 6", (q,)).fetchall()
            return (time.perf_counter() - t) * 1000

        measured = interleaved(ours, baseline, pairs)
        ours_ms += measured.ours
        base_ms += measured.baseline
        ratios.append(measured.ratio)
    ratios.sort()
    median_ratio = ratios[len(ratios) // 2]
    note = f"{len(asked)} questions × {pairs} pairs; {len(names)} documents in scope"
    return [
        Row(figure=f"knowledge query p50 at {total // 1000:,}k chunks, {scope}", ratio=median_ratio,
            ours=percentile(ours_ms, 50), baseline=percentile(base_ms, 50), unit="ms", note=note),
        Row(figure=f"knowledge query p95 at {total // 1000:,}k chunks, {scope}",
            ratio=percentile(ours_ms, 95) / percentile(base_ms, 95), ours=percentile(ours_ms, 95),
            baseline=percentile(base_ms, 95), unit="ms", note="ratio of the p95s"),
    ]


def run(chunks: int = CHUNKS, pairs: int = 5) -> Section:
    section = Section("Knowledge")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        documents = _documents(write_corpus(root / "docs", chunks))
        section.rows.append(throughput(root, documents, pairs))
        section.rows += latency(root, documents, pairs)
    section.text = (
        "Indexing: our indexer (extract, chunk at 64 estimated tokens, segment CJK, store chunks + FTS5 rows, one "
        "transaction per document) ÷ a bare FTS5 insert of the same chunk texts, chunks/s, median of interleaved "
        "pairs. Query: our BM25 retrieval (question → OR of words and Chinese character pairs, words held by over a "
        "quarter of the chunks left out, scoped to the GPT's documents inside FTS5 unless it has them all, the top 6 "
        "passages read back with file and place) against `MATCH <all the same terms> ORDER BY rank LIMIT 6` on a "
        "bare FTS5 table of the same texts; the p50 ratio is the median of per-question ratios. "
        "No embedding model in this run (BM25 alone).")
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=CHUNKS)
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print_section(run(args.chunks, args.pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
