"""The draft a model writes ("Create by conversation"): its JSON Schema is the manifest's fields under tighter
limits, its patterns let through only text the manifest accepts, and reading it back trims, drops repeated
tags, cuts what came out too long and refuses what is not a draft."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import BadManifest
from app.manifest import GPTManifest, parse_manifest
from app.manifest.draft import (
    MAX_INSTRUCTIONS, MAX_NAME, MAX_STARTERS, MAX_TAGS, DraftFields, char_class, draft_json_schema, parse_draft,
)
from app.manifest.json_schema import manifest_json_schema
from tests.unit.manifest.samples import valid

DRAFT_KEYS = ["name", "description", "instructions", "conversation_starters", "category", "tags"]


def good(**changes) -> dict:
    value = {"name": "Chemistry Tutor", "description": "Explains chemistry with kitchen examples.",
             "instructions": "You are a patient tutor.\nUse kitchen examples.",
             "conversation_starters": ["Why does bread rise?"], "category": "learning", "tags": ["chemistry"]}
    value.update(changes)
    return value


def as_manifest(fields: DraftFields) -> GPTManifest:
    """The draft's fields in a whole manifest (everything else from the sample), checked by the real parser."""
    tree = valid()
    tree.update(fields.model_dump())
    return parse_manifest(tree).manifest


def strings(schema: dict) -> dict[str, dict]:
    """Each string in the schema (an array's items under the array's name)."""
    found = {}
    for key, prop in schema["properties"].items():
        found[key] = prop["items"] if prop.get("type") == "array" else prop
    return found


def test_the_schema_is_a_strict_subset_of_the_manifest_with_every_key_required_in_order():
    schema, manifest = draft_json_schema(), manifest_json_schema()
    assert list(schema["properties"]) == DRAFT_KEYS and schema["required"] == DRAFT_KEYS
    assert schema["additionalProperties"] is False
    whole = strings(manifest)
    for key, prop in strings(schema).items():
        assert prop["type"] == "string" and prop["minLength"] == 1 and prop["maxLength"] <= whole[key]["maxLength"]
        assert re.fullmatch(r"\^\[.+\]\[.+\]\{0,\d+\}\$", prop["pattern"]), key
        assert prop["pattern"].endswith(f"{{0,{prop['maxLength'] - 1}}}$"), "the pattern carries the length limit"
    assert schema["properties"]["conversation_starters"]["maxItems"] == MAX_STARTERS <= 8
    assert schema["properties"]["tags"]["maxItems"] == MAX_TAGS <= 20
    assert strings(schema)["instructions"]["maxLength"] == MAX_INSTRUCTIONS == 1000, (
        "llama.cpp refuses a repetition the converter writes out for more than 1000 characters")


def test_categories_become_an_enum_of_those_the_manifest_accepts():
    schema = draft_json_schema(["coding", "Writing", "coding", "CODING", " ", "x" * 41, "two\nlines", "learning"])
    assert schema["properties"]["category"]["enum"] == ["coding", "Writing", "learning"]
    assert "pattern" in draft_json_schema([])["properties"]["category"]


def test_char_classes_are_unicode_scalar_values_without_what_the_manifest_refuses():
    line = re.compile(char_class(((0x00, 0x1F), (0x7F, 0x9F)), ((0x22, 0x22),)))
    assert line.pattern.startswith("[\\x20-\\x21\\x23-") and line.pattern.endswith("\\uE000-\\U0010FFFF]")
    assert line.fullmatch("é") and line.fullmatch("中") and line.fullmatch("😀")
    for refused in ('"', "\n", "\x00", "\x85", "\ud800"):
        assert not line.fullmatch(refused), repr(refused)
    with_newline = re.compile(char_class(((0x00, 0x1F),), allowed=((0x0A, 0x0A),)))
    assert with_newline.fullmatch("\n") and not with_newline.fullmatch("\t")


