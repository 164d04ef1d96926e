"""Reading each document type into located sections, and cutting them into passages with exact offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.knowledge.chunking import ChunkSettings, chunk_sections, document_text, estimate_tokens
from app.knowledge.extract import SUPPORTED_EXTENSIONS, Section, UnreadableDocument, extract
from app.manifest.safe_path import KNOWLEDGE_EXTENSIONS
from tests.support.knowledge_docs import write_docx, write_pdf


def test_the_indexer_reads_exactly_the_types_a_manifest_accepts() -> None:
    assert SUPPORTED_EXTENSIONS == KNOWLEDGE_EXTENSIONS


def test_markdown_sections_follow_headings_but_not_inside_code_fences(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text("Intro line\n\n# Setup\n\nPlug it in.\n\n```\n# not a heading\n```\n\n## Use\n\nPress go.\n")
    sections = extract(path)
    assert [s.heading for s in sections] == ["", "Setup", "Use"]
    assert "# not a heading" in sections[1].text and "Press go." in sections[2].text


def test_html_drops_scripts_and_styles_and_keeps_headings(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><head><style>p{color:red}</style></head><body><h1>Title</h1><p>One &amp; two.</p>"
                    "<script>alert(1)</script><h2>Next</h2><p>Three</p><p>Four</p></body></html>")
    sections = extract(path)
    assert [(s.heading, s.text) for s in sections if s.text] == [("Title", "One & two."), ("Next", "Three\n\nFour")]
    assert "alert" not in document_text(sections) and "color" not in document_text(sections)


def test_docx_headings_and_pdf_pages(tmp_path: Path) -> None:
    write_docx(tmp_path / "a.docx", "Manual", [("Safety", "Keep dry."), ("Care", "Wipe it.")])
    assert [(s.heading, s.text) for s in extract(tmp_path / "a.docx") if s.text] == [("Safety", "Keep dry."),
                                                                                  ("Care", "Wipe it.")]
    write_pdf(tmp_path / "b.pdf", ["First page text", "Second page text"])
    assert [(s.page, s.text.strip()) for s in extract(tmp_path / "b.pdf")] == [(1, "First page text"),
                                                                              (2, "Second page text")]


def test_chinese_text_in_gb18030_is_read(tmp_path: Path) -> None:
    path = tmp_path / "zh.txt"
    path.write_bytes("保修期为十二个月。".encode("gb18030"))
    assert extract(path)[0].text == "保修期为十二个月。"


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "not a readable PDF"),
    ("not-really.pdf", b"hello, I am text", "not a readable PDF"),
    ("broken.docx", b"PK\x03\x04 not a zip", "not a readable Word"),
    ("binary.txt", b"\x00\x01\x02\x03", "binary data"),
    ("program.exe", b"MZ", "not a document type"),
])
def test_unreadable_files_say_why(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableDocument) as raised:
        extract(path)
    assert reason in raised.value.reason and name in str(raised.value)


def test_chunks_keep_paragraphs_whole_and_offsets_exact() -> None:
    paragraphs = [f"Paragraph {i} says something useful about topic {i}." for i in range(30)]
    sections = [Section("\n\n".join(paragraphs[:15]), heading="A"), Section("\n\n".join(paragraphs[15:]), page=2)]
    text = document_text(sections)
    chunks = chunk_sections(sections, ChunkSettings(size=40, overlap=12))
    assert len(chunks) > 4
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text
        assert estimate_tokens(chunk.text) <= 40
        assert chunk.text.startswith("Paragraph") and chunk.text.endswith(".")  # cut between paragraphs
    assert {c.heading for c in chunks if c.page is None} == {"A"} and {c.page for c in chunks if not c.heading} == {2}
    covered = set().union(*(set(range(c.start, c.end)) for c in chunks))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())  # nothing is left out
    first, second = chunks[0], chunks[1]
    assert second.start < first.end  # neighbours overlap


def test_long_chinese_and_unbroken_text_is_cut_to_size() -> None:
    sections = [Section("保修期为十二个月，不包括人为损坏。" * 40), Section("x" * 5000)]
    for chunk in chunk_sections(sections, ChunkSettings(size=64, overlap=8)):
        assert estimate_tokens(chunk.text) <= 64


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        ChunkSettings(size=100, overlap=60)
    assert ChunkSettings(200, 20).key() == "200/20"
