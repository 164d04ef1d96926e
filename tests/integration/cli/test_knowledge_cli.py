"""``gptshelf knowledge add | list | query`` end to end, in a temporary data folder."""

from __future__ import annotations

from tests.integration.cli.test_gpt_commands import run, run_json, tiny  # noqa: F401 - the fixture
from tests.support.knowledge_docs import write_documents


def test_add_list_and_query(capsys, tiny, tmp_path):  # noqa: F811
    write_documents(tmp_path / "docs")
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    code, out, err = run(capsys, "knowledge", "add", "Tiny", str(tmp_path / "docs"))
    assert code == 0, err
    assert out.startswith("Tiny 0.2.0: 27 indexed") and "1 skipped" in out
    assert "skipped knowledge/broken.pdf: it is not a readable PDF" in out
    files = run_json(capsys, "knowledge", "list", "Tiny")
    assert len(files) == 28 and {f["status"] for f in files} == {"indexed", "failed"}
    code, out, _ = run(capsys, "knowledge", "list", "Tiny")
    assert code == 0 and "knowledge/zh-0.md" in out and "not a readable PDF" in out
    found = run_json(capsys, "knowledge", "query", "Tiny", "松鼠V4智能手表的保修期是多久？", "-k", "3")
    assert len(found) == 3 and {f["file"] for f in found} == {"knowledge/zh-8.docx"}
    assert any("个月" in f["text"] and f["heading"] == "保修" for f in found)
    code, out, _ = run(capsys, "knowledge", "query", "Tiny", "Lumen B2 warranty")
    assert code == 0 and out.startswith("[1] lumen-b2.pdf, page 2")
    again = run_json(capsys, "knowledge", "add", "Tiny", str(tmp_path / "docs" / "zh-0.md"))
    assert again["report"]["indexed"] == [] and len(again["report"]["skipped"]) == 28
    code, _, err = run(capsys, "knowledge", "add", "Tiny", str(tmp_path / "nowhere"))
    assert code == 1 and "does not exist" in err


def test_embeddings_lists_the_offered_models_and_refuses_a_wrong_number(capsys, tiny):  # noqa: F811
    code, out, _ = run(capsys, "knowledge", "embeddings")
    assert code == 0 and out.startswith("in use: none (BM25 keyword search only)")
    assert "HowardC/bge-small-en-v1.5-Q4_K_M-GGUF" in out
    offered = run_json(capsys, "knowledge", "embeddings")
    assert offered["in_use"] is None and offered["offered"][0]["sha256"].startswith("df60ac89")
    code, _, err = run(capsys, "knowledge", "embeddings", "--install", "99")
    assert code == 1 and "--install takes a number from 1 to 2" in err
