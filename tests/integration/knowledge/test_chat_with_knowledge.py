"""Replies from a GPT with knowledge files: the passages go into the prompt and the reply keeps its sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.entities import ChatMessage, Role
from app.core.errors import InvalidInput
from app.core.paths import AppPaths
from app.knowledge.context import INTRO
from app.services.container import open_services
from tests.support.knowledge_docs import write_documents


@pytest.fixture
def services(gptshelf_home: Path):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


@pytest.fixture
def gpt_with_knowledge(services, tiny_model: Path, tmp_path: Path):
    from app.core.entities import GenerationParams

    write_documents(tmp_path / "docs")
    model = services.models.import_gguf(tiny_model)
    gpt = services.gpts.create("Manuals", model.sha256, instructions="Answer from the manuals.",
                               params=GenerationParams(temperature=0.0, max_tokens=8, context_length=4096))
    gpt, report = services.knowledge.add(gpt.id, [tmp_path / "docs"])
    assert not report.failed and len(report.indexed) == len(gpt.knowledge) >= 25
    return gpt


def test_send_puts_the_passages_in_the_prompt_and_stores_the_sources(services, gpt_with_knowledge):
    stream = services.chat.send(gpt_with_knowledge.id, "How long is the warranty on the Zephyr X200 kettle?")
    messages, _pinned = stream.prompt
    assert messages[0].role is Role.SYSTEM and messages[0].content == "Answer from the manuals."
    question = messages[-1].content
    assert question.startswith(INTRO) and question.endswith("Question: How long is the warranty on the Zephyr X200 kettle?")
    assert stream.sources and stream.sources[0].file == "knowledge/zephyr-x200.md"
    assert "[1] zephyr-x200.md, Warranty" in question and "12 months" in question
    list(stream)
    stored = services.catalog.message_sources([stream.reply_message.id])[stream.reply_message.id]
    assert stored == stream.sources
    # the person's message is stored as typed, without the passages
    assert services.catalog.list_messages(stream.conversation.id)[0].content.startswith("How long")


def test_regenerate_edit_and_preview_get_the_same_knowledge(services, gpt_with_knowledge):
    first = services.chat.send(gpt_with_knowledge.id, "云雀Q5扫地机器人的保修期是多久？")
    list(first)
    assert first.sources[0].file == "knowledge/zh-0.md"
    again = services.chat.regenerate(first.conversation.id)
    assert [s.text for s in again.sources] == [s.text for s in first.sources]
    list(again)
    edited = services.chat.edit(first.user_message.id, first.conversation.id, "What does error code E12 mean on the Borealis M3?")
    assert any("E12" in s.text and s.file == "knowledge/borealis-m3.html" for s in edited.sources[:3])
    list(edited)
    preview = services.chat.preview(gpt_with_knowledge, [ChatMessage(Role.USER, "Kestrel D9 drone battery hours")])
    assert preview.sources and preview.sources[0].file == "knowledge/kestrel-d9.docx"
    assert "Question: Kestrel D9 drone battery hours" in preview.prompt[0][-1].content


def test_passages_fit_the_budget_left_by_the_reply(services, gpt_with_knowledge):
    from app.core.entities import GenerationParams
    from app.knowledge.chunking import estimate_tokens

    counts = []
    for max_tokens, n_ctx in ((100, 512), (256, 512), (64, 4096)):
        gpt = services.gpts.update(gpt_with_knowledge, params=GenerationParams(max_tokens=max_tokens, context_length=n_ctx))
        prompt = services.chat.build_prompt(gpt, [], "Zephyr X200 warranty")
        assert prompt.sources and prompt.sources[0].file == "knowledge/zephyr-x200.md"
        used = sum(estimate_tokens(m.content) for m in prompt.messages)
        assert used + min(max_tokens, n_ctx // 2) <= n_ctx and estimate_tokens(prompt.messages[-1].content) <= n_ctx // 2
        counts.append(len(prompt.sources))
    assert counts[1] <= counts[0] < counts[2] == 6  # more room for the reply, fewer passages


def test_knowledge_cli_side_services_list_and_query(services, gpt_with_knowledge, tmp_path: Path):
    files = services.knowledge.files(gpt_with_knowledge.id)
    assert all(f.status == "indexed" and f.chunk_count > 0 for f in files)
    found = services.knowledge.query(gpt_with_knowledge.id, "Nimbus F8 robot vacuum warranty", limit=3)
    assert found[0].file == "knowledge/nimbus-f8.txt"
    with pytest.raises(InvalidInput, match="does not exist"):
        services.knowledge.add(gpt_with_knowledge.id, [tmp_path / "missing"])


def test_files_indexed_as_a_draft_need_no_indexing_once_saved(services, tiny_model: Path, tmp_path: Path):
    from app.services.knowledge import expand

    write_documents(tmp_path / "docs")
    files = expand([tmp_path / "docs"])
    documents, report = services.knowledge.index_items(files)
    assert len(report.indexed) == len(files) and {d.name for d in documents} == {f"knowledge/{f.name}" for f in files}
    model = services.models.import_gguf(tiny_model)
    gpt = services.gpts.create("Draft", model.sha256, knowledge=files)
    again = services.knowledge.index(gpt)
    assert again.indexed == () and len(again.skipped) == len(files)
    # a file removed from the GPT is dropped from the index at the next indexing
    services.gpts.edit(gpt.id, knowledge=[k for k in gpt.knowledge if k.path != "knowledge/zh-0.md"])
    assert services.knowledge.index(gpt.id).removed == 1
