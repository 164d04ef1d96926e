"""Reading and writing gpt.json: JSON errors, limits, strict mode, round trip, and the model helpers."""

from __future__ import annotations

import json
from collections import OrderedDict
from types import MappingProxyType

import pydantic
import pytest

from app.core.entities import ChatMessage, GenerationParams, Role
from app.core.errors import BadManifest, InvalidInput, KnownError
from app.manifest import MAX_MANIFEST_BYTES, GPTManifest, ParsedManifest, dump_manifest, parse_manifest

from .samples import Q4_SHA, Q8_SHA, minimal, problems, valid


def only(data: object, **kwargs: object) -> tuple[str, str]:
    found = problems(data, **kwargs)
    assert len(found) == 1, found
    return found[0].location, found[0].rule


def test_valid_manifest_from_text_bytes_and_mapping() -> None:
    data = valid()
    text = json.dumps(data, ensure_ascii=False)
    results = [parse_manifest(text), parse_manifest(text.encode("utf-8")), parse_manifest(data)]
    assert all(isinstance(r, ParsedManifest) and r.warnings == () for r in results)
    assert results[0].manifest == results[1].manifest == results[2].manifest
    assert results[0].manifest.knowledge[1].file == "知识/指南.md"


def test_mapping_types_other_than_dict_are_read() -> None:
    data = valid()
    data["model"] = MappingProxyType(data["model"])
    assert parse_manifest(OrderedDict(data)).manifest.model.repo == "bob/tiny-llama-GGUF"


def test_round_trip_is_exact_and_deterministic() -> None:
    for data in (valid(), minimal()):
        manifest = parse_manifest(data).manifest
        text = dump_manifest(manifest)
        again = parse_manifest(text).manifest
        assert again == manifest
        assert dump_manifest(again) == text


def test_dump_format() -> None:
    text = dump_manifest(parse_manifest(valid()).manifest)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "schema": "gptshelf/gpt@1",\n  "id": "alice/pirate-tutor",\n')
    assert "知识/指南.md" in text  # written as is, not as \\u escapes
    keys = list(json.loads(text))
    assert keys == [f.alias or name for name, f in GPTManifest.model_fields.items()]


def test_dump_leaves_out_null_optionals() -> None:
    text = dump_manifest(parse_manifest(minimal()).manifest)
    for key in ("adapter", "embedding_model", "icon", "chat_template", "min_app_version"):
        assert f'"{key}"' not in text
    assert '"parameters"' in text and '"knowledge": []' in text


def test_manifest_is_frozen() -> None:
    manifest = parse_manifest(valid()).manifest
    with pytest.raises(pydantic.ValidationError):
        manifest.name = "other"  # type: ignore[misc]
    assert isinstance(manifest.tags, tuple) and isinstance(manifest.model.variants, tuple)
    assert hash(manifest) == hash(parse_manifest(valid()).manifest)


# --- the file as a whole -----------------------------------------------------------------------


def test_invalid_json_names_line_and_column() -> None:
    text = '{\n  "schema": "gptshelf/gpt@1",\n  "id": oops\n}'
    location, rule = only(text)
    assert location == ""
    assert "is not valid JSON" in rule and "line 3, column 9" in rule


def test_bad_manifest_message_names_source_and_top_level() -> None:
    with pytest.raises(BadManifest) as caught:
        parse_manifest("{", source="downloads/gpt.json")
    assert isinstance(caught.value, KnownError)
    assert caught.value.source == "downloads/gpt.json"
    assert str(caught.value).startswith("downloads/gpt.json is not a valid GPT manifest: (top level): is not valid JSON")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("[]", "must be a JSON object, not an array"),
        ('"gpt"', "not a string"),
        ("3", "not a whole number"),
        ("null", "not null"),
        ("", "is not valid JSON"),
        (b"\xff\xfe{}", "is not valid UTF-8"),
        (b"{\"name\": \"\xc3\"}", "is not valid UTF-8"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": -Infinity}', "-Infinity is not a JSON number"),
        ('{"a": 1, "a": 2}', "the key 'a' twice"),
        ('{"model": {"repo": "x", "repo": "y"}}', "the key 'repo' twice"),
        ('{"a": ' + "9" * 5000 + "}", "more than 100 digits"),
        ('{"a": 1' + "0" * 200 + ".5}", "more than 100 digits"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a":' * 40 + "1" + "}" * 40, "nested too deeply"),
    ],
)
def test_bad_files_are_refused_at_the_top_level(data: str | bytes, words: str) -> None:
    location, rule = only(data)
    assert words in rule
    assert location == "" or "nested" in rule


def test_deep_mapping_names_where_it_got_too_deep() -> None:
    data = valid()
    deep: dict[str, object] = {}
    node = deep
    for _ in range(40):
        node["x"] = {}
        node = node["x"]  # type: ignore[assignment]
    data["colour"] = deep
    location, rule = only(data)
    assert "nested too deeply" in rule and location.startswith("colour.x.x")


def test_non_json_input_types_are_refused() -> None:
    for data in (None, 3, ["a"], object()):
        location, rule = only(data)  # type: ignore[arg-type]
        assert location == "" and rule.startswith("must be JSON text or an object")


def test_mapping_keys_must_be_strings() -> None:
    data = valid()
    data["model"][1] = "x"  # type: ignore[index]
    location, rule = only(data)
    assert location == "model" and "keys must be strings" in rule


def test_python_values_that_are_not_json_are_refused_by_field() -> None:
    data = valid()
    data["name"] = b"bytes"
    data["tags"] = {"a"}
    found = {p.location: p.rule for p in problems(data)}
    assert found["name"] == "must be a string, not a Python bytes"
    assert found["tags"] == "must be an array, not a Python set"


