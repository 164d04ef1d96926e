"""The index: BM25 finds the answering passage in each language, only changes are re-indexed, bad files
are skipped with a reason, and a reply's sources are kept."""

from __future__ import annotations

import logging
from pathlib import Path

from app.catalog.chunk_query import question_terms
from app.core.knowledge import DocumentStatus
from app.knowledge.chunking import ChunkSettings
from app.knowledge.indexer import Indexer
from app.knowledge.retrieval import Retriever
from tests.unit.knowledge.conftest import documents_in

SMALL = ChunkSettings(size=64, overlap=8)  # a section per passage: "the" passage is one of several per file
log = logging.getLogger(__name__)


def hit_rate(retriever, documents, questions, language):
    names = {d.sha256: d.name for d in documents}
    asked = [q for q in questions if q.language == language]
    hits = sum(any(s.file == q.file and q.needle in s.text for s in retriever.retrieve(q.text, names, limit=3))
               for q in asked)
    return hits / len(asked), len(asked)


def test_bm25_puts_the_answer_in_the_top_three_for_nine_questions_in_ten_in_each_language(catalog, corpus):
    documents, questions = corpus
    report = Indexer(catalog, SMALL).index(documents)
    assert not report.failed and len(report.indexed) == len(documents) >= 25
    retriever = Retriever(catalog)
    for language in ("en", "zh"):
        rate, asked = hit_rate(retriever, documents, questions, language)
        log.info("BM25 top-3 hit rate, %s: %.0f%% of %d questions", language, rate * 100, asked)
        assert asked >= 20 and rate >= 0.9, (language, rate)


def test_sources_name_the_file_and_its_page_or_heading(catalog, corpus):
    documents, _ = corpus
    Indexer(catalog, SMALL).index(documents)
    names = {d.sha256: d.name for d in documents}
    [pdf] = Retriever(catalog).retrieve("Dynamo R5 warranty months", names, limit=1)
    assert (pdf.file, pdf.page, pdf.label) == ("dynamo-r5.pdf", 2, "dynamo-r5.pdf, page 2")
    [md] = Retriever(catalog).retrieve("Zephyr X200 error code E10", names, limit=1)
    assert (md.file, md.heading, md.label) == ("zephyr-x200.md", "Troubleshooting", "zephyr-x200.md, Troubleshooting")
    [zh] = Retriever(catalog).retrieve("云雀Q5保修", names, limit=1)
    assert zh.file == "zh-0.md" and zh.heading == "保修" and "个月" in zh.text
    stored = catalog.document_chunks(documents[0].sha256)
    assert [c.ordinal for c in stored] == list(range(len(stored)))


def test_search_is_limited_to_the_documents_asked_about(catalog, corpus):
    documents, _ = corpus
    Indexer(catalog, SMALL).index(documents)
    only = {d.sha256: d.name for d in documents if d.name == "aurora-k9.txt"}
    found = Retriever(catalog).retrieve("Zephyr X200 kettle warranty", only, limit=5)
    assert found and {s.file for s in found} == {"aurora-k9.txt"}


def test_reindexing_after_editing_one_file_touches_only_that_file(catalog, corpus, tmp_path: Path):
    documents, _ = corpus
    indexer = Indexer(catalog, SMALL)
    indexer.index(documents)
    before = {d.sha256: [c.id for c in catalog.document_chunks(d.sha256)] for d in documents}
    edited = tmp_path / "docs" / "aurora-k9.txt"
    edited.write_text(edited.read_text() + "\n\nNew section: the Aurora K9 now dims to 1 percent.")
    changed = documents_in(tmp_path / "docs")
    report = indexer.index(changed)
    assert report.indexed == ("aurora-k9.txt",) and len(report.skipped) == len(documents) - 1
    assert report.removed == 1  # the old version of the edited file
    old = next(d for d in documents if d.name == "aurora-k9.txt")
    assert catalog.document_chunks(old.sha256) == []
    for document in changed:
        if document.name != "aurora-k9.txt":
            assert [c.id for c in catalog.document_chunks(document.sha256)] == before[document.sha256]
    assert indexer.index(changed).indexed == ()  # nothing changed: nothing indexed


