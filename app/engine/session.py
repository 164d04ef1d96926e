"""One loaded chat model's llama.cpp context, driven through the low-level API.

``Llama.generate`` was the old path. On Gemma 3 270M it gave up 6–7% of the decoding speed (a repeat
penalty looked up over the whole 262k vocabulary, a millisecond a token, and a Python abort callback
between graph nodes), and it kept only the last prompt's cache, so going back to a chat evaluated all of
it again. This module does what a chat turn needs and nothing more:

- **Prompt**: only the suffix the KV cache does not hold yet is evaluated (see :mod:`app.engine.kvcache`);
  switching conversations saves the old one's KV cells in RAM and restores the new one's, if kept.
- **Cancel**: llama.cpp calls the abort callback between every two graph nodes, and a Python callback
  costs a GIL round trip each time (about a millisecond per token on a small model). It is installed only
  while a prompt is evaluated, where cancel would otherwise wait for seconds; during generation cancel is
  checked between tokens, by the caller.
- **Tokens**: one ``llama_decode`` per token with a one-token batch, sampled by llama.cpp's C sampler chain
  (:mod:`app.engine.sampling`); no logits are copied into Python. A reply held to a grammar is the
  exception: :class:`~app.engine.sampling.GrammarSampler` reads the logits into an array it applies the
  grammar and the chain to, with the control tokens that do not end a reply banned (listed once per model).
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from app.core.entities import GenerationParams
from app.core.errors import EngineError
from app.engine.kvcache import SavedState, StateCache, reusable
from app.engine.sampling import grammar_sampling, sampler_chain

log = logging.getLogger("app.engine.session")

ABORTED = 2
"""``llama_decode``'s answer when the abort callback stopped it (finished micro-batches stay in the cache)."""


@dataclass(frozen=True)
class Prepared:
    """How a prompt got into the cache: tokens reused, whether a saved state was restored, or cancelled."""

    reused: int
    restored: bool
    cancelled: bool


