"""Create by conversation: a local model drafts a GPT from what the person says they want.

The person describes the GPT in their own words; an installed model writes its name, description,
instructions, conversation starters, category and tags as one JSON object, and the person edits the result
(the wizard's Basics step, or ``gptshelf gpts draft``). The model cannot write anything else: its reply is
held to a grammar made from the draft's JSON Schema (:func:`app.manifest.draft.draft_json_schema`, with the
store's categories to pick from), so every token it samples keeps the reply on the way to a valid draft,
and even a random model ends within the schema's limits. The reply is then parsed and checked with the
manifest's own rules (:func:`app.manifest.draft.parse_draft`).

Small models need an example: the model is shown one worked request and reply first (in Chinese for a
Chinese description, in English otherwise), and told which language to write in. Gemma 3 270M, the starter,
still often repeats the example word for word; such a draft is refused with a sentence saying so
(:func:`copied_example`) rather than filled in.

It runs as the wizard's test chat does (:meth:`ChatService.preview`: nothing is stored), in an engine cache
of its own, so a second draft on the same model reuses the evaluated instructions.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from app.catalog import Catalog
from app.core.entities import GPT, ChatChunk, ChatMessage, ChatResult, FinishReason, GenerationParams, ModelStatus, Role
from app.core.errors import BadManifest, InvalidInput, KnownError
from app.engine.grammar import json_schema_grammar
from app.manifest.draft import MAX_STARTERS, MAX_TAGS, draft_json_schema, parse_draft
from app.services.chat import ChatService, PreviewStream

log = logging.getLogger(__name__)

MAX_DESCRIPTION_CHARS = 4000
MAX_CATEGORIES = 30
DRAFT_SESSION = "draft"
"""The engine cache the drafts of one model share (their instructions are the same)."""
DRAFT_PARAMS = GenerationParams(temperature=0.5, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.1,
                                max_tokens=4096, context_length=8192)
"""Sampling for a draft: some variety, little rambling. Room for the longest draft the schema allows even
from a byte-level tokenizer, which spends one token per byte (a real model's draft is a few hundred
tokens); the context is the model's own when that is smaller."""
PROGRESS_SECONDS = 0.1

INSTRUCTIONS = """\
You design custom GPTs: chat assistants with instructions of their own. The user describes the GPT they \
want. Reply with one JSON object that defines it, with these keys:
- "name": a short, catchy title of two to five words.
- "description": one sentence that tells people what the GPT does for them.
- "instructions": what the GPT must follow, written to it as "You are ...": its role, its tone, how it \
answers, and what it avoids.
- "conversation_starters": two to {starters} messages a user could send it first.
- "category": {category}
- "tags": two to {tags} single words people would search for.
Write every value in the language of the user's description."""

#: One worked example, shown to the model before the person's description (small models need one), in
#: English and in Chinese: a small model answers in the language of the example more than of the request.
EXAMPLE = (
    "A coach who helps beginners start running, three short runs a week.",
    '{"name": "Couch to Runner", "description": "Plans gentle first weeks of running and keeps beginners '
    'motivated.", "instructions": "You are a patient running coach for beginners. Ask about their fitness and '
    'free time first, then plan three short runs a week that mix walking and running. Keep answers short and '
    'encouraging. Never give medical advice; suggest seeing a doctor about pain.", "conversation_starters": '
    '["Plan my first week of running.", "How fast should I run?", "My knees hurt after running. What now?"], '
    '"category": "{category}", "tags": ["running", "fitness", "beginners"]}',
)
EXAMPLE_ZH = (
    "一个帮初学者开始跑步的教练，每周跑三次，每次时间不长。",
    '{"name": "从沙发到跑者", "description": "为跑步新手安排轻松的头几周训练，并一路鼓励。", "instructions": '
    '"你是一位耐心的跑步教练，专门指导初学者。先询问对方的体能和空闲时间，再安排每周三次、走跑结合的短时训练。'
    '回答简短、积极。不提供医疗建议；如有疼痛，建议就医。", "conversation_starters": ["帮我安排第一周的跑步计划。", '
    '"我应该跑多快？", "跑完步膝盖疼，怎么办？"], "category": "{category}", "tags": ["跑步", "健身", "初学者"]}',
)

