"""A GPT with knowledge files: its reply shows the sources it was given, and a citation opens the passage."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from app.core.entities import GenerationParams
from app.core.paths import AppPaths
from app.services.container import open_services
from app.ui.chat import ChatPage
from app.ui.chat.sources import SourceDialog
from app.ui.jobs import Jobs
from tests.gui.test_chat_page import REPLY_TIMEOUT_MS, type_and_send
from tests.support.knowledge_docs import write_documents


@pytest.fixture
def services(gptshelf_home: Path):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


@pytest.fixture
def page(qtbot, services, tiny_model, tmp_path):
    write_documents(tmp_path / "docs")
    model = services.models.import_gguf(tiny_model, name="Tiny")
    gpt = services.gpts.create("Manuals", model.sha256,
                               params=GenerationParams(temperature=0.0, max_tokens=8, context_length=2048))
    services.knowledge.add(gpt.id, [tmp_path / "docs"])
    jobs = Jobs(QThreadPool())
    chat = ChatPage(services, jobs)
    qtbot.addWidget(chat)
    chat.resize(1000, 700)
    chat.show()
    chat.refresh()
    chat.open_gpt(gpt.id)
    yield chat
    if chat.runner is not None:
        chat.runner.cancel()
        qtbot.waitUntil(lambda: chat.runner.done, timeout=REPLY_TIMEOUT_MS)
    assert jobs.wait(30_000)


def test_the_reply_cites_its_sources_and_a_citation_opens_the_passage(qtbot, page, services):
    cited_while_streaming = []
    page.reply_started.connect(lambda: page.runner.started.connect(
        lambda _stream: cited_while_streaming.append(list(page.messages.last().sources.sources))))
    outcome = type_and_send(qtbot, page, "How long is the warranty on the Lumen B2 reading light?")
    assert outcome.error is None
    reply = page.messages.last()
    row = reply.sources
    assert row.isVisibleTo(reply) and row.sources and row.sources[0].file == "knowledge/lumen-b2.pdf"
    warranty = next(s for s in row.sources if s.page == 2)  # the page that answers, among the top three
    assert warranty.number <= 3 and f'<a href="source:{warranty.number}">[{warranty.number}] lumen-b2.pdf, page 2</a>' in row.text()
    assert not page.messages.bubbles[0].sources.isVisibleTo(page.messages.bubbles[0])
    assert cited_while_streaming == [row.sources]  # shown as soon as the reply started  # the person's message cites nothing
    with qtbot.waitSignal(row.opened) as opened:
        row.linkActivated.emit(f"source:{warranty.number}")
    assert opened.args[0] == warranty
    dialog = row.dialog
    assert isinstance(dialog, SourceDialog) and dialog.isVisible()
    assert "lumen-b2.pdf, page 2" in dialog.where.text() and "months" in dialog.text.toPlainText()
    dialog.close()
    # Reopened later, the conversation shows the same citations (stored with the reply).
    page.new_chat()
    page.open_conversation(outcome.conversation.id)
    assert page.messages.last().sources.sources == row.sources
