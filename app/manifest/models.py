"""The GPT manifest (``gpt.json``, schema ``gptshelf/gpt@1``) as immutable pydantic models.

Every model is strict (numbers are numbers: no ``"0.7"``, no ``true`` for an integer, no ``40.0`` for
``top_k``), forbids unknown keys, refuses NaN and infinity, and is frozen with tuples for arrays, so a
parsed manifest can be shared between threads and hashed. Each file a GPT needs is pinned by
repo + 40-hex commit + safe relative path + sha256 + size, so what is installed is exactly what was
reviewed, and nothing in a manifest can name a place outside the store.

Attribute docstrings become the descriptions in the published JSON Schema (docs/manifest.schema.json).
Parsing from bytes, error translation and serialisation live in :mod:`app.manifest.parse`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from app.core.entities import ChatMessage, GenerationParams, Role
from app.core.errors import InvalidInput
from app.manifest.fields import (
    EvalsPath,
    FileSize,
    GGUFPath,
    IconPath,
    KnowledgePath,
    Quant,
    RepoId,
    Revision,
    SchemaId,
    SemVer,
    Sha256,
    as_tuple,
    duplicate_problems,
    line,
    rule_error,
    text,
    unique_items,
)

_DEFAULTS = GenerationParams()
MAX_STOPS = 8
"""Stop strings a GPT may have; GPT Shelf's API accepts as many, so a GPT can run on another GPT Shelf."""

Name = line(100, min_chars=1)
ShortLine = line(100)
Category = line(50)
Tag = line(40, min_chars=1)
Stop = text(max_chars=64, required=True, blank_ok=True)  # "\n\n" is a common stop string
VariantRef = line(1024, min_chars=1)
Starter = text(max_chars=500, required=True)
ExampleText = text(max_chars=8192, required=True)
Description = text(max_chars=2000)
Instructions = text(max_bytes=32 * 1024)
ChatTemplate = text(max_bytes=64 * 1024, required=True)
Changelog = text(max_bytes=8 * 1024)


class _Strict(BaseModel):
    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        use_attribute_docstrings=True,
    )


class Variant(_Strict):
    """One quantisation of the base model: a single GGUF file in the model repo."""

    file: GGUFPath
    """Path of the .gguf file inside the model repo."""
    quant: Quant
    """Quantisation name shown to people and used to pick the variant, like Q4_K_M."""
    size: FileSize
    sha256: Sha256


def find_variant(variants: tuple[Variant, ...], quant_or_file: str) -> Variant | None:
    """The variant whose file is ``quant_or_file``, else whose quant is (exactly, then ignoring case)."""
    for matches in (
        lambda v: v.file == quant_or_file,
        lambda v: v.quant == quant_or_file,
        lambda v: v.quant.casefold() == quant_or_file.casefold(),
    ):
        found = [v for v in variants if matches(v)]
        if found:
            return found[0]
    return None


class ModelSpec(_Strict):
    """The base model: a GGUF repo on the hub pinned to one commit, with its quantised variants."""

    repo: RepoId
    """Hub repo holding the GGUF files, as owner/name."""
    revision: Revision
    """Full commit hash of that repo; every variant is downloaded from exactly this commit."""
    variants: Annotated[tuple[Variant, ...], Field(min_length=1, max_length=64), BeforeValidator(as_tuple)]
    """The files a person may choose between (1 to 64); file names and quants are unique."""
    default_variant: VariantRef
    """Quant or file name of the variant installed unless the person picks another."""

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        problems = duplicate_problems((v.file for v in self.variants), "file name", prefix=("variants",), suffix=("file",))
        problems += duplicate_problems((v.quant for v in self.variants), "quant", prefix=("variants",), suffix=("quant",))
        if find_variant(self.variants, self.default_variant) is None:
            problems.append((("default_variant",), f"must name one of the variants by quant or file ({self.describe_variants()})"))
        if problems:
            raise rule_error(problems)
        return self

    def describe_variants(self) -> str:
        return ", ".join(f"{v.quant} ({v.file})" for v in self.variants)


class Adapter(_Strict):
    """A LoRA adapter in GGUF form, stored in the GPT's own repo and trained for one base variant."""

    file: GGUFPath
    size: FileSize
    sha256: Sha256
    scale: float = Field(1.0, gt=0, le=4)
    """How strongly the adapter is applied (0 < scale <= 4)."""
    base_sha256: Sha256
    """sha256 of the model variant the adapter was trained on; must be one of model.variants."""


class KnowledgeFile(_Strict):
    """A document in the GPT's repo that answers are grounded in."""

    file: KnowledgePath
    size: FileSize
    sha256: Sha256


class EvalsFile(_Strict):
    """The GPT's eval set (gptshelf/evals@1): cases and checks its versions are judged by (docs/evals.md)."""

    file: EvalsPath
    size: FileSize
    sha256: Sha256


class EmbeddingModel(_Strict):
    """The GGUF embedding model used to index the knowledge files, pinned like the base model."""

    repo: RepoId
    revision: Revision
    file: GGUFPath
    size: FileSize
    sha256: Sha256


class Example(_Strict):
    """One few-shot turn shown to the model before the conversation."""

    role: Annotated[Role, Field(strict=False)]
    """user, assistant or system."""
    content: ExampleText


