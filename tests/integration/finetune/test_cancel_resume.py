"""A run cancelled mid-way saves a checkpoint and a new start of the same folder continues from it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.core.paths import AppPaths
from app.finetune.base import missing_packages
from app.services.container import open_services
from app.services.finetune import TrainingEvent
from tests.integration.finetune.conftest import FAST
from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama

pytestmark = pytest.mark.skipif(bool(missing_packages()), reason="needs the finetune extra (torch, transformers, peft)")


def test_cancel_then_resume_continues_from_the_checkpoint(tmp_path: Path, tiny_chats: Path):
    base = write_tiny_llama(tmp_path / "tiny.gguf", chat_template=CHATML_TEMPLATE, context_length=512)
    with open_services(AppPaths(tmp_path / "home"), install_starter=False) as services:
        model = services.models.import_gguf(base)
        prepared = services.finetune.prepare(model.sha256, tiny_chats, replace(FAST, max_steps=10, checkpoint_every=4))
        job = services.finetune.job(prepared.folder)
        first: list[TrainingEvent] = []
        for event in job.events():
            first.append(event)
            if event.kind == "step" and event.step == 2:
                job.cancel()
        cancelled = first[-1]
        assert cancelled.kind == "cancelled" and 2 <= cancelled.step < 10
        assert first[-2].kind == "checkpoint" and first[-2].step == cancelled.step
        assert prepared.folder.resumable and not prepared.folder.adapter.exists()

        second = list(services.finetune.job(prepared.folder).events())
        assert second[0].kind == "resumed" and second[0].step == cancelled.step
        steps = [e.step for e in second if e.kind == "step"]
        assert steps == list(range(cancelled.step + 1, 11))
        assert second[-1].kind == "done" and prepared.folder.adapter.is_file()
        assert not prepared.folder.resumable
        # The folder's progress log holds both starts, so a window reopened later can redraw the whole curve.
        logged = [e.step for e in prepared.folder.events() if e.kind == "step"]
        assert logged == [*range(1, cancelled.step + 1), *range(cancelled.step + 1, 11)]
