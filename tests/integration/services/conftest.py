from __future__ import annotations

from pathlib import Path

import pytest

from app.core.entities import GenerationParams
from app.core.paths import AppPaths
from app.services.container import Services, open_services


@pytest.fixture
def services(gptshelf_home: Path):
    with open_services(AppPaths(gptshelf_home), install_starter=False) as opened:
        yield opened


@pytest.fixture
def tiny_gpt(services: Services, tiny_model: Path):
    model = services.models.import_gguf(tiny_model)
    return services.gpts.create("Tiny", model.sha256, instructions="You are terse.", starters=["Say hi"],
                                params=GenerationParams(temperature=0.0, max_tokens=24, context_length=4096))
