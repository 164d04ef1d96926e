"""The sampler chain of one reply, built from llama.cpp's own C samplers.

The order is llama-cpp-python's (penalties, top-k, top-p, min-p, temperature, then a seeded draw; greedy
when the temperature is 0), with one change that keeps the result exact but makes it cheap: llama.cpp's
repeat-penalty sampler looks every candidate up in a hash map, which over a 262k-token vocabulary (Gemma)
costs more than a millisecond per token. A repeat penalty above 1 (and OpenAI's frequency and presence
penalties above 0, which the same sampler applies) only lowers the logits of the at most
``PENALTY_LAST_N`` tokens it has seen, so the penalised top ``k`` always lie within the raw top
``k + PENALTY_LAST_N``: a top-k cut of that size first, then the penalty, then the real top-k, picks from
exactly the same candidates. (Greedy is top-1.) Penalties that raise logits (a repeat penalty below 1, a
negative frequency or presence penalty) still run over the whole vocabulary.

A reply held to a **grammar** (:mod:`app.engine.grammar`) is sampled by :class:`GrammarSampler` as if the
grammar came first in the chain, over the whole vocabulary (llama.cpp's ``grammar_first``): every later
sampler sees the refused tokens at -inf, so the cuts, the penalty and the draw are those of the free chain
over the allowed tokens only. (llama.cpp's default instead samples freely and samples again under the
grammar when the pick is refused: cheaper, but another distribution.) Checking all 262k tokens of Gemma's
vocabulary against the grammar takes 30-80 ms, several times a token's decoding, so the same trick applies:
the grammar checks the raw top ``CUT`` tokens first, and when at least the chain's first top-k (``k``, or
``k + PENALTY_LAST_N`` before a penalty) of them are allowed, those are exactly the allowed top-k of the
whole vocabulary and the rest of the chain picks from the same candidates. Only where fewer are allowed (a
quote, a comma, a key: JSON's punctuation) is the whole vocabulary checked. Before all of it, the control
tokens that do not end a reply are banned: llama.cpp's grammar matches a control token by its text (a
``<start_of_turn>`` could land inside a JSON string) while the reply prints it as nothing, so the text that
comes out would not be the text the grammar checked.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from app.core.entities import GenerationParams
from app.core.errors import EngineError

PENALTY_LAST_N = 64
"""How many recent tokens the repeat penalty remembers (llama-cpp-python's ``last_n_tokens_size``)."""
CUT = 512
"""How many of the raw top tokens a grammar checks before it checks the whole vocabulary."""
GRAMMAR_ROOT = "root"
"""The rule a grammar starts from (llama.cpp's and the JSON Schema converter's name)."""


def steps(params: GenerationParams) -> list[tuple[str, tuple[Any, ...]]]:
    """The chain as (sampler name, arguments), pure so that the order can be tested without llama.cpp."""
    chain: list[tuple[str, tuple[Any, ...]]] = []
    penalty = params.repeat_penalty if params.repeat_penalty > 0 else 1.0
    frequency, presence = params.frequency_penalty, params.presence_penalty
    greedy = params.temperature <= 0
    k = 1 if greedy else params.top_k
    if penalty != 1.0 or frequency or presence:
        if penalty >= 1.0 and frequency >= 0 and presence >= 0 and k > 0:  # they only lower seen tokens' logits
            chain.append(("top_k", (k + PENALTY_LAST_N,)))
        chain.append(("penalties", (PENALTY_LAST_N, penalty, frequency, presence)))
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


def exact_cut(params: GenerationParams) -> int:
    """How many allowed tokens among the raw top :data:`CUT` make the grammar's short path exact (0: never).

    The chain's first top-k keeps ``k`` (``k + PENALTY_LAST_N`` before a penalty above 1) candidates; when the
    cut holds that many allowed tokens, they are the allowed top-k of the whole vocabulary. Without a first
    top-k (top-k off, or a penalty below 1 that raises logits anywhere), only the whole vocabulary is exact.
    """
    name, args = steps(params)[0]
    if name == "top_k":
        return args[0] if args[0] <= CUT else 0
    return 1 if name == "greedy" else 0


def _make(lib: Any, n_vocab: int) -> dict[str, Callable[..., Any]]:
    return {
        "top_k": lib.llama_sampler_init_top_k,
        "penalties": lambda *args: lib.llama_sampler_init_penalties(n_vocab, *args),
        "greedy": lib.llama_sampler_init_greedy,
        "top_p": lib.llama_sampler_init_top_p,
        "min_p": lib.llama_sampler_init_min_p,
        "temp": lib.llama_sampler_init_temp,
        "dist": lambda seed: lib.llama_sampler_init_dist(lib.LLAMA_DEFAULT_SEED if seed is None else seed & 0xFFFFFFFF),
    }


@contextmanager
def sampler_chain(lib: Any, n_vocab: int, params: GenerationParams) -> Iterator[Any]:
    """A llama.cpp sampler chain for ``params``, freed when the reply ends."""
    make = _make(lib, n_vocab)
    chain = lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params())
    try:
        for name, args in steps(params):
            lib.llama_sampler_chain_add(chain, make[name](*args))  # the chain owns it from here
        yield chain
    finally:
        lib.llama_sampler_free(chain)


