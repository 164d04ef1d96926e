"""One tiny fine-tuning run for the whole module (a few seconds of training), through the real services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.paths import AppPaths
from app.services.container import Services, open_services
from app.services.finetune import Evaluation, PreparedRun, TrainingEvent, TrainingOptions
from tests.support.finetune_data import write_colour_chats
from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama

#: Large steps for a tiny model: the loss must visibly fall within a few dozen steps.
FAST = TrainingOptions(rank=4, alpha=8.0, dropout=0.0, learning_rate=1e-2, epochs=3, batch_size=4, max_length=64,
                       eval_every=4, checkpoint_every=8, threads=2)


@dataclass
class TrainedRun:
    services: Services
    model_sha256: str
    prepared: PreparedRun
    events: list[TrainingEvent]
    evaluation: Evaluation


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrainedRun]:
    home = tmp_path_factory.mktemp("finetune-home")
    folder = tmp_path_factory.mktemp("finetune-files")
    base = write_tiny_llama(folder / "tiny.gguf", chat_template=CHATML_TEMPLATE, context_length=512, name="tiny")
    data = write_colour_chats(folder / "colours.jsonl")
    with open_services(AppPaths(home), install_starter=False) as services:
        model = services.models.import_gguf(base)
        prepared = services.finetune.prepare(model.sha256, data, FAST)
        events = list(services.finetune.job(prepared.folder).events())
        evaluation = services.finetune.evaluate(prepared.folder)
        yield TrainedRun(services, model.sha256, prepared, events, evaluation)


@pytest.fixture
def tiny_chats(tmp_path: Path) -> Path:
    return write_colour_chats(tmp_path / "colours.jsonl")
