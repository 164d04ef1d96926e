"""The engine's llama.cpp session in-process: a cancelled prompt keeps exactly what was evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.entities import GenerationParams
from app.engine.native import ModelOptions, NativeModel
from app.engine.session import Session

llama_cpp = pytest.importorskip("llama_cpp")
GREEDY = GenerationParams(temperature=0.0, repeat_penalty=1.0)


class Flag:
    """The cancel flag; ``after`` reads (llama.cpp's abort callback reads it between graph nodes) it turns on."""

    def __init__(self, after: int | None = None) -> None:
        self.after = after
        self.reads = 0

    @property
    def value(self) -> int:
        self.reads += 1
        return int(self.after is not None and self.reads > self.after)


def reply(session: Session, count: int = 16) -> list[int]:
    tokens = session.generate(GREEDY)
    picked = [token for _, token in zip(range(count), tokens)]
    tokens.close()
    return picked


def test_a_prompt_cancelled_mid_evaluation_resumes_where_it_stopped(tiny_model: Path):
    llm = NativeModel(llama_cpp, str(tiny_model), ModelOptions(n_ctx=2048, n_batch=256))
    try:
        flag = Flag(after=120)  # a few dozen graph nodes a batch: this stops inside a later batch
        session = Session(llama_cpp, llm, cancel=flag, cache_bytes=1 << 24)
        prompt = [llm.token_bos(), *llm.tokenize(b"a fairly long prompt " * 60, add_bos=False)]
        assert len(prompt) > 1000, "several batches of 256"
        stopped = session.prepare("a", prompt)
        kept = len(session.tokens)
        assert stopped.cancelled and 0 < kept < len(prompt) and kept % 256 == 0, "whole batches stay cached"
        assert session.tokens == tuple(prompt[:kept])
        flag.after = None
        resumed = session.prepare("a", prompt)
        assert not resumed.cancelled and resumed.reused == kept and session.tokens == tuple(prompt)
        warm = reply(session)
        session.forget()
        assert session.prepare("a", prompt).reused == 0
        assert reply(session) == warm, "the resumed cache gives the cold reply"
    finally:
        llm.close()


def test_the_cache_follows_the_reply_minus_its_last_token(tiny_model: Path):
    llm = NativeModel(llama_cpp, str(tiny_model), ModelOptions(n_ctx=1024))
    try:
        session = Session(llama_cpp, llm, cancel=Flag(), cache_bytes=0)
        prompt = [llm.token_bos(), *llm.tokenize(b"hello there", add_bos=False)]
        session.prepare("a", prompt)
        picked = reply(session, 5)
        assert session.tokens == (*prompt, *picked[:-1]), "the last token handed out is never decoded"
        assert session.prepare("a", [*prompt, *picked]).reused == len(prompt) + 4
    finally:
        llm.close()
