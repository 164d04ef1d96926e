"""What the app and its llama.cpp child process say to each other.

Requests and replies are plain dataclasses pickled over a ``multiprocessing`` pipe; the child is
started with *spawn*, so only these types and :mod:`app.core` travel across.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.core.entities import ChatMessage, GenerationParams
from app.core.settings import GpuOffload

if TYPE_CHECKING:  # a field's type only: the parent need not import jinja2 to send a request
    from app.engine.templates import TemplateChoice


@dataclass(frozen=True)
class LoadSpec:
    """Everything that decides which llama.cpp context the child holds; equal specs reuse the loaded model."""

    path: str
    adapter_path: str | None = None
    adapter_scale: float = 1.0
    gpu: GpuOffload = field(default_factory=GpuOffload)
    n_ctx: int = 4096
    threads: int = 0
    embedding: bool = False
    file_size: int = 0
    block_count: int = 0
    state_cache_bytes: int = 512 * 1024 * 1024
    """RAM kept for the KV caches of recently left conversations (0: only the current one is kept)."""


@dataclass(frozen=True)
class ChatRequest:
    messages: tuple[ChatMessage, ...]
    params: GenerationParams
    template: TemplateChoice
    pinned: int = 1
    """How many leading messages (system, instructions, examples) are never dropped to fit the context."""
    conversation: str = ""
    """Which conversation this turn belongs to: the engine keeps its KV cache under this key ("" for none)."""
    grammar: str | None = None
    """A GBNF grammar (root rule ``root``) every token of the reply obeys, e.g. made from a JSON Schema by
    :func:`app.engine.grammar.json_schema_grammar`; the reply then ends where the grammar does (the
    template's stop strings do not apply, ``params.stop`` still does). None: free text."""


@dataclass(frozen=True)
class EmbedRequest:
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Embeddings:
    """One L2-normalized vector per text, and how many tokens were embedded (what the API reports as usage)."""

    vectors: list[list[float]]
    tokens: int


@dataclass(frozen=True)
class ScoreRequest:
    """Token sequences to score (see :mod:`app.engine.scoring`); ``targets[i][j]``: count token j of sequence i."""

    sequences: tuple[tuple[int, ...], ...]
    targets: tuple[tuple[bool, ...], ...]
    logits: bool = False


class Ask(enum.Enum):
    LOAD = "load"
    CHAT = "chat"
    EMBED = "embed"
    INFO = "info"
    UNLOAD = "unload"
    FORGET = "forget"
    SCORE = "score"
    STOP = "stop"


class Reply(enum.Enum):
    READY = "ready"
    LOADED = "loaded"
    CHUNK = "chunk"
    DONE = "done"
    EMBEDDINGS = "embeddings"
    INFO = "info"
    UNLOADED = "unloaded"
    FORGOTTEN = "forgotten"
    SCORED = "scored"
    ERROR = "error"


@dataclass(frozen=True)
class WorkerError:
    """A failure inside the child: ``known`` ones carry a sentence for the person, others a traceback."""

    message: str
    known: bool
    detail: str = ""