class Session:
    """What the context's KV cache holds, and the saved caches of other conversations.

    One request at a time (the worker's loop); ``cancel`` is the shared flag the app sets.
    """

    def __init__(self, lib: Any, llm: Any, *, cancel: Any, cache_bytes: int) -> None:
        self._lib = lib
        self._ctx = llm.ctx
        self._vocab = llm.vocab
        self._mem = lib.llama_get_memory(self._ctx)
        self._n_vocab = lib.llama_vocab_n_tokens(self._vocab)
        self._n_batch = int(llm.n_batch)
        self._n_swa = int(lib.llama_model_n_swa(llm.model))
        self._batch = (lib.llama_token * self._n_batch)()
        self._cancel = cancel
        self._abort = lib.ggml_abort_callback(lambda _data: bool(cancel.value))
        self._no_abort = lib.ggml_abort_callback()  # a NULL pointer: no callback between graph nodes
        self._tokens: list[int] = []
        self._key: str | None = None
        self._banned: tuple[int, ...] | None = None
        self.states = StateCache(cache_bytes)

    @property
    def tokens(self) -> tuple[int, ...]:
        """What sequence 0 of the KV cache holds now."""
        return tuple(self._tokens)

    # --- the prompt -------------------------------------------------------------------------
    def prepare(self, key: str, prompt: Sequence[int]) -> Prepared:
        """Bring the cache to hold ``prompt`` (all but nothing left to evaluate), reusing what it can."""
        restored = False
        if key != self._key:
            self._stash()
            state, shared = self.states.best(key, prompt)
            if state is not None and shared > reusable(self._tokens, prompt):
                restored = self._restore(state)
            self.states.pop(key)  # the live cache is this conversation's from now on
            self._key = key
        keep = reusable(self._tokens, prompt)
        if keep < len(self._tokens):
            self._truncate(keep)
        keep = len(self._tokens)
        cancelled = self._evaluate(list(prompt[keep:]))
        if restored or keep:
            log.debug("prompt of %d tokens: %d reused%s", len(prompt), keep, " (restored)" if restored else "")
        return Prepared(reused=keep, restored=restored, cancelled=cancelled)

    def _evaluate(self, tokens: list[int]) -> bool:
        """Decode ``tokens`` in batches; True if cancelled on the way (what finished stays cached)."""
        lib = self._lib
        lib.llama_set_abort_callback(self._ctx, self._abort, None)
        try:
            for start in range(0, len(tokens), self._n_batch):
                chunk = tokens[start:start + self._n_batch]
                self._batch[:len(chunk)] = chunk
                code = lib.llama_decode(self._ctx, lib.llama_batch_get_one(self._batch, len(chunk)))
                if code == ABORTED or (code != 0 and self._cancel.value):
                    self._resync(chunk)
                    return True
                if code != 0:
                    self.clear()
                    raise EngineError(f"llama.cpp could not evaluate the prompt (llama_decode returned {code}); "
                                      "try again, or lower the GPT's context length.")
                self._tokens.extend(chunk)
        finally:
            lib.llama_set_abort_callback(self._ctx, self._no_abort, None)
        return False

    def _resync(self, chunk: list[int]) -> None:
        """After an abort, keep exactly the positions llama.cpp finished."""
        last = self._lib.llama_memory_seq_pos_max(self._mem, 0)
        self._tokens = [*self._tokens, *chunk][: max(last + 1, 0)]
        self._truncate(len(self._tokens))

    def _truncate(self, keep: int) -> None:
        """Drop cached positions from ``keep`` on; start over where the model cannot (recurrent, pruned SWA)."""
        lib = self._lib
        # A sliding-window cache may have overwritten cells the window of position ``keep`` still needs
        # (llama-server's test); a recurrent model cannot drop part of its state at all.
        if keep and (not lib.llama_memory_seq_rm(self._mem, 0, keep, -1)
                     or lib.llama_memory_seq_pos_min(self._mem, 0) > max(0, keep - self._n_swa)):
            log.debug("this model cannot drop part of its cache; the prompt is evaluated in full")
            keep = 0
        if not keep:
            lib.llama_memory_seq_rm(self._mem, 0, -1, -1)
        del self._tokens[keep:]

    # --- other conversations ----------------------------------------------------------------
    def _stash(self) -> None:
        """Save the live conversation's KV cells before another one takes the cache.

        The whole context's state, not ``llama_state_seq_*``: the per-sequence copy leaves out the cells a
        sliding-window layer no longer attends to, so a restored conversation could not step back even one
        token (a reply's last tokens rarely re-tokenize identically) and would be evaluated in full again.
        The context only ever holds sequence 0, so the two are the same cells otherwise.
        """
        if not self._tokens or self.states.capacity <= 0:
            return
        size = self._lib.llama_state_get_size(self._ctx)
        if size <= 0 or size > self.states.capacity:
            return
        data = (ctypes.c_uint8 * size)()
        written = self._lib.llama_state_get_data(self._ctx, data, size)
        if written:
            self.states.put(SavedState(self._key, tuple(self._tokens), data, written))

    def _restore(self, state: SavedState) -> bool:
        if self._lib.llama_state_set_data(self._ctx, state.data, state.size):
            self._tokens = list(state.tokens)
            return True
        log.warning("a saved conversation state could not be restored; its prompt is evaluated again")
        self.clear()
        return False

    def forget(self, key: str | None = None) -> None:
        """Drop what is kept of one conversation (``None``: of all), live cache included."""
        if key is None:
            self.states.clear()
            self.clear()
            return
        self.states.pop(key)
        if key == self._key:
            self.clear()

    def clear(self) -> None:
        self._lib.llama_memory_seq_rm(self._mem, 0, -1, -1)
        self._tokens.clear()

    # --- the reply --------------------------------------------------------------------------
    def silent_controls(self) -> tuple[int, ...]:
        """Control tokens that do not end a reply: they print as nothing (see :mod:`app.engine.sampling`)."""
        if self._banned is None:
            lib, vocab = self._lib, self._vocab
            control = lib.LLAMA_TOKEN_ATTR_CONTROL
            self._banned = tuple(t for t in range(self._n_vocab) if lib.llama_vocab_get_attr(vocab, t) & control
                                 and not lib.llama_vocab_is_eog(vocab, t))
        return self._banned

    @contextmanager
    def _sampler(self, params: GenerationParams, grammar: str | None) -> Iterator[Callable[[], int]]:
        """What picks the next token: llama.cpp's sampler chain, or the chain under a grammar."""
        lib, ctx = self._lib, self._ctx
        if not grammar:
            with sampler_chain(lib, self._n_vocab, params) as chain:
                yield lambda: lib.llama_sampler_sample(chain, ctx, -1)
            return
        with grammar_sampling(lib, ctx, self._vocab, self._n_vocab, params, grammar, self.silent_controls()) as held:
            yield held.sample
            log.debug("grammar checked the whole vocabulary for %d tokens", held.full_checks)

    def generate(self, params: GenerationParams, *, grammar: str | None = None) -> Iterator[int]:
        """Sampled tokens, each decoded into the cache when the next one is asked for.

        Stop iterating (or close the generator) to end the reply; the last token handed out is then
        never decoded, so the cache holds the prompt and the reply up to the token before it. With a
        ``grammar`` (GBNF), every token obeys it; a grammar llama.cpp refuses raises :class:`EngineError`.
        """
        lib, ctx = self._lib, self._ctx
        one = (lib.llama_token * 1)()
        with self._sampler(params, grammar) as sample:
            while True:
                token = sample()
                yield token
                one[0] = token
                code = lib.llama_decode(ctx, lib.llama_batch_get_one(one, 1))
                if code != 0:
                    self.clear()
                    raise EngineError(f"llama.cpp could not continue the reply (llama_decode returned {code}).")
                self._tokens.append(token)
