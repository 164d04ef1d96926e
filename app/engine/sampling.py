"""The sampler chain of one reply, built from llama.cpp's own C samplers.

The order is llama-cpp-python's (penalties, top-k, top-p, min-p, temperature, then a seeded draw; greedy
when the temperature is 0), with one change that keeps the result exact but makes it cheap: llama.cpp's
repeat-penalty sampler looks every candidate up in a hash map, which over a 262k-token vocabulary (Gemma)
costs more than a millisecond per token. A repeat penalty above 1 only lowers the logits of the at most
``PENALTY_LAST_N`` tokens it has seen, so the penalised top ``k`` always lie within the raw top
``k + PENALTY_LAST_N``: a top-k cut of that size first, then the penalty, then the real top-k, picks from
exactly the same candidates. (Greedy is top-1.) Penalties below 1 raise logits, so they still run over
the whole vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from app.core.entities import GenerationParams

PENALTY_LAST_N = 64
"""How many recent tokens the repeat penalty remembers (llama-cpp-python's ``last_n_tokens_size``)."""


def steps(params: GenerationParams) -> list[tuple[str, tuple[Any, ...]]]:
    """The chain as (sampler name, arguments), pure so that the order can be tested without llama.cpp."""
    chain: list[tuple[str, tuple[Any, ...]]] = []
    penalty = params.repeat_penalty
    penalise = penalty > 0 and penalty != 1.0
    greedy = params.temperature <= 0
    k = 1 if greedy else params.top_k
    if penalise:
        if penalty > 1.0 and k > 0:
            chain.append(("top_k", (k + PENALTY_LAST_N,)))
        chain.append(("penalties", (PENALTY_LAST_N, penalty, 0.0, 0.0)))
    if greedy:
        chain.append(("greedy", ()))
        return chain
    if k > 0:
        chain.append(("top_k", (k,)))
    if params.top_p < 1.0:
        chain.append(("top_p", (params.top_p, 1)))
    if params.min_p > 0.0:
        chain.append(("min_p", (params.min_p, 1)))
    chain.append(("temp", (params.temperature,)))
    chain.append(("dist", (params.seed,)))
    return chain


@contextmanager
def sampler_chain(lib: Any, n_vocab: int, params: GenerationParams) -> Iterator[Any]:
    """A llama.cpp sampler chain for ``params``, freed when the reply ends."""
    make: dict[str, Callable[..., Any]] = {
        "top_k": lib.llama_sampler_init_top_k,
        "penalties": lambda *args: lib.llama_sampler_init_penalties(n_vocab, *args),
        "greedy": lib.llama_sampler_init_greedy,
        "top_p": lib.llama_sampler_init_top_p,
        "min_p": lib.llama_sampler_init_min_p,
        "temp": lib.llama_sampler_init_temp,
        "dist": lambda seed: lib.llama_sampler_init_dist(lib.LLAMA_DEFAULT_SEED if seed is None else seed & 0xFFFFFFFF),
    }
    chain = lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params())
    try:
        for name, args in steps(params):
            lib.llama_sampler_chain_add(chain, make[name](*args))  # the chain owns it from here
        yield chain
    finally:
        lib.llama_sampler_free(chain)