#: A script in the description, and how to ask for answers in its language (small models need telling).
_LANGUAGE_HINTS = (
    (("HIRAGANA", "KATAKANA"), "すべての値を日本語で書いてください。"),
    (("HANGUL",), "모든 값을 한국어로 쓰세요."),
    (("CJK UNIFIED",), "所有字段都用中文写。"),
)
_CHINESE = _LANGUAGE_HINTS[-1][1]


class DraftStopped(KnownError):
    """The person stopped the draft before the model finished it."""

    def __init__(self) -> None:
        super().__init__("The draft was stopped before it was finished; nothing was filled in.")


class DraftFailed(KnownError):
    """The model's reply did not make a usable draft."""


@dataclass(frozen=True)
class Draft:
    """What a model drafted for a GPT: the fields a person then edits (and :meth:`GPTLibrary.create` takes)."""

    name: str
    description: str
    instructions: str
    starters: tuple[str, ...]
    category: str
    tags: tuple[str, ...]
    model_sha256: str
    seconds: float = 0.0
    tokens: int = 0
    """How many tokens the model wrote."""


@dataclass
class GPTDrafter:
    """Drafts GPTs with the installed models."""

    catalog: Catalog
    chat: ChatService
    params: GenerationParams = DRAFT_PARAMS
    progress_seconds: float = PROGRESS_SECONDS

    def start(self, description: str, model_key: str, *, seed: int | None = None) -> DraftRun:
        """A draft of a GPT from ``description`` with model ``model_key`` (sha256, prefix or name), not begun.

        Only the description is checked here (instantly); :meth:`DraftRun.run` does the slow part, and
        :meth:`DraftRun.cancel` may stop it from any thread.
        """
        description = description.strip()
        if not description:
            raise InvalidInput("Describe the GPT you want first: what it is for, who it talks to, how it answers.")
        if len(description) > MAX_DESCRIPTION_CHARS:
            raise InvalidInput(f"The description is longer than {MAX_DESCRIPTION_CHARS:,} characters; shorten it.")
        return DraftRun(self, description, model_key, seed)

    def draft(self, description: str, model_key: str, *, seed: int | None = None,
              progress: Callable[[int], None] | None = None) -> Draft:
        """:meth:`start` and :meth:`DraftRun.run` in one call (slow)."""
        return self.start(description, model_key, seed=seed).run(progress)

    def categories(self) -> list[str]:
        """The store's categories, most used first: a draft picks one of them (any words when there are none)."""
        return [name for name, _count in self.catalog.listing_categories() if name.strip()][:MAX_CATEGORIES]


