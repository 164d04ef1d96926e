"""The nouns of GPT Shelf as frozen dataclasses: what crosses every layer boundary.

They hold data only; storing, validating and rendering them is the job of the layer that owns them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(enum.StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


class MessageStatus(enum.StrEnum):
    """Where a stored message stands: replies are written while they stream and never lost."""

    STREAMING = "streaming"
    COMPLETE = "complete"
    CANCELLED = "cancelled"
    FAILED = "failed"


class ModelStatus(enum.StrEnum):
    INSTALLED = "installed"
    DOWNLOADING = "downloading"
    MISSING = "missing"


class GPTSource(enum.StrEnum):
    """How a GPT came to this machine."""

    CUSTOM = "custom"
    STARTER = "starter"
    STORE = "store"
    IMPORTED = "imported"
    """From a ``.gptshelf`` file or a folder (see docs/gpt-files.md)."""


class FinishReason(enum.StrEnum):
    STOP = "stop"
    LENGTH = "length"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ChatMessage:
    """One turn as the engine sees it."""

    role: Role
    content: str


@dataclass(frozen=True)
class ModelInfo:
    """What the GGUF header says about a model; enough to pick a chat template and estimate memory."""

    architecture: str
    name: str | None
    file_size: int
    gguf_version: int
    tensor_count: int
    parameter_count: int
    quantization: str
    context_length: int | None
    block_count: int | None
    embedding_length: int | None
    head_count: int | None
    head_count_kv: int | None
    vocab_size: int | None
    tokenizer_model: str | None
    chat_template: str | None
    bos_token: str | None = None
    eos_token: str | None = None
    eot_tokens: tuple[str, ...] = ()
    vocab_only: bool = False


@dataclass(frozen=True)
class ModelFile:
    """A GGUF file in the content-addressed store; its sha256 is its identity."""

    sha256: str
    display_name: str
    path: str
    size: int
    status: ModelStatus
    info: ModelInfo | None = None
    source: str = ""
    added_at: str = ""
    owned: bool = True
    """False for a file linked in place from another app's folder (``path`` is then absolute): GPT Shelf
    reads it but never moves or deletes it."""


@dataclass(frozen=True)
class HubOrigin:
    """Where a model file that did not come from the hub here is known to live on it (the starter model,
    installed from PyPI): publishing a GPT on it pins that repo at its current commit, once the hub's
    sha256 for the file is checked to be this one."""

    sha256: str
    repo: str
    file: str


@dataclass(frozen=True)
class GenerationParams:
    """Sampling and context settings for one reply (a GPT's defaults, possibly overridden)."""

    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 512
    context_length: int = 4096
    stop: tuple[str, ...] = ()
    seed: int | None = None
    frequency_penalty: float = 0.0
    """OpenAI's: lowers a seen token's logit by this much per time it was seen (the local API's requests)."""
    presence_penalty: float = 0.0
    """OpenAI's: lowers a seen token's logit by this much once (the local API's requests)."""


@dataclass(frozen=True)
class GPTFile:
    """A file a GPT carries besides its model (its icon, a knowledge document), kept in the store by sha256.

    ``path`` is the file's name inside the GPT's package, exactly as ``gpt.json`` names it
    (``icon.png``, ``knowledge/guide.md``), so an export writes it back under the same name.
    """

    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class GPT:
    """A GPT installed or made on this machine: a model plus what makes it behave a certain way."""

    id: str
    name: str
    model_sha256: str
    description: str = ""
    instructions: str = ""
    starters: tuple[str, ...] = ()
    examples: tuple[ChatMessage, ...] = ()
    params: GenerationParams = field(default_factory=GenerationParams)
    chat_template: str | None = None
    adapter_sha256: str | None = None
    adapter_scale: float = 1.0
    source: GPTSource = GPTSource.CUSTOM
    version: str = "0.1.0"
    category: str = ""
    tags: tuple[str, ...] = ()
    created_at: str = ""
    updated_at: str = ""
    author: str = ""
    license: str = ""
    icon: GPTFile | None = None
    knowledge: tuple[GPTFile, ...] = ()
    changelog: str = ""
    """The manifest's changelog: one ``version: what changed`` line per version, newest first."""
    evals: GPTFile | None = None
    """The GPT's eval set (``evals.json``): the cases its versions are judged by (docs/evals.md)."""


@dataclass(frozen=True)
class GPTVersion:
    """One saved version of a GPT, as ``gptshelf gpts versions`` lists it."""

    version: str
    created_at: str
    changelog: str
    """What changed in this version (one line)."""
    current: bool
    model_sha256: str
    model_name: str = ""
    """The model's name when this version was saved, so a removed model can still be named."""


@dataclass(frozen=True)
class Conversation:
    id: int
    gpt_id: str
    title: str
    created_at: str
    updated_at: str
    message_count: int = 0
    pinned: bool = False


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: int
    role: Role
    content: str
    status: MessageStatus
    created_at: str
    error: str | None = None


@dataclass(frozen=True)
class SearchHit:
    """A message found by full-text search, with a short excerpt around the match."""

    message: Message
    conversation_title: str
    gpt_id: str
    snippet: str


@dataclass(frozen=True)
class ChatChunk:
    """A piece of a streamed reply."""

    text: str


@dataclass(frozen=True)
class ChatResult:
    """The last item of a reply stream: why it ended and what it cost."""

    finish_reason: FinishReason
    prompt_tokens: int
    completion_tokens: int
    dropped_messages: int = 0
    seconds: float = 0.0
    cached_tokens: int = 0
    """Prompt tokens the engine already held (a follow-up reuses the conversation so far) and did not evaluate."""


@dataclass(frozen=True)
class Device:
    name: str
    description: str
    kind: str
    memory_total: int
    memory_free: int


@dataclass(frozen=True)
class EngineInfo:
    """What the llama.cpp build in the engine process can do on this machine."""

    llama_cpp_version: str
    gpu_offload: bool
    devices: tuple[Device, ...]
    system_info: str = ""


@dataclass(frozen=True)
class LoadedModel:
    """What the engine reports after loading a model."""

    path: str
    n_ctx: int
    n_gpu_layers: int
    on_gpu: bool
    seconds: float
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoreResult:
    """How well a model predicted given tokens: summed negative log-likelihood over ``tokens`` positions."""

    nll: float
    tokens: int
    logits: tuple[list[list[float]], ...] | None = None
    """Every position's logits per sequence, when asked for (small vocabularies only: n_vocab floats each)."""

    @property
    def perplexity(self) -> float:
        import math  # noqa: PLC0415 - a property a few callers read

        return math.exp(self.nll / self.tokens) if self.tokens else float("nan")


# --- store and hub ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListingVariant:
    """One downloadable quantisation of a listing's base model."""

    file: str
    quant: str
    size: int
    sha256: str | None = None
    """None only in the shipped starter catalog; the hub's LFS sha256 is used (and checked) then."""


@dataclass(frozen=True)
class MemoryShape:
    """What a fit check needs beyond the file size: the KV cache grows with these."""

    block_count: int
    head_count_kv: int
    embedding_length: int
    head_count: int
    context_length: int


@dataclass(frozen=True)
class Listing:
    """A GPT in the store, as the store index (or the starter catalog) describes it."""

    id: str
    repo: str
    revision: str
    name: str
    description: str
    author: str
    category: str
    tags: tuple[str, ...]
    license: str
    version: str
    model_repo: str
    model_revision: str
    variants: tuple[ListingVariant, ...]
    default_variant: str
    likes: int = 0
    downloads: int = 0
    rating_avg: float = 0.0
    rating_count: int = 0
    updated_at: str = ""
    shape: MemoryShape | None = None
    manifest: dict | None = None
    """The whole gpt.json when the listing comes from the hub; instructions, starters etc. live there."""
    installed: bool = False

    def variant(self, quant_or_file: str | None = None) -> ListingVariant:
        return pick_variant(self.variants, quant_or_file or self.default_variant, self.name)


def pick_variant(variants: tuple[ListingVariant, ...], wanted: str, name: str) -> ListingVariant:
    """The variant named by quant (any case) or file name; an unknown name lists the choices."""
    for variant in variants:
        if wanted in (variant.file, variant.quant) or wanted.lower() == variant.quant.lower():
            return variant
    from app.core.errors import InvalidInput  # noqa: PLC0415 - errors imports nothing from here

    choices = ", ".join(v.quant for v in variants)
    raise InvalidInput(f"{name} has no variant {wanted!r}; choose one of: {choices}.")


class DownloadStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    FAILED = "failed"
    DONE = "done"


@dataclass(frozen=True)
class DownloadRecord:
    """The resumable state of one file download, kept in the catalog so it survives a restart."""

    key: str
    url: str
    target: str
    partial: str
    expected_sha256: str | None
    expected_size: int | None
    bytes_done: int
    status: DownloadStatus
    error: str | None = None
    etag: str | None = None
    updated_at: str = ""


@dataclass(frozen=True)
class DownloadProgress:
    key: str
    done: int
    total: int | None
    bytes_per_second: float
    eta_seconds: float | None


class Fit(enum.StrEnum):
    FITS = "fits"
    TIGHT = "tight"
    WONT_FIT = "won't fit"


@dataclass(frozen=True)
class FitReport:
    """Will a variant run here? The memory it needs against what this machine has free."""

    verdict: Fit
    needed_bytes: int
    weights_bytes: int
    kv_cache_bytes: int
    overhead_bytes: int
    free_ram_bytes: int
    free_gpu_bytes: int
    context_length: int
    explanation: str


class ListingSort(enum.StrEnum):
    RELEVANCE = "relevance"
    RATING = "rating"
    LIKES = "likes"
    DOWNLOADS = "downloads"
    NEWEST = "newest"
    SIZE = "size"


@dataclass(frozen=True)
class ListingQuery:
    """A store search: words (CJK-aware, last word a prefix), filters, a sort and a page."""

    text: str = ""
    category: str | None = None
    tags: tuple[str, ...] = ()
    min_size: int | None = None
    max_size: int | None = None
    installed: bool | None = None
    fits_within: int | None = None
    """Memory in bytes: keep only listings whose estimate at their default context fits in it."""
    sort: ListingSort = ListingSort.RELEVANCE
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class ListingChanges:
    """What a sync did to the catalog; views refresh from this."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True)
class Review:
    id: int
    gpt_id: str
    stars: int
    text: str
    author: str
    created_at: str