def test_a_removed_file_is_dropped_and_changed_settings_reindex(catalog, corpus):
    documents, _ = corpus
    Indexer(catalog, SMALL).index(documents)
    report = Indexer(catalog, SMALL).index(documents[1:])
    assert report.removed == 1 and documents[0].sha256 not in catalog.knowledge_documents()
    again = Indexer(catalog, ChunkSettings(size=128, overlap=16)).index(documents[1:])
    assert len(again.indexed) == len(documents) - 1


def test_a_corrupt_pdf_and_an_unreadable_file_are_skipped_with_a_reason(catalog, corpus, tmp_path: Path):
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj <</Pages 9 0 R>> trailer")
    (tmp_path / "docs" / "data.txt").write_bytes(b"\x00\x9f\x92\x96 binary")
    documents = documents_in(tmp_path / "docs")
    report = Indexer(catalog, SMALL).index(documents)
    failed = dict(report.failed)
    assert set(failed) == {"broken.pdf", "data.txt"}
    assert "not a readable PDF" in failed["broken.pdf"] and "binary" in failed["data.txt"]
    assert len(report.indexed) == len(documents) - 2
    states = catalog.knowledge_documents(d.sha256 for d in documents)
    assert {s.name for s in states.values() if s.status is DocumentStatus.FAILED} == {"broken.pdf", "data.txt"}
    assert Indexer(catalog, SMALL).index(documents).failed == ()  # not retried on every run: skipped


def test_cancel_stops_between_documents_and_keeps_what_was_done(catalog, corpus):
    import threading

    documents, _ = corpus
    cancel = threading.Event()
    seen = []

    def progress(update):
        seen.append(update)
        if update.done == 5:
            cancel.set()

    report = Indexer(catalog, SMALL).index(documents, progress=progress, cancel=cancel)
    assert report.cancelled and len(report.indexed) == 5 and [u.done for u in seen] == [1, 2, 3, 4, 5]
    assert len(catalog.knowledge_documents()) == 5
    rest = Indexer(catalog, SMALL).index(documents)
    assert len(rest.skipped) == 5 and len(rest.indexed) == len(documents) - 5


def test_a_reply_keeps_the_sources_it_was_given(catalog, corpus):
    from tests.unit.catalog.factories import gpt, model_file

    documents, _ = corpus
    Indexer(catalog, SMALL).index(documents)
    sources = Retriever(catalog).retrieve("Zephyr warranty", {d.sha256: d.name for d in documents}, limit=3)
    model = model_file()
    catalog.add_model(model)
    saved = catalog.save_gpt(gpt(model=model))
    conversation = catalog.create_conversation(saved.id, "t")
    reply = catalog.add_message(conversation.id, "assistant", "see [1]")
    catalog.set_message_sources(reply.id, sources)
    catalog.delete_knowledge_documents(d.sha256 for d in documents)  # the index changes; the citation stays
    assert catalog.message_sources([reply.id]) == {reply.id: sources}
    catalog.delete_conversation(conversation.id)
    assert catalog.message_sources([reply.id]) == {}


def test_question_terms_are_ored_words_and_chinese_pairs():
    assert question_terms("How long is the warranty on the X200?") == ['"long"', '"warranty"', '"x200"']
    assert question_terms("保修期多久") == ['"保 修"', '"修 期"', '"期 多"', '"多 久"']
    assert question_terms('NEAR( "quoted" OR col:thing*') == ['"near"', '"quoted"', '"col"', '"thing"']
    assert question_terms("?? the") == []


def test_in_a_big_index_words_most_passages_hold_are_left_out_of_the_query(catalog, tmp_path: Path):
    from app.catalog.knowledge_index import COMMON_FROM, _without_common_words
    from app.core.knowledge import Chunk, DocumentState

    many = [Chunk(text=f"common filler number {i} {'rare' if i == 7 else 'other'}", start=0, end=10)
            for i in range(COMMON_FROM + 10)]
    catalog.save_knowledge_document(DocumentState("a" * 64, "big.txt", DocumentStatus.INDEXED), many)
    conn = catalog._conns.read()
    terms = question_terms("common rare filler")
    assert _without_common_words(conn, terms, len(many)) == ['"rare"']
    assert _without_common_words(conn, question_terms("common filler"), len(many)) == ['"common"']  # one is kept
    assert _without_common_words(conn, terms, COMMON_FROM - 1) == terms  # a small index: nothing left out
    [best] = Retriever(catalog).retrieve("common rare filler", {"a" * 64: "big.txt"}, limit=1)
    assert "rare" in best.text
