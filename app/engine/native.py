"""llama.cpp's C API through llama-cpp-python's ctypes bindings alone: a model, its context, tokens, embeddings.

Why not ``llama_cpp.Llama``: ``import llama_cpp`` runs the package's ``__init__``, which also imports the
high-level layer (numpy, jinja2, diskcache and the chat formats), 25 MB of the engine child's memory
that a chat turn never uses: the engine drives llama.cpp through the C API already (:mod:`.session`,
:mod:`.sampling`). :func:`bindings` loads only ``llama_cpp/llama_cpp.py`` (and the ctypes helpers it
needs) under a bare package entry, and :class:`NativeModel` does the few things ``Llama`` did here: load
the model and make its context with the parameters the engine chooses, tokenize, embed, free.

Only the engine's child process calls :func:`bindings` (docs/architecture.md); numpy is imported there
only for a reply held to a grammar or for perplexity scoring.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from app.core.errors import EngineError
from app.engine.protocol import Embeddings

_PACKAGE = "llama_cpp"
_BINDINGS = "llama_cpp.llama_cpp"


def bindings() -> types.ModuleType:
    """llama-cpp-python's ctypes bindings module, without its package's high-level layer.

    If the full package is already imported (tests that also use ``llama_cpp.Llama``), its module is
    returned. Otherwise the package is entered in ``sys.modules`` as a bare package (its folder, not its
    ``__init__``), so that the bindings' own ``llama_cpp._ctypes_extensions`` import resolves.
    """
    if _BINDINGS in sys.modules:
        return sys.modules[_BINDINGS]
    if _PACKAGE not in sys.modules:
        spec = importlib.util.find_spec(_PACKAGE)  # finds, does not run, the package
        if spec is None or not spec.submodule_search_locations:
            raise EngineError("llama-cpp-python is not installed; reinstall GPT Shelf.")
        package = types.ModuleType(_PACKAGE)
        package.__path__ = list(spec.submodule_search_locations)
        package.__spec__ = spec
        package.__file__ = spec.origin
        sys.modules[_PACKAGE] = package
    return importlib.import_module(_BINDINGS)


def version() -> str:
    """The installed llama-cpp-python's version (its distribution's metadata, shipped in the bundle too)."""
    try:
        return metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class ModelOptions:
    """What the engine chooses for a load; the rest are llama.cpp's defaults."""

    n_ctx: int
    n_gpu_layers: int = 0
    n_threads: int = 2
    n_batch: int = 512
    embedding: bool = False
    swa_full: bool = True
    extra_weight_buffers: bool = True
    flash_attn: bool | None = None
    """None: llama.cpp decides by device (its own default), True/False: on or off."""


