"""The offered embedding models: pinned correctly, installed through the hub with their sha256 checked,
and once installed used for indexing and retrieval."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from app.core.paths import AppPaths
from app.services.container import open_services
from app.services.knowledge import embedding_choices
from tests.support.knowledge_docs import write_documents


def test_the_offered_models_are_pinned_small_ggufs():
    choices = embedding_choices()
    assert choices
    for choice in choices:
        assert re.fullmatch(r"[0-9a-f]{40}", choice.revision) and re.fullmatch(r"[0-9a-f]{64}", choice.sha256)
        assert choice.file.endswith(".gguf") and 0 < choice.size < 200_000_000 and "/" in choice.repo


def test_an_offered_model_installs_from_the_hub_and_embeds_the_knowledge(gptshelf_home: Path, fake_hub, tiny_model,
                                                                         tmp_path: Path, monkeypatch):
    data = tiny_model.read_bytes()
    revision = fake_hub.add_repo("alice/tiny-embed-GGUF", {"embed.gguf": data})
    choice = replace(embedding_choices()[0], repo="alice/tiny-embed-GGUF", revision=revision, file="embed.gguf",
                     size=len(data), sha256=hashlib.sha256(data).hexdigest())
    with open_services(AppPaths(gptshelf_home), install_starter=False) as services:
        services.catalog.save_settings(services.settings().updated(hub_endpoint=fake_hub.url))
        model = services.knowledge.install_embedding_model(choice)
        assert model.sha256 == choice.sha256 and services.paths.blob(model.sha256).is_file()
        # an offered model is used once installed (a real one is recognised by its bert architecture too);
        # here the offer is the tiny llama GGUF, so the list of offers is the one with it
        monkeypatch.setattr("app.services.knowledge.embedding_choices", lambda path=None: [choice])
        assert services.knowledge.embedding_model().sha256 == model.sha256
        write_documents(tmp_path / "docs")
        chat_model = services.models.import_gguf(tiny_model, name="Chat")
        gpt = services.gpts.create("Docs", chat_model.sha256)
        gpt, report = services.knowledge.add(gpt.id, [tmp_path / "docs" / "zephyr-x200.md",
                                                      tmp_path / "docs" / "zh-0.md"])
        assert len(report.indexed) == 2
        states = services.catalog.knowledge_documents(k.sha256 for k in gpt.knowledge)
        assert {s.embedding_sha256 for s in states.values()} == {model.sha256}
        found = services.knowledge.query(gpt, "Zephyr X200 warranty", limit=3)
        assert found and found[0].file == "knowledge/zephyr-x200.md"