_ESCAPE = r"\\(?:x([0-9A-F]{2})|u([0-9A-F]{4})|U([0-9A-F]{8}))"


def class_chars(char_class_text: str) -> st.SearchStrategy[str]:
    """Any character of a positive class written as the draft writes them (``[\\x20-\\x21\\u00A0]``)."""
    span = rf"{_ESCAPE}(?:-{_ESCAPE})?"
    assert re.fullmatch(rf"\[(?:{span})+\]", char_class_text), char_class_text
    spans = re.findall(span, char_class_text[1:-1])
    ranges = []
    for parts in spans:
        low = int(next(p for p in parts[:3] if p), 16)
        high = int(next((p for p in parts[3:] if p), f"{low:x}"), 16)
        ranges.append(st.integers(low, high))
    return st.one_of(ranges).map(chr)


def pattern_text(pattern: str) -> st.SearchStrategy[str]:
    """Text a draft pattern (``^[first][rest]{0,n}$``) accepts, drawn character class by character class
    (up to 40 characters, or the limit: the length limit itself is the schema's, tested above)."""
    first, rest, most = re.fullmatch(r"\^(\[[^\]]+\])(\[[^\]]+\])\{0,(\d+)\}\$", pattern).groups()
    return st.tuples(class_chars(first), st.lists(class_chars(rest), max_size=min(int(most), 40))).map(
        lambda parts: parts[0] + "".join(parts[1]))


# What a value's pattern accepts, the manifest accepts (at the draft's lengths): text built from the
# pattern's own character classes goes into every field and must validate as a whole manifest.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_whatever_the_patterns_allow_the_manifest_accepts(data):
    props = strings(draft_json_schema())
    values = {key: data.draw(pattern_text(prop["pattern"]), label=key) for key, prop in props.items()}
    for key, value in values.items():
        assert re.fullmatch(props[key]["pattern"], value), key
    draft = good(name=values["name"], description=values["description"], instructions=values["instructions"],
                 conversation_starters=[values["conversation_starters"]], category=values["category"],
                 tags=[values["tags"]])
    fields = parse_draft(json.dumps(draft, ensure_ascii=False))
    assert as_manifest(fields).name == fields.name


def test_a_draft_is_trimmed_repeated_tags_dropped_and_raw_line_breaks_read():
    text = json.dumps(good(name="  Tutor ", tags=["Chemistry", "kitchen", "chemistry", "KITCHEN", "food"]))
    text = text.replace("\\n", "\n")  # a raw line break inside the instructions, as the grammar lets a model write
    fields = parse_draft(text)
    assert fields.name == "Tutor" and fields.tags == ("Chemistry", "kitchen", "food")
    assert fields.instructions == "You are a patient tutor.\nUse kitchen examples."
    assert as_manifest(fields).conversation_starters == ("Why does bread rise?",)


def test_a_value_longer_than_its_limit_is_cut_to_it():
    """Bytes a grammar took for one character but Python decodes as several U+FFFD can overshoot a limit."""
    fields = parse_draft(json.dumps(good(name="A" + "\ufffd" * (MAX_NAME + 5))))
    assert len(fields.name) == MAX_NAME


@pytest.mark.parametrize("text, where", [
    ('{"name": "Tutor", "description": "cut off', ""),
    ("[1, 2]", ""),
    (json.dumps(good(name="")), "name"),
    (json.dumps(good(conversation_starters=[])), "conversation_starters"),
    (json.dumps(good(extra="no")), "extra"),
    (json.dumps({k: v for k, v in good().items() if k != "tags"}), "tags"),
    (json.dumps(good(name="two\u0085lines")), "name"),
])
def test_what_is_not_a_draft_is_refused_naming_the_field(text, where):
    with pytest.raises(BadManifest) as refused:
        parse_draft(text, source="The model's draft")
    assert str(refused.value).startswith("The model's draft is not a valid GPT manifest")
    assert any(p.location.startswith(where) for p in refused.value.problems), refused.value.problems