class NativeModel:
    """One loaded model and one context on it; ``close`` frees both (the context first)."""

    def __init__(self, lib: Any, path: str, options: ModelOptions) -> None:
        self._lib = lib
        self.model: Any = None
        self.ctx: Any = None
        lib.llama_backend_init()  # idempotent: ggml's timers and tables
        model_params = lib.llama_model_default_params()
        model_params.n_gpu_layers = options.n_gpu_layers
        model_params.use_extra_bufts = options.extra_weight_buffers
        self.model = lib.llama_model_load_from_file(path.encode("utf-8"), model_params)
        if not self.model:
            raise ValueError(f"Failed to load model from file: {path}")
        self.vocab = lib.llama_model_get_vocab(self.model)
        n_ctx = options.n_ctx or int(lib.llama_model_n_ctx_train(self.model))
        self.n_batch = min(n_ctx, options.n_batch)
        params = lib.llama_context_default_params()
        params.n_ctx = n_ctx
        params.n_batch = self.n_batch
        params.n_ubatch = self.n_batch
        params.n_threads = params.n_threads_batch = options.n_threads
        params.embeddings = options.embedding
        params.swa_full = options.swa_full
        params.flash_attn_type = {None: lib.LLAMA_FLASH_ATTN_TYPE_AUTO, True: lib.LLAMA_FLASH_ATTN_TYPE_ENABLED,
                                  False: lib.LLAMA_FLASH_ATTN_TYPE_DISABLED}[options.flash_attn]
        if options.embedding:  # several texts a batch, one sequence each
            params.n_seq_max = min(self.n_batch, int(lib.llama_max_parallel_sequences()))
            params.kv_unified = True
        self.ctx = lib.llama_init_from_model(self.model, params)
        if not self.ctx:
            self.close()
            raise ValueError(f"Failed to create a llama.cpp context for {path} (n_ctx={n_ctx})")
        self._n_seq_max = int(params.n_seq_max)

    # --- sizes and special tokens -----------------------------------------------------------
    def n_ctx(self) -> int:
        return int(self._lib.llama_n_ctx(self.ctx))

    def n_embd(self) -> int:
        return int(self._lib.llama_model_n_embd(self.model))

    def token_bos(self) -> int:
        return int(self._lib.llama_vocab_bos(self.vocab))

    def token_eos(self) -> int:
        return int(self._lib.llama_vocab_eos(self.vocab))

    def add_bos_token(self) -> bool:
        return bool(self._lib.llama_vocab_get_add_bos(self.vocab))

    def token_get_text(self, token: int) -> str:
        return self._lib.llama_vocab_get_text(self.vocab, token).decode("utf-8", "replace")

    # --- text -------------------------------------------------------------------------------
    def tokenize(self, text: bytes, *, add_bos: bool = True, special: bool = False) -> list[int]:
        lib = self._lib
        room = len(text) + 2
        buffer = (lib.llama_token * room)()
        count = lib.llama_tokenize(self.vocab, text, len(text), buffer, room, add_bos, special)
        if count < 0:  # the buffer was short: llama.cpp says how many it needs
            room = -count
            buffer = (lib.llama_token * room)()
            count = lib.llama_tokenize(self.vocab, text, len(text), buffer, room, add_bos, special)
        if count < 0:
            raise EngineError(f"llama.cpp could not tokenize a text of {len(text)} bytes.")
        return list(buffer[:count])

    def embed(self, texts: Sequence[str]) -> Embeddings:
        """One L2-normalized vector per text (token vectors mean-pooled when the model has no pooling).

        Texts are packed several to a batch, one sequence each, as llama-cpp-python does; a text longer
        than a batch is cut to it. The KV cache is empty afterwards.
        """
        lib = self._lib
        mem = lib.llama_get_memory(self.ctx)
        pooled = lib.llama_pooling_type(self.ctx) != lib.LLAMA_POOLING_TYPE_NONE
        size = self.n_embd()
        batch = lib.llama_batch_init(self.n_batch, 0, self._n_seq_max)
        vectors: list[list[float]] = []
        pending: list[int] = []  # token counts of the sequences in the batch
        embedded = 0

        def flush() -> None:
            if not pending:
                return
            lib.llama_memory_clear(mem, True)
            code = lib.llama_decode(self.ctx, batch)
            if code != 0:
                raise EngineError(f"llama.cpp could not embed the text (llama_decode returned {code}).")
            row = 0
            for seq, count in enumerate(pending):
                if pooled:
                    vectors.append(_normalized(_floats(lib.llama_get_embeddings_seq(self.ctx, seq), size)))
                else:
                    rows = [_floats(lib.llama_get_embeddings_ith(self.ctx, row + i), size) for i in range(count)]
                    vectors.append(_normalized([sum(column) / count for column in zip(*rows, strict=True)]))
                row += count
            pending.clear()
            batch.n_tokens = 0

        try:
            for text in texts:
                tokens = self.tokenize(text.encode("utf-8"), add_bos=True, special=False)[:self.n_batch]
                if not tokens:
                    flush()
                    vectors.append([0.0] * size)
                    continue
                if batch.n_tokens + len(tokens) > self.n_batch or len(pending) >= self._n_seq_max:
                    flush()
                seq, start = len(pending), batch.n_tokens
                for i, token in enumerate(tokens):
                    batch.token[start + i] = token
                    batch.pos[start + i] = i
                    batch.n_seq_id[start + i] = 1
                    batch.seq_id[start + i][0] = seq
                    batch.logits[start + i] = 1
                batch.n_tokens = start + len(tokens)
                pending.append(len(tokens))
                embedded += len(tokens)
            flush()
        finally:
            lib.llama_memory_clear(mem, True)
            lib.llama_batch_free(batch)
        return Embeddings(vectors, embedded)

    def close(self) -> None:
        if self.ctx:
            self._lib.llama_free(self.ctx)
        if self.model:
            self._lib.llama_model_free(self.model)
        self.ctx = self.model = None


def _floats(pointer: Any, size: int) -> list[float]:
    if not pointer:  # llama.cpp gives NULL for an output it did not compute
        raise EngineError("llama.cpp returned no embedding for this model; is it an embedding model?")
    return pointer[:size]


def _normalized(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector))
    return [float(x) / norm for x in vector] if norm > 0 else [float(x) for x in vector]

