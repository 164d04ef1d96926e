"""Importing chat history from a ChatGPT export, Jan threads and LM Studio conversations."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.core.entities import MessageStatus, Role
from app.core.errors import InvalidInput
from app.services.container import Services


def _node(node_id: str, parent: str | None, children: list[str], role: str | None, text: str | None, at: float,
          **extra: object) -> dict:
    message = None
    if role is not None:
        message = {"id": node_id, "author": {"role": role}, "create_time": at,
                   "content": {"content_type": "text", "parts": [text] if text is not None else []},
                   "recipient": "all", **extra}
    return {"id": node_id, "message": message, "parent": parent, "children": children}


def chatgpt_export() -> list[dict]:
    """Two conversations; the first branches (an edited question, a regenerated answer) and has a hidden
    system message and an empty node; the third is broken (its current node is not in its mapping)."""
    t = 1_700_000_000.0
    branching = {
        "root": _node("root", None, ["sys"], None, None, t),
        "sys": _node("sys", "root", ["u1"], "system", "You are ChatGPT", t,
                     metadata={"is_visually_hidden_from_conversation": True}),
        "u1": _node("u1", "sys", ["a1"], "user", "What is a GGUF file?", t + 1),
        "a1": _node("a1", "u1", ["u2-old", "u2"], "assistant", "A model file format for llama.cpp.", t + 2),
        "u2-old": _node("u2-old", "a1", ["a2-old"], "user", "Who made it? (first try)", t + 3),
        "a2-old": _node("a2-old", "u2-old", [], "assistant", "Abandoned branch", t + 4),
        "u2": _node("u2", "a1", ["empty"], "user", "Who made it?", t + 5),
        "empty": _node("empty", "u2", ["a2-first", "a2"], "assistant", "", t + 6),
        "a2-first": _node("a2-first", "empty", [], "assistant", "A regenerated answer not chosen", t + 7),
        "a2": _node("a2", "empty", ["tool"], "assistant", "Georgi Gerganov's ggml project.", t + 8),
        "tool": _node("tool", "a2", [], "assistant", "search('ggml')", t + 9, recipient="browser"),
    }
    plain = {
        "r": _node("r", None, ["q"], None, None, t),
        "q": _node("q", "r", ["a"], "user", "Hello", t + 100),
        "a": _node("a", "q", [], "assistant", "Hi!", t + 101),
    }
    return [
        {"id": "conv-branching", "title": "GGUF questions", "create_time": t, "update_time": t + 9,
         "mapping": branching, "current_node": "tool"},
        {"conversation_id": "conv-plain", "title": "", "create_time": t + 100, "update_time": t + 101,
         "mapping": plain, "current_node": "a"},
        {"id": "conv-broken", "title": "Broken one", "create_time": t, "mapping": plain, "current_node": "nowhere"},
    ]


def _zip(tmp_path: Path, conversations: list[dict]) -> Path:
    export = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("conversations.json", json.dumps(conversations))
        archive.writestr("chat.html", "<html></html>")
    return export


def _thread(services: Services, conversation_id: int) -> list[tuple[Role, str]]:
    return [(m.role, m.content) for m in services.catalog.list_messages(conversation_id)]


def test_a_chatgpt_export_imports_each_main_thread_in_order(services: Services, tmp_path: Path):
    report = services.history_import.import_path(_zip(tmp_path, chatgpt_export()))
    assert report.source == "chatgpt" and report.gpt_id == "imported:chatgpt"
    assert [c.title for c in report.added] == ["GGUF questions", "Hello"]
    first, second = report.added
    assert _thread(services, first.id) == [
        (Role.USER, "What is a GGUF file?"), (Role.ASSISTANT, "A model file format for llama.cpp."),
        (Role.USER, "Who made it?"), (Role.ASSISTANT, "Georgi Gerganov's ggml project.")]
    assert _thread(services, second.id) == [(Role.USER, "Hello"), (Role.ASSISTANT, "Hi!")]
    assert (first.created_at, first.updated_at) == ("2023-11-14T22:13:20.000Z", "2023-11-14T22:13:29.000Z")
    messages = services.catalog.list_messages(first.id)
    assert messages[0].created_at == "2023-11-14T22:13:21.000Z"
    assert all(m.status is MessageStatus.COMPLETE for m in messages)
    assert [(f.name, f.reason) for f in report.failed] == [
        ("“Broken one” (conv-broken)", "its thread names the node 'nowhere', which is not in its mapping")]
    assert services.history.search("Gerganov")[0].conversation_title == "GGUF questions"


def test_importing_the_same_export_again_changes_nothing(services: Services, tmp_path: Path):
    export = _zip(tmp_path, chatgpt_export())
    services.history_import.import_path(export)
    before = [(c.id, c.title, c.message_count, c.updated_at) for c in services.history.list()]
    again = services.history_import.import_path(export)
    assert again.added == () and again.already == 2 and len(again.failed) == 1
    assert [(c.id, c.title, c.message_count, c.updated_at) for c in services.history.list()] == before


def test_the_bare_conversations_json_and_a_chosen_gpt(services: Services, tmp_path: Path, tiny_gpt):
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(chatgpt_export()[:2]), encoding="utf-8")
    report = services.history_import.import_path(path, gpt_id=tiny_gpt.name)
    assert {c.gpt_id for c in report.added} == {tiny_gpt.id} and report.failed == ()


def test_broken_entries_are_named_with_their_reason_and_the_rest_imports(services: Services, tmp_path: Path):
    good = chatgpt_export()[1]
    broken = ["not an object", {"title": "No id", "mapping": {}},
              {"id": "loop", "title": "Loop", "current_node": "a",
               "mapping": {"a": {"message": None, "parent": "b"}, "b": {"message": None, "parent": "a"}}},
              {"id": "quiet", "title": "Only system", "current_node": "s",
               "mapping": {"s": _node("s", None, [], "system", "sys", 1.0)}}]
    report = services.history_import.import_path(_zip(tmp_path, [*broken, good]))
    assert [c.title for c in report.added] == ["Hello"]
    assert [(f.name, f.reason) for f in report.failed] == [
        ("entry 1", "it is not a JSON object"),
        ("“No id” (entry 2)", "it has no id"),
        ("“Loop” (loop)", "its message tree loops at node 'a'"),
        ("“Only system” (quiet)", "it has no user or assistant messages with text"),
    ]


def test_jan_threads_import_with_titles_times_and_roles(services: Services, tmp_path: Path):
    threads = tmp_path / "jan" / "threads"
    for thread_id, title, lines in (
        ("jan_1", "Jan chat", [
            {"id": "m1", "thread_id": "jan_1", "role": "user", "created_at": 1_710_000_000_000,
             "content": [{"type": "text", "text": {"value": "Hi Jan", "annotations": []}}]},
            {"id": "m2", "thread_id": "jan_1", "role": "assistant", "created_at": 1_710_000_005_000,
             "content": [{"type": "text", "text": {"value": "Hello from Jan", "annotations": []}}]}]),
        ("jan_2", "Broken", None),
    ):
        folder = threads / thread_id
        folder.mkdir(parents=True)
        (folder / "thread.json").write_text(json.dumps({"id": thread_id, "title": title, "created": 1_710_000_000_000,
                                                        "updated": 1_710_000_005_000}))
        (folder / "messages.jsonl").write_text(
            "\n".join(json.dumps(line) for line in lines) if lines else '{"role": "user"\n')
    report = services.history_import.import_path(threads)
    assert report.source == "jan" and [c.title for c in report.added] == ["Jan chat"]
    conversation = report.added[0]
    assert conversation.created_at == "2024-03-09T16:00:00.000Z"
    assert _thread(services, conversation.id) == [(Role.USER, "Hi Jan"), (Role.ASSISTANT, "Hello from Jan")]
    assert [(f.name, f.reason.split(" (")[0]) for f in report.failed] == [
        ("jan_2", "line 1 of its messages.jsonl is not JSON")]
    assert services.history_import.import_path(threads / "jan_1" / "thread.json").already == 1


def test_lm_studio_conversations_import_the_selected_versions(services: Services, tmp_path: Path):
    folder = tmp_path / "lmstudio" / "conversations"
    folder.mkdir(parents=True)
    conversation = {
        "name": "LM Studio chat", "createdAt": 1_720_000_000_000, "systemPrompt": "",
        "messages": [
            {"versions": [{"type": "singleStep", "role": "user", "content": [{"type": "text", "text": "Ping"}]}],
             "currentlySelected": 0},
            {"versions": [
                {"type": "multiStep", "role": "assistant",
                 "steps": [{"type": "contentBlock", "content": [{"type": "text", "text": "Old pong"}]}]},
                {"type": "multiStep", "role": "assistant",
                 "steps": [{"type": "contentBlock", "content": [{"type": "text", "text": "Pong"}]},
                           {"type": "debugInfoBlock", "content": [{"type": "text", "text": "stats"}]}]}],
             "currentlySelected": 1},
        ],
    }
    (folder / "1720000000000.conversation.json").write_text(json.dumps(conversation))
    (folder / "bad.conversation.json").write_text(json.dumps({"name": "x"}))
    report = services.history_import.import_path(folder)
    assert report.source == "lmstudio" and [c.title for c in report.added] == ["LM Studio chat"]
    assert _thread(services, report.added[0].id) == [(Role.USER, "Ping"), (Role.ASSISTANT, "Pong")]
    assert report.added[0].created_at == "2024-07-03T09:46:40.000Z"
    assert [(f.name, f.reason) for f in report.failed] == [("bad.conversation.json", "it has no list of messages")]
    single = services.history_import.import_path(folder / "1720000000000.conversation.json")
    assert single.added == () and single.already == 1


def test_a_file_of_no_known_kind_is_refused_with_a_reason(services: Services, tmp_path: Path):
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    with pytest.raises(InvalidInput, match="is not a ChatGPT export"):
        services.history_import.import_path(other)
    empty_zip = tmp_path / "x.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(InvalidInput, match="without conversations.json"):
        services.history_import.import_path(empty_zip)
    with pytest.raises(InvalidInput, match="does not exist"):
        services.history_import.import_path(tmp_path / "nope.zip")
