"""The part of a manifest that a model drafts from a person's description ("Create by conversation").

:class:`DraftFields` holds name, description, instructions, conversation_starters, category and tags,
each typed with the manifest's own field types (:mod:`app.manifest.models`) under tighter limits, so
whatever validates here also validates as those fields of a ``gpt.json``, and cannot drift from them.

:func:`draft_json_schema` is what the engine's grammar is made from. A grammar made from a plain JSON
Schema still lets a model write escapes (``\\u0000``, ``\\t``, a lone ``\\ud800``) that decode into text
the manifest refuses, so every string gets a ``pattern`` that forbids quotes, backslashes and control
characters (the JSON text of such a string *is* its value, so the pattern means the same to the
grammar, which reads the raw text, and to any JSON Schema validator, which reads the value), starts
with a character that is not white space (so nothing is blank), and carries the length limit.
Instructions may hold line breaks: written raw inside the string, which :func:`parse_draft` accepts
(``json.loads(strict=False)``). Tags leave out commas, because the wizard lists them comma-separated.

What no grammar can say: tags unique ignoring case. :func:`parse_draft` drops repeated tags (keeping
the first) before validating, and trims white space at the ends of every value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError

from app.core.errors import BadManifest, FieldProblem
from app.manifest.fields import as_tuple, duplicate_problems, unique_items
from app.manifest.models import Category, Description, Instructions, Name, Starter, Tag, _Strict
from app.manifest.problems import problems_from_validation_error

MAX_NAME = 60
MAX_DESCRIPTION = 300
MAX_INSTRUCTIONS = 1000
MAX_STARTERS = 4
MAX_STARTER = 120
MAX_CATEGORY = 40
MAX_TAGS = 5
MAX_TAG = 24
#: At most this much JSON text is read back from a model.
MAX_DRAFT_CHARS = 64 * 1024

Span = tuple[int, int]
_SURROGATES: Span = (0xD800, 0xDFFF)
_CONTROLS = ((0x00, 0x1F), (0x7F, 0x9F))  # Unicode's Cc: what the manifest refuses in text
_QUOTE_BACKSLASH = ((0x22, 0x22), (0x5C, 0x5C))  # so no JSON escape can sneak anything in
_COMMA = ((0x2C, 0x2C),)
_NEWLINE = (0x0A, 0x0A)
#: Python's white space (``str.isspace``) beyond the control characters: a value starts with none of it.
_SPACES = ((0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F),
           (0x205F, 0x205F), (0x3000, 0x3000))


def char_class(*excluded: Sequence[Span], allowed: Sequence[Span] = ()) -> str:
    """A regex class of the Unicode scalar values outside ``excluded`` (plus ``allowed``), written as ranges.

    Positive ranges rather than ``[^...]``: llama.cpp's grammar checks the code points it decodes from a
    token's bytes without checking that they are UTF-8, and a negated class would accept what decodes to a
    surrogate or to more than U+10FFFF (bytes a random model writes; Python's decoder refuses them).
    """
    spans = sorted([*(span for group in excluded for span in group), _SURROGATES])
    keep: list[Span] = []
    start = 0
    for low, high in spans:
        if low > start:
            keep.append((start, low - 1))
        start = max(start, high + 1)
    if start <= 0x10FFFF:
        keep.append((start, 0x10FFFF))
    keep = sorted([*keep, *allowed])
    return "[" + "".join(_escape(low) if low == high else f"{_escape(low)}-{_escape(high)}" for low, high in keep) + "]"


def _escape(code: int) -> str:
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


_LINE = char_class(_CONTROLS, _QUOTE_BACKSLASH)
_TEXT = char_class(_CONTROLS, _QUOTE_BACKSLASH, allowed=(_NEWLINE,))
_TAG = char_class(_CONTROLS, _QUOTE_BACKSLASH, _COMMA)
_FIRST = char_class(_CONTROLS, _QUOTE_BACKSLASH, _SPACES)
_FIRST_TAG = char_class(_CONTROLS, _QUOTE_BACKSLASH, _SPACES, _COMMA)


class DraftFields(_Strict):
    """A GPT's name, description, instructions, starters, category and tags, as a model drafts them."""

    name: Annotated[Name, Field(max_length=MAX_NAME)]
    """A short title for the GPT."""
    description: Annotated[Description, Field(min_length=1, max_length=MAX_DESCRIPTION)]
    """One or two sentences: what the GPT is good at."""
    instructions: Annotated[Instructions, Field(min_length=1, max_length=MAX_INSTRUCTIONS)]
    """The system prompt, written to the assistant: who it is, how it answers, what it avoids."""
    conversation_starters: Annotated[
        tuple[Annotated[Starter, Field(max_length=MAX_STARTER)], ...],
        Field(min_length=1, max_length=MAX_STARTERS), BeforeValidator(as_tuple),
    ]
    """First messages a person might send."""
    category: Annotated[Category, Field(min_length=1, max_length=MAX_CATEGORY)]
    """One word or two for the kind of GPT."""
    tags: Annotated[
        tuple[Annotated[Tag, Field(max_length=MAX_TAG)], ...],
        Field(max_length=MAX_TAGS), BeforeValidator(as_tuple), unique_items("tag"),
    ]
    """A few single words people would search for."""


_CATEGORY = TypeAdapter(DraftFields.model_fields["category"].rebuild_annotation())

#: Which pattern each string takes: (first character, the others).
_KINDS = {"instructions": (_FIRST, _TEXT), "tags": (_FIRST_TAG, _TAG)}


def draft_json_schema(categories: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON Schema a drafting model's output is held to; ``categories`` (if any) is the list to pick from.

    Every key is required, in the order of :class:`DraftFields`, and every string has a pattern (see the
    module's docstring); lengths come from the model's own limits.
    """
    schema = DraftFields.model_json_schema(mode="validation")
    schema.pop("title", None)
    for key, prop in schema["properties"].items():
        prop.pop("title", None)
        first, rest = _KINDS.get(key, (_FIRST, _LINE))
        target = prop["items"] if prop.get("type") == "array" else prop
        target["pattern"] = f"^{first}{rest}{{0,{target['maxLength'] - 1}}}$"
    chosen = _clean_categories(categories)
    if chosen:
        schema["properties"]["category"] = {"type": "string", "enum": chosen,
                                            "description": schema["properties"]["category"].get("description", "")}
    return schema


def _clean_categories(categories: Sequence[str]) -> list[str]:
    """The categories a draft may pick: valid as a category, and each once."""
    chosen: list[str] = []
    for category in categories:
        value = category.strip()
        if not value or len(value) > MAX_CATEGORY or value.casefold() in (c.casefold() for c in chosen):
            continue
        try:
            _CATEGORY.validate_python(value)
        except ValidationError:
            continue
        chosen.append(value)
    return chosen


def parse_draft(text: str, *, source: str = "the draft") -> DraftFields:
    """The draft a model wrote, trimmed, repeated tags dropped, checked; :class:`BadManifest` if it is not one."""
    if len(text) > MAX_DRAFT_CHARS:
        raise BadManifest([FieldProblem("", f"is longer than {MAX_DRAFT_CHARS} characters")], source)
    try:
        raw = json.loads(text, strict=False)  # raw line breaks inside strings: see the module's docstring
    except json.JSONDecodeError as exc:
        raise BadManifest([FieldProblem("", f"is not complete JSON ({exc.msg} at character {exc.pos})")],
                          source) from None
    if not isinstance(raw, dict):
        raise BadManifest([FieldProblem("", "must be a JSON object")], source)
    cleaned = {key: _trimmed(value, _LIMITS.get(key, MAX_DRAFT_CHARS)) for key, value in raw.items()}
    if isinstance(cleaned.get("tags"), list) and all(isinstance(t, str) for t in cleaned["tags"]):
        repeated = {loc[0] for loc, _rule in duplicate_problems(cleaned["tags"], "tag")}
        cleaned["tags"] = [t for i, t in enumerate(cleaned["tags"]) if i not in repeated]
    try:
        return DraftFields.model_validate(cleaned)
    except ValidationError as exc:
        raise BadManifest(problems_from_validation_error(exc), source) from None


_LIMITS = {"name": MAX_NAME, "description": MAX_DESCRIPTION, "instructions": MAX_INSTRUCTIONS,
           "conversation_starters": MAX_STARTER, "category": MAX_CATEGORY, "tags": MAX_TAG}


def _trimmed(value: Any, limit: int) -> Any:
    """White space off both ends, and no more characters than ``limit`` (see the module's docstring)."""
    if isinstance(value, str):
        return value.strip()[:limit].strip()
    if isinstance(value, list):
        return [_trimmed(v, limit) if isinstance(v, str) else v for v in value]
    return value