def grammar_sampler_of(lib: Any, vocab: Any, grammar: str) -> Any:
    """llama.cpp's grammar sampler for GBNF ``grammar``; :class:`EngineError` when llama.cpp refuses it."""
    sampler = lib.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), GRAMMAR_ROOT.encode())
    if not sampler:  # NULL: llama.cpp logged why (into the app's log)
        raise EngineError("llama.cpp could not use the grammar this reply must follow (not valid GBNF with a "
                          f"'{GRAMMAR_ROOT}' rule, or too large); the log has llama.cpp's reason.")
    return sampler


class GrammarSampler:
    """Picks each token of a reply held to a grammar exactly as ``[ban, grammar, *steps(params)]`` over the
    whole vocabulary would, checking only the raw top :data:`CUT` where that is exact (the module's docstring).

    The logits go into an array of ``llama_token_data`` owned here (a numpy view fills it); the grammar and
    the chain are applied with ``llama_sampler_apply`` and told the pick with ``llama_sampler_accept``. Call
    :meth:`close` (or use :func:`grammar_sampling`) to free the samplers.
    """

    def __init__(self, lib: Any, ctx: Any, vocab: Any, n_vocab: int, params: GenerationParams, grammar: str,
                 banned: Sequence[int] = ()) -> None:
        import numpy as np  # noqa: PLC0415 - only the engine's child process samples, and only under a grammar

        self._lib, self._ctx, self._n_vocab, self._np = lib, ctx, n_vocab, np
        self._need = exact_cut(params) if n_vocab > CUT else 0  # a cut of the whole vocabulary gains nothing
        self._samplers: list[Any] = []
        self._grammar = self._own(grammar_sampler_of(lib, vocab, grammar))
        self._ban = None
        if banned:
            biases = (lib.llama_logit_bias * len(banned))(*((t, float("-inf")) for t in banned))
            self._ban = self._own(lib.llama_sampler_init_logit_bias(n_vocab, len(banned), biases))  # copies it
        self._cut = self._own(lib.llama_sampler_init_top_k(CUT))
        self._chain = self._own(lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params()))
        make = _make(lib, n_vocab)
        for name, args in steps(params):
            lib.llama_sampler_chain_add(self._chain, make[name](*args))
        self._data = (lib.llama_token_data * n_vocab)()
        self._view = np.ctypeslib.as_array(self._data)
        self._ids = np.arange(n_vocab, dtype=self._view["id"].dtype)
        self.full_checks = 0
        """How many tokens needed the whole vocabulary checked (for tests and logs)."""

    def _own(self, sampler: Any) -> Any:
        self._samplers.append(sampler)
        return sampler

    def close(self) -> None:
        for sampler in reversed(self._samplers):
            self._lib.llama_sampler_free(sampler)
        self._samplers.clear()

    def _fill(self) -> Any:
        """All logits of the last position, in token order, unsorted."""
        view = self._view
        logits = self._lib.llama_get_logits_ith(self._ctx, -1)
        if not logits:
            raise EngineError("llama.cpp has no logits to sample from; the prompt was not evaluated.")
        view["id"] = self._ids
        view["logit"] = self._np.ctypeslib.as_array(logits, shape=(self._n_vocab,))
        view["p"] = 0.0
        cur = self._lib.llama_token_data_array(self._data, self._n_vocab, -1, False)
        if self._ban is not None:
            self._apply(self._ban, cur)
        return cur

    def _apply(self, sampler: Any, cur: Any) -> None:
        self._lib.llama_sampler_apply(sampler, ctypes.byref(cur))

    def _allowed(self, size: int) -> int:
        return int(self._np.count_nonzero(self._view["logit"][:size] != -self._np.inf))

    def sample(self) -> int:
        """The next token (the grammar and the chain are told it was picked)."""
        cur = self._fill()
        whole = True
        if self._need:
            self._apply(self._cut, cur)
            self._apply(self._grammar, cur)
            whole = self._allowed(cur.size) < self._need
            if whole:
                cur = self._fill()
        if whole:
            self.full_checks += 1
            self._apply(self._grammar, cur)
            if not self._allowed(cur.size):
                raise EngineError("The grammar this reply must follow allows no token here; the reply stops.")
        cur.sorted = False  # the grammar set some of a sorted cut to -inf
        self._apply(self._chain, cur)
        token = int(self._data[cur.selected].id)
        self._lib.llama_sampler_accept(self._grammar, token)
        self._lib.llama_sampler_accept(self._chain, token)
        return token


@contextmanager
def grammar_sampling(lib: Any, ctx: Any, vocab: Any, n_vocab: int, params: GenerationParams, grammar: str,
                     banned: Sequence[int] = ()) -> Iterator[GrammarSampler]:
    """A :class:`GrammarSampler` for one reply, freed when it ends."""
    sampler = GrammarSampler(lib, ctx, vocab, n_vocab, params, grammar, banned)
    try:
        yield sampler
    finally:
        sampler.close()
