"""What the GPT wizard asks of the services: checking a draft without saving it, making a GPT with its
files in one version, a template preview with its warnings, a test chat that stores nothing, the
``{date}``/``{user}`` variables, and the fit of an installed model."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from app.core.entities import GPT, ChatChunk, ChatMessage, ChatResult, Fit, GenerationParams, Role
from app.core.errors import InvalidInput
from app.services.chat import expand_variables, sample_conversation
from app.services.fit import FitChecker
from app.services.gpts import MAX_ICON_BYTES, file_types, parameter_limits


@pytest.fixture
def model(services, tiny_model):
    return services.models.import_gguf(tiny_model, name="Tiny")


def draft(model, **changes) -> GPT:
    return dataclasses.replace(GPT(id="", name="Pirate", model_sha256=model.sha256), **changes)


def locations(problems) -> list[str]:
    return [p.location for p in problems]


def test_check_names_every_field_a_save_would_refuse_and_saves_nothing(services, model, tmp_path):
    assert services.gpts.check(draft(model), new=True) == []
    bad = draft(model, name=" ", starters=("ok",) * 9, tags=("a", "A"),
                params=GenerationParams(max_tokens=9000, context_length=4096), chat_template="")
    problems = services.gpts.check(bad, new=True)
    assert set(locations(problems)) >= {"name", "tags[1]", "conversation_starters", "chat_template"}
    assert "parameters.max_tokens" in locations(services.gpts.check(
        draft(model, params=GenerationParams(max_tokens=9000, context_length=4096)), new=True))
    notes = tmp_path / "notes.exe"
    notes.write_bytes(b"x")
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (MAX_ICON_BYTES + 1))
    problems = services.gpts.check(draft(model), new=True, icon=big, knowledge=[notes, tmp_path / "gone.md"])
    assert {"icon", "knowledge[0].file", "knowledge[1]"} <= set(locations(problems))
    assert next(p for p in problems if p.location == "icon").rule.endswith("at most 2 MiB")
    assert services.gpts.check(draft(model, model_sha256="f" * 64), new=True)[0].location == "model"
    assert services.gpts.list() == []


def test_check_refuses_a_name_in_use_except_the_gpts_own(services, model):
    saved = services.gpts.create("Pirate", model.sha256)
    assert locations(services.gpts.check(draft(model, name="PIRATE"), new=True)) == ["name"]
    assert services.gpts.check(dataclasses.replace(saved, name="pirate"), new=False) == []


def test_create_takes_the_template_icon_and_knowledge_in_one_version(services, model, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("# Guide\n", encoding="utf-8")
    icon = tmp_path / "face.PNG"
    icon.write_bytes(b"\x89PNG fake")
    gpt = services.gpts.create("Pirate", model.sha256, chat_template="{{ messages }}", icon=icon, knowledge=[guide])
    assert (gpt.version, gpt.chat_template, gpt.icon.path) == ("0.1.0", "{{ messages }}", "icon.png")
    assert [k.path for k in gpt.knowledge] == ["knowledge/guide.md"]
    assert services.paths.blob(gpt.knowledge[0].sha256).read_bytes() == b"# Guide\n"
    assert [v.version for v in services.gpts.versions(gpt.id)] == ["0.1.0"]


def test_parameter_limits_and_file_types_come_from_the_manifest():
    limits = parameter_limits()
    assert limits["temperature"] == (0, 2) and limits["context_length"] == (128, 1048576)
    assert ".md" in file_types("knowledge") and ".png" in file_types("icon") and ".md" not in file_types("icon")


def test_variables_become_todays_date_and_the_login_name():
    today = datetime.date(2026, 5, 1)
    assert expand_variables("Hi {user}, it is {date}. {json}", today=today, user="ann") == "Hi ann, it is 2026-05-01. {json}"
    assert datetime.date.today().isoformat() in expand_variables("{date}")
    assert "{user}" not in expand_variables("{user}")


def test_the_system_prompt_sent_to_the_engine_has_the_variables_filled_in(services, model):
    gpt = services.gpts.create("Pirate", model.sha256, instructions="Today is {date}.",
                               params=GenerationParams(temperature=0.0, max_tokens=4, context_length=1024))
    stream = services.chat.send(gpt.id, "hello")
    system = stream.prompt[0][0]
    assert system.role is Role.SYSTEM and system.content == f"Today is {datetime.date.today().isoformat()}."
    list(stream)


def test_the_template_preview_shows_the_gguf_template_and_warns_when_nothing_ends_a_turn(services, model):
    messages = sample_conversation(draft(model, instructions="Be a pirate."))
    preview = services.models.preview_template(model.sha256, None, messages)
    assert (preview.origin, preview.failed, preview.warnings) == ("gguf", False, ())
    assert "<|im_start|>system\nBe a pirate.<|im_end|>" in preview.text and "<|im_end|>" in preview.stop

    plain = "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}"
    preview = services.models.preview_template(model.sha256, plain, messages)
    assert preview.origin == "gpt" and "system: Be a pirate." in preview.text
    assert len(preview.warnings) == 1 and "stops at" in preview.warnings[0]
    assert services.models.preview_template(model.sha256, plain, messages, stop=["\nuser:"]).warnings == ()

    broken = services.models.preview_template(model.sha256, "{% for m in messages %}", messages)
    assert broken.failed and "syntax error" in broken.warnings[0]


def test_a_test_chat_with_a_draft_streams_a_reply_and_stores_nothing(services, model):
    gpt = draft(model, instructions="Hi {user}.", params=GenerationParams(temperature=0.0, max_tokens=6,
                                                                          context_length=1024))
    with pytest.raises(InvalidInput):
        services.chat.preview(gpt, [ChatMessage(Role.USER, "  ")])
    stream = services.chat.preview(gpt, [ChatMessage(Role.USER, "hello"), ChatMessage(Role.ASSISTANT, "hi"),
                                         ChatMessage(Role.USER, "again")])
    messages, pinned = stream.prompt
    assert pinned == 1 and "{user}" not in messages[0].content and [m.content for m in messages[1:]] == [
        "hello", "hi", "again"]
    items = list(stream)
    assert isinstance(items[-1], ChatResult) and stream.text == "".join(
        i.text for i in items if isinstance(i, ChatChunk))
    assert services.catalog.list_conversations() == [] and services.gpts.list() == []


def test_an_installed_models_fit_is_a_sentence_with_a_verdict(services, model):
    checker = FitChecker(engine_info=lambda: (_ for _ in ()).throw(AssertionError("no GPU probe needed")),
                         free_ram=lambda: 8 * 2**30, _gpu_free=0)
    report = services.models.fit(checker, model, 2048)
    assert report.verdict is Fit.FITS and report.explanation.startswith("Fits") and report.context_length == 2048
