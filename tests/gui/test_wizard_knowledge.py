"""The wizard's Knowledge step: a folder added is indexed in the background with progress and chunk counts,
indexing can be stopped, a question shows what it retrieves, and the saved GPT needs no second indexing."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from tests.gui.test_wizard import jobs, make_wizard, model, services  # noqa: F401 - the fixtures
from tests.support.knowledge_docs import write_documents


def open_knowledge_step(wizard):
    wizard.setCurrentId(wizard.pageIds()[wizard.steps.index(wizard.knowledge)])
    return wizard.knowledge


def test_a_folder_is_indexed_and_a_question_shows_its_passages(qtbot, make_wizard, services, tmp_path,  # noqa: F811
                                                               monkeypatch):
    write_documents(tmp_path / "docs")
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    wizard = make_wizard()
    page = open_knowledge_step(wizard)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(tmp_path / "docs"))
    seen = []
    page.progress.valueChanged.connect(seen.append)
    page.choose_folder()
    assert page.indexing and page.progress.isVisibleTo(page) and page.cancel_button.isVisibleTo(page)
    qtbot.waitUntil(lambda: not page.indexing, timeout=60_000)
    assert page.list.count() == 28 and max(seen) == 28
    rows = [page.list.item(i).text() for i in range(page.list.count())]
    assert all(" passages" in row for row in rows if "broken.pdf" not in row)
    assert any("broken.pdf" in row and "skipped: it is not a readable PDF" in row for row in rows)
    assert "27 files indexed" in page.index_status.text() and "1 skipped" in page.index_status.text()

    page.question.setText("熊猫W2电动牙刷的保修期是多久？")  # keyClicks cannot type Chinese
    page.try_question()
    qtbot.waitUntil(lambda: bool(page.results), timeout=30_000)
    assert page.results[0].file == "knowledge/zh-9.md" and "zh-9.md" in page.found.toPlainText()


def test_indexing_can_be_stopped_and_resumes_where_it_stopped(qtbot, make_wizard, services, tmp_path):  # noqa: F811
    write_documents(tmp_path / "docs")
    from app.services.knowledge import expand

    wizard = make_wizard()
    page = open_knowledge_step(wizard)
    page.add_files(expand([tmp_path / "docs"]))
    page.cancel_indexing()
    qtbot.waitUntil(lambda: not page.indexing, timeout=60_000)
    assert "stopped" in page.index_status.text() or "27 files indexed" in page.index_status.text()
    done = len(services.catalog.knowledge_documents())
    page.start_indexing()
    qtbot.waitUntil(lambda: not page.indexing, timeout=60_000)
    assert "27 files indexed" in page.index_status.text() and len(services.catalog.knowledge_documents()) == 27
    assert done <= 27