def test_byte_order_mark_is_accepted() -> None:
    text = json.dumps(valid())
    assert parse_manifest("\ufeff" + text).manifest == parse_manifest(b"\xef\xbb\xbf" + text.encode()).manifest


@pytest.mark.parametrize("kind", ["str", "bytes", "mapping"])
def test_size_cap(kind: str) -> None:
    data = valid()
    data["colour"] = "x" * MAX_MANIFEST_BYTES
    payload: object = {"str": json.dumps(data), "bytes": json.dumps(data).encode(), "mapping": data}[kind]
    location, rule = only(payload)
    assert location == "" and "1 MiB" in rule


def test_a_manifest_just_under_the_cap_is_read() -> None:
    data = valid()
    data["colour"] = ""
    room = MAX_MANIFEST_BYTES - len(json.dumps(data).encode())
    data["colour"] = "x" * room
    text = json.dumps(data)
    assert len(text.encode()) == MAX_MANIFEST_BYTES
    assert parse_manifest(text, strict=False).warnings == ("colour: unknown field ignored (not part of gptshelf/gpt@1)",)
    assert parse_manifest(data, strict=False).manifest.name == "Pirate tutor"


# --- strict and non-strict ---------------------------------------------------------------------


def test_unknown_top_level_key_is_an_error_in_strict_mode() -> None:
    data = valid()
    data["colour"] = "red"
    data["x-extension"] = {"a": 1}
    found = problems(data)
    assert {(p.location, p.rule) for p in found} == {
        ("colour", "is not a field of gptshelf/gpt@1 (check the spelling)"),
        ("x-extension", "is not a field of gptshelf/gpt@1 (check the spelling)"),
    }


def test_unknown_top_level_key_is_a_warning_when_not_strict(caplog: pytest.LogCaptureFixture) -> None:
    data = valid()
    data["colour"] = "red"
    with caplog.at_level("INFO", logger="app.manifest"):
        parsed = parse_manifest(data, strict=False, source="hub:alice/pirate-tutor")
    assert parsed.warnings == ("colour: unknown field ignored (not part of gptshelf/gpt@1)",)
    assert parsed.manifest == parse_manifest(valid()).manifest
    assert "hub:alice/pirate-tutor: colour: unknown field ignored" in caplog.text


def test_unknown_nested_key_is_an_error_even_when_not_strict() -> None:
    data = valid()
    data["model"]["mirror"] = "x"
    assert only(data, strict=False) == ("model.mirror", "is not a known field here (check the spelling)")


def test_non_strict_still_reports_other_problems_but_not_unknown_keys() -> None:
    data = valid()
    data["colour"] = "red"
    data["name"] = ""
    assert only(data, strict=False) == ("name", "must not be empty")


def test_a_newer_schema_is_reported_alone() -> None:
    data = valid()
    data["schema"] = "gptshelf/gpt@2"
    data["new_feature"] = {}
    data["model"] = "new shape"
    for strict in (True, False):
        location, rule = only(data, strict=strict)
        assert location == "schema" and "newer GPT Shelf" in rule


def test_the_caller_input_is_not_modified() -> None:
    data = valid()
    data["colour"] = "red"
    parse_manifest(data, strict=False)
    assert data["colour"] == "red"


def test_unexpected_bugs_are_logged_and_reported_as_bad_manifest(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(GPTManifest, "model_validate", broken)
    location, rule = only(valid())
    assert location == "" and "internal error" in rule
    assert "boom" in caplog.text and "Traceback" in caplog.text


# --- helpers -------------------------------------------------------------------------------------


def test_variant_lookup() -> None:
    manifest = parse_manifest(valid()).manifest
    assert manifest.variant().sha256 == Q4_SHA
    assert manifest.variant(None).quant == "Q4_K_M"
    assert manifest.variant("Q8_0").sha256 == Q8_SHA
    assert manifest.variant("q8_0").sha256 == Q8_SHA
    assert manifest.variant("weights/tiny-Q8_0.gguf").sha256 == Q8_SHA


def test_unknown_variant_names_the_choices() -> None:
    manifest = parse_manifest(valid()).manifest
    with pytest.raises(InvalidInput) as caught:
        manifest.variant("Q2_K")
    message = str(caught.value)
    assert "'Q2_K'" in message and "Q4_K_M (tiny-Q4_K_M.gguf)" in message and "Q8_0 (weights/tiny-Q8_0.gguf)" in message


def test_generation_params() -> None:
    manifest = parse_manifest(valid()).manifest
    assert manifest.generation_params() == GenerationParams(
        temperature=0.6, top_p=0.9, top_k=50, min_p=0.1, repeat_penalty=1.2, max_tokens=256, context_length=2048, stop=("</s>",)
    )


def test_parameter_defaults_match_the_engine_defaults() -> None:
    assert parse_manifest(minimal()).manifest.generation_params() == GenerationParams()


def test_example_messages() -> None:
    messages = parse_manifest(valid()).manifest.example_messages()
    assert messages == (
        ChatMessage(Role.SYSTEM, "Stay in character."),
        ChatMessage(Role.USER, "Hello"),
        ChatMessage(Role.ASSISTANT, "Ahoy!"),
    )
    assert all(type(m.role) is Role for m in messages)
    assert parse_manifest(minimal()).manifest.example_messages() == ()


def test_models_can_be_built_in_code() -> None:
    manifest = parse_manifest(valid()).manifest
    built = GPTManifest.model_validate(manifest.model_dump(by_alias=True))
    assert built == manifest