class Parameters(_Strict):
    """Sampling and context defaults; a person may override them per conversation."""

    temperature: float = Field(_DEFAULTS.temperature, ge=0, le=2)
    top_p: float = Field(_DEFAULTS.top_p, ge=0, le=1)
    top_k: int = Field(_DEFAULTS.top_k, ge=0, le=1000)
    """0 turns top-k sampling off."""
    min_p: float = Field(_DEFAULTS.min_p, ge=0, le=1)
    repeat_penalty: float = Field(_DEFAULTS.repeat_penalty, ge=0.5, le=2)
    max_tokens: int = Field(_DEFAULTS.max_tokens, ge=1, le=32768)
    """Longest reply, in tokens; at most context_length."""
    context_length: int = Field(_DEFAULTS.context_length, ge=128, le=1048576)
    stop: Annotated[tuple[Stop, ...], Field(max_length=MAX_STOPS), BeforeValidator(as_tuple)] = ()
    """Extra strings that end a reply (the chat template's own end tokens always apply)."""

    @model_validator(mode="after")
    def _consistent(self) -> Parameters:
        if self.max_tokens > self.context_length:
            raise rule_error([(("max_tokens",), f"must not be more than context_length ({self.context_length})")])
        return self

    def generation_params(self) -> GenerationParams:
        return GenerationParams(
            temperature=self.temperature,
            top_p=self.top_p,
            top_k=self.top_k,
            min_p=self.min_p,
            repeat_penalty=self.repeat_penalty,
            max_tokens=self.max_tokens,
            context_length=self.context_length,
            stop=self.stop,
        )


class GPTManifest(_Strict):
    """A GPT Shelf GPT (gpt.json, schema gptshelf/gpt@1): a pinned GGUF model plus what makes it behave."""

    schema_id: SchemaId = Field(alias="schema")
    """Always "gptshelf/gpt@1"."""
    id: RepoId
    """The GPT's repo on the hub, as owner/name."""
    version: SemVer
    """Version of this GPT (semver 2.0), raised on every published change."""
    name: Name
    description: Description = ""
    author: ShortLine = ""
    category: Category = ""
    tags: Annotated[tuple[Tag, ...], Field(max_length=20), BeforeValidator(as_tuple), unique_items("tag")] = ()
    """Up to 20 tags of at most 40 characters each, unique ignoring case."""
    license: ShortLine = ""
    """License of the GPT's own files (an SPDX identifier such as Apache-2.0 is best)."""
    icon: IconPath | None = None
    """Path of an icon image in the GPT's repo."""
    icon_size: FileSize | None = None
    """Size of the icon in bytes; given together with icon_sha256."""
    icon_sha256: Sha256 | None = None
    """sha256 of the icon, so that it is pinned like every other file (a .gptshelf file needs it)."""
    instructions: Instructions = ""
    """The system prompt (at most 32 KiB of UTF-8)."""
    conversation_starters: Annotated[tuple[Starter, ...], Field(max_length=8), BeforeValidator(as_tuple)] = ()
    """Up to 8 suggested first messages."""
    examples: Annotated[tuple[Example, ...], Field(max_length=50), BeforeValidator(as_tuple)] = ()
    """Up to 50 few-shot turns placed after the instructions."""
    model: ModelSpec
    adapter: Adapter | None = None
    knowledge: Annotated[tuple[KnowledgeFile, ...], Field(max_length=200), BeforeValidator(as_tuple)] = ()
    """Up to 200 documents in the GPT's repo; file names are unique."""
    embedding_model: EmbeddingModel | None = None
    chat_template: ChatTemplate | None = None
    """A Jinja chat template that replaces the GGUF's own (at most 64 KiB); rendered in a sandbox."""
    parameters: Parameters = Parameters()
    min_app_version: SemVer | None = None
    """Oldest GPT Shelf version that can run this GPT."""
    changelog: Changelog = ""
    """What changed in this version (at most 8 KiB)."""
    evals: EvalsFile | None = None
    """The eval set in the GPT's repo (evals.json), pinned like the other files; optional, so older manifests stay valid."""

    @model_validator(mode="after")
    def _consistent(self) -> GPTManifest:
        problems = duplicate_problems((k.file for k in self.knowledge), "file name", prefix=("knowledge",), suffix=("file",))
        if self.evals is not None and self.evals.file in {k.file for k in self.knowledge}:
            problems.append((("evals", "file"), "must not be the path of a knowledge file"))
        if self.adapter is not None and self.adapter.base_sha256 not in {v.sha256 for v in self.model.variants}:
            problems.append((("adapter", "base_sha256"), "must be the sha256 of one of model.variants (the model the adapter was trained on)"))
        pins = {"icon_size": self.icon_size, "icon_sha256": self.icon_sha256}
        for name, value in pins.items():
            other = next(n for n in pins if n != name)
            if value is not None and self.icon is None:
                problems.append(((name,), "is only allowed together with icon"))
            elif value is None and pins[other] is not None:
                problems.append(((name,), f"is required when {other} is given (the icon is pinned by both)"))
        if problems:
            raise rule_error(problems)
        return self

    def variant(self, quant_or_file: str | None = None) -> Variant:
        """The variant named by quant or file; the default variant when ``None``."""
        wanted = self.model.default_variant if quant_or_file is None else quant_or_file
        found = find_variant(self.model.variants, wanted)
        if found is None:
            raise InvalidInput(f"{self.name} has no model variant {wanted!r}; choose one of: {self.model.describe_variants()}.")
        return found

    def generation_params(self) -> GenerationParams:
        """The GPT's sampling defaults as the engine takes them."""
        return self.parameters.generation_params()

    def example_messages(self) -> tuple[ChatMessage, ...]:
        """The few-shot examples as chat messages, in order."""
        return tuple(ChatMessage(role=e.role, content=e.content) for e in self.examples)