@dataclass
class DraftRun:
    """One draft being written; :meth:`run` it on a worker thread, :meth:`cancel` it from any other."""

    drafter: GPTDrafter
    description: str
    model_key: str
    seed: int | None = None
    _stream: PreviewStream | None = None
    _cancelled: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """Stop the draft at the next token (or before it starts); :meth:`run` raises :class:`DraftStopped`."""
        self._cancelled.set()
        stream = self._stream
        if stream is not None:
            stream.cancel()

    def run(self, progress: Callable[[int], None] | None = None) -> Draft:
        """Write the draft; ``progress`` hears how many characters the model has written (every
        ``progress_seconds`` at most). A reply cut off or not a valid draft raises :class:`DraftFailed`."""
        catalog = self.drafter.catalog
        model = catalog.get_model(self.model_key)
        if model.status is not ModelStatus.INSTALLED:
            raise InvalidInput(f"The model {model.display_name!r} is not installed yet; install it, or pick another.")
        categories = self.drafter.categories()
        writer = GPT(id="local/draft", name="Draft", model_sha256=model.sha256,
                     instructions=draft_instructions(categories, self.description),
                     examples=example_turns(categories, self.description),
                     params=replace(self.drafter.params, seed=self.seed))
        self._stream = stream = self.drafter.chat.preview(
            writer, [ChatMessage(Role.USER, self.description)], session=DRAFT_SESSION,
            grammar=json_schema_grammar(draft_json_schema(categories)))
        if self._cancelled.is_set():
            raise DraftStopped()
        started = time.monotonic()
        text, result = self._collect(stream, progress)
        seconds = time.monotonic() - started
        if result is None or result.finish_reason is FinishReason.CANCELLED or self._cancelled.is_set():
            raise DraftStopped()
        log.info("drafted a GPT with %s: %d tokens in %.1fs", model.display_name, result.completion_tokens, seconds)
        if result.finish_reason is FinishReason.LENGTH:
            raise DraftFailed(f"The model stopped before the draft was complete (after {result.completion_tokens} "
                              "tokens, its limit here). Try again, or try a larger model.")
        try:
            fields = parse_draft(text, source="The model's draft")
        except BadManifest as exc:
            log.warning("unusable draft from %s: %s\n%s", model.display_name, exc, text)
            raise DraftFailed(f"{exc} Try again, or try a larger model.") from None
        if copied_example(fields.description, fields.instructions):
            raise DraftFailed(f"{model.display_name} repeated the example it was shown instead of drafting your GPT "
                              "(it is too small for the task). Try again, or try a larger model.")
        return Draft(name=fields.name, description=fields.description, instructions=fields.instructions,
                     starters=fields.conversation_starters, category=fields.category, tags=fields.tags,
                     model_sha256=model.sha256, seconds=seconds, tokens=result.completion_tokens)

    def _collect(self, stream: PreviewStream,
                 progress: Callable[[int], None] | None) -> tuple[str, ChatResult | None]:
        parts: list[str] = []
        written, last_report = 0, 0.0
        result: ChatResult | None = None
        for item in stream:
            if self._cancelled.is_set():
                stream.cancel()
            if isinstance(item, ChatChunk):
                parts.append(item.text)
                written += len(item.text)
                if progress is not None and time.monotonic() - last_report >= self.drafter.progress_seconds:
                    last_report = time.monotonic()
                    progress(written)
            elif isinstance(item, ChatResult):
                result = item
        if progress is not None:
            progress(written)
        return "".join(parts), result


def draft_instructions(categories: list[str], description: str = "") -> str:
    """What the drafting model is told, in English, with a nudge towards the description's language."""
    category = (f"one of: {', '.join(categories)}." if categories else
                "one or two words for the kind of GPT (writing, coding, learning...).")
    text = INSTRUCTIONS.format(starters=_number(MAX_STARTERS), tags=_number(MAX_TAGS), category=category)
    hint = language_hint(description)
    return f"{text}\n{hint}" if hint else text


def example_turns(categories: list[str], description: str = "") -> tuple[ChatMessage, ...]:
    """The worked example as a user turn and the model's reply (its category one the model may pick)."""
    category = next((c for c in categories if c.casefold() in ("productivity", "learning", "general")),
                    categories[0] if categories else "fitness")
    request, reply = EXAMPLE_ZH if language_hint(description) == _CHINESE else EXAMPLE
    return ChatMessage(Role.USER, request), ChatMessage(Role.ASSISTANT, reply.replace("{category}", category))


def copied_example(description: str, instructions: str) -> bool:
    """Whether a draft is the worked example again (a small model copies what it was shown)."""
    for _request, reply in (EXAMPLE, EXAMPLE_ZH):
        example = json.loads(reply.replace("{category}", "x"))
        if description == example["description"] or instructions == example["instructions"]:
            return True
    return False


def language_hint(text: str) -> str:
    """A line asking for answers in the language of ``text``, for scripts a small model is likely to miss."""
    names = [unicodedata.name(ch, "") for ch in text if ord(ch) > 0x2E7F]
    for scripts, hint in _LANGUAGE_HINTS:
        if any(name.startswith(scripts) for name in names):
            return hint
    return ""


def _number(value: int) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}.get(value, str(value))
