"""Each manifest rule: break it once in a valid manifest, check the field path and the rule's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.manifest import parse_manifest

from .samples import Q8_SHA, delete_path, minimal, problems, set_path, valid

H64 = "f" * 64


def put(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda data: set_path(data, path, value)


def drop(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], Any]:
    return lambda data: delete_path(data, path)


V0 = ("model", "variants", 0)
NEW_VARIANT = {"file": "other.gguf", "quant": "Q5_K_M", "size": 1, "sha256": H64}

# (mutation, location, words the rule must contain)
CASES: list[tuple[Callable[[dict[str, Any]], Any], str, str]] = [
    # schema
    (put(("schema",), "gptshelf/gpt@2"), "schema", "newer GPT Shelf"),
    (put(("schema",), "something/else"), "schema", "must be 'gptshelf/gpt@1'"),
    (put(("schema",), 1), "schema", "must be a string, not a whole number"),
    (drop(("schema",)), "schema", "is required"),
    # identity
    (drop(("id",)), "id", "is required"),
    (put(("id",), "no-slash"), "id", "owner/name"),
    (put(("id",), "a/b/c"), "id", "owner/name"),
    (put(("id",), ".a/b"), "id", "not starting with . or -"),
    (put(("id",), "a/-b"), "id", "owner/name"),
    (put(("id",), "a/" + "b" * 97), "id", "1-96 characters"),
    (put(("id",), "a/b\n"), "id", "owner/name"),
    (put(("id",), "a/b c"), "id", "owner/name"),
    (put(("version",), "1.0"), "version", "semantic version"),
    (put(("version",), "01.0.0"), "version", "semantic version"),
    (put(("version",), "1.0.0\n"), "version", "semantic version"),
    (put(("version",), "1.0.\u0661"), "version", "semantic version"),  # an Arabic-Indic digit
    (put(("version",), 1), "version", "must be a string"),
    (put(("version",), "1.0.0-" + "a" * 251), "version", "at most 256 characters"),
    (put(("name",), ""), "name", "must not be empty"),
    (put(("name",), "   "), "name", "must not be blank"),
    (put(("name",), "x" * 101), "name", "at most 100 characters"),
    (put(("name",), "two\nlines"), "name", "single line"),
    (put(("name",), "bad\ud800"), "name", "lone surrogate"),
    (put(("description",), "x" * 2001), "description", "at most 2000 characters"),
    (put(("description",), "nul\x00"), "description", "control characters"),
    (put(("author",), "x" * 101), "author", "at most 100 characters"),
    (put(("category",), "x" * 51), "category", "at most 50 characters"),
    (put(("license",), None), "license", "must be a string, not null"),
    # tags
    (put(("tags",), [f"t{i}" for i in range(21)]), "tags", "at most 20 items"),
    (put(("tags",), ["x" * 41]), "tags[0]", "at most 40 characters"),
    (put(("tags",), ["ok", ""]), "tags[1]", "must not be empty"),
    (put(("tags",), ["maths", "Maths"]), "tags[1]", "repeats tag 'Maths' (already at index 0)"),
    (put(("tags",), "maths"), "tags", "must be an array, not a string"),
    (put(("tags",), [1]), "tags[0]", "must be a string, not a whole number"),
    # icon
    (put(("icon",), "../icon.png"), "icon", "'..'"),
    (put(("icon",), "icon.svg"), "icon", "file types"),
    (put(("icon",), None), "icon_sha256", "only allowed together with icon"),
    (drop(("icon_sha256",)), "icon_sha256", "required when icon_size is given"),
    (put(("icon_size",), 0), "icon_size", "greater than 0"),
    (put(("icon_sha256",), "../x"), "icon_sha256", "64 lowercase hex"),
    # text sizes in bytes
    (put(("instructions",), "é" * 16385), "instructions", "at most 32768 bytes"),
    (put(("instructions",), "x" * 32769), "instructions", "at most 32768 characters"),
    (put(("changelog",), "€" * 2731), "changelog", "at most 8192 bytes"),
    (put(("chat_template",), "€" * 21846), "chat_template", "at most 65536 bytes"),
    (put(("chat_template",), ""), "chat_template", "must not be empty"),
    # starters and examples
    (put(("conversation_starters",), ["q"] * 9), "conversation_starters", "at most 8 items"),
    (put(("conversation_starters",), ["ok", ""]), "conversation_starters[1]", "must not be empty"),
    (put(("conversation_starters",), [" \n "]), "conversation_starters[0]", "blank"),
    (put(("conversation_starters",), ["x" * 501]), "conversation_starters[0]", "at most 500 characters"),
    (put(("examples",), [{"role": "user", "content": "x"}] * 51), "examples", "at most 50 items"),
    (put(("examples", 1, "role"), "robot"), "examples[1].role", "must be one of 'system', 'user' or 'assistant'"),
    (put(("examples", 1, "role"), "USER"), "examples[1].role", "must be one of"),
    (drop(("examples", 1, "content")), "examples[1].content", "is required"),
    (put(("examples", 1, "content"), ""), "examples[1].content", "must not be empty"),
    (put(("examples", 1, "extra"), 1), "examples[1].extra", "is not a known field"),
    # model
    (drop(("model",)), "model", "is required"),
    (put(("model",), []), "model", "must be an object, not an array"),
    (put(("model", "repo"), "nope"), "model.repo", "owner/name"),
    (put(("model", "revision"), "main"), "model.revision", "40 lowercase hex"),
    (put(("model", "revision"), "A" * 40), "model.revision", "40 lowercase hex"),
    (put(("model", "revision"), "a" * 39), "model.revision", "40 lowercase hex"),
    (put(("model", "variants"), []), "model.variants", "at least 1 item"),
    (put(("model", "variants"), [dict(NEW_VARIANT, file=f"v{i}.gguf", quant=f"Q{i}") for i in range(65)]), "model.variants", "at most 64 items"),
    (put((*V0, "sha256"), "X" * 64), "model.variants[0].sha256", "must be 64 lowercase hex characters"),
    (put((*V0, "sha256"), "a" * 63), "model.variants[0].sha256", "must be 64 lowercase hex characters"),
    (put((*V0, "sha256"), "sha256:" + "a" * 64), "model.variants[0].sha256", "must be 64 lowercase hex characters"),
    (put((*V0, "sha256"), "../../etc/passwd"), "model.variants[0].sha256", "must be 64 lowercase hex characters"),
    (put((*V0, "size"), 0), "model.variants[0].size", "must be greater than 0"),
    (put((*V0, "size"), -5), "model.variants[0].size", "must be greater than 0"),
    (put((*V0, "size"), 2**53), "model.variants[0].size", "must be at most 9007199254740991"),
    (put((*V0, "size"), 10**30), "model.variants[0].size", "must be at most"),
    (put((*V0, "size"), "1000"), "model.variants[0].size", "must be a whole number, not a string"),
    (put((*V0, "size"), 1000.0), "model.variants[0].size", "without a decimal point (1000, not 1000.0)"),
    (put((*V0, "size"), 10.5), "model.variants[0].size", "must be a whole number, not a decimal number"),
    (put((*V0, "size"), True), "model.variants[0].size", "must be a whole number, not a boolean"),
    (put((*V0, "file"), "/abs/model.gguf"), "model.variants[0].file", "absolute"),
    (put((*V0, "file"), "C:\\model.gguf"), "model.variants[0].file", "drive"),
    (put((*V0, "file"), "D:model.gguf"), "model.variants[0].file", "drive"),
    (put((*V0, "file"), "\\\\host\\share\\m.gguf"), "model.variants[0].file", "UNC"),
    (put((*V0, "file"), "../model.gguf"), "model.variants[0].file", "'..'"),
    (put((*V0, "file"), "CON.gguf"), "model.variants[0].file", "reserved"),
    (put((*V0, "file"), "model.gguf."), "model.variants[0].file", "dot or a space"),
    (put((*V0, "file"), "model\x00.gguf"), "model.variants[0].file", "control"),
    (put((*V0, "file"), "model.bin"), "model.variants[0].file", "pickle"),
    (put((*V0, "file"), "model.pt"), "model.variants[0].file", "pickle"),
    (put((*V0, "file"), "model.safetensors"), "model.variants[0].file", "GGUF files only"),
    (put((*V0, "file"), "model.txt"), "model.variants[0].file", "must end in .gguf"),
    (put((*V0, "quant"), ""), "model.variants[0].quant", "1-40 characters"),
    (put((*V0, "quant"), "Q4 K M"), "model.variants[0].quant", "1-40 characters"),
    (drop((*V0, "sha256")), "model.variants[0].sha256", "is required"),
    (put((*V0, "url"), "http://x"), "model.variants[0].url", "is not a known field"),
    (put(("model", "variants", 1, "file"), "TINY-q4_k_m.gguf"), "model.variants[1].file", "repeats file name"),
    (put(("model", "variants", 1, "quant"), "q4_k_m"), "model.variants[1].quant", "repeats quant"),
    (put(("model", "default_variant"), "Q2_K"), "model.default_variant", "must name one of the variants"),
    (put(("model", "default_variant"), ""), "model.default_variant", "must not be empty"),
    (drop(("model", "default_variant")), "model.default_variant", "is required"),
    # adapter
    (put(("adapter", "file"), "adapter.pth"), "adapter.file", "pickle"),
    (put(("adapter", "file"), "adapter.safetensors"), "adapter.file", "GGUF files only"),
    (put(("adapter", "scale"), 0), "adapter.scale", "must be greater than 0"),
    (put(("adapter", "scale"), 4.01), "adapter.scale", "must be at most 4"),
    (put(("adapter", "scale"), "1"), "adapter.scale", "must be a number, not a string"),
    (put(("adapter", "base_sha256"), "9" * 64), "adapter.base_sha256", "one of model.variants"),
    (put(("adapter", "base_sha256"), "nothex"), "adapter.base_sha256", "64 lowercase hex"),
    (drop(("adapter", "size")), "adapter.size", "is required"),
    # knowledge and embeddings
    (put(("knowledge", 0, "file"), "knowledge/run.exe"), "knowledge[0].file", "file types"),
    (put(("knowledge", 0, "file"), "knowledge/data.npy"), "knowledge[0].file", "pickle"),
    (put(("knowledge", 0, "file"), "../guide.md"), "knowledge[0].file", "'..'"),
    (put(("knowledge", 1, "file"), "Knowledge/Guide.md"), "knowledge[1].file", "repeats file name"),
    (put(("knowledge", 1, "size"), 0), "knowledge[1].size", "greater than 0"),
    (put(("knowledge",), [{"file": f"k{i}.md", "size": 1, "sha256": H64} for i in range(201)]), "knowledge", "at most 200 items"),
    (put(("knowledge",), None), "knowledge", "must be an array, not null"),
    (put(("embedding_model", "revision"), "v1.0"), "embedding_model.revision", "40 lowercase hex"),
    (put(("embedding_model", "file"), "embed.onnx"), "embedding_model.file", "must end in .gguf"),
    # parameters
    (put(("parameters", "temperature"), "0.7"), "parameters.temperature", "must be a number, not a string"),
    (put(("parameters", "temperature"), True), "parameters.temperature", "must be a number, not a boolean"),
    (put(("parameters", "temperature"), 2.5), "parameters.temperature", "must be at most 2"),
    (put(("parameters", "temperature"), -0.1), "parameters.temperature", "must be at least 0"),
    (put(("parameters", "temperature"), float("nan")), "parameters.temperature", "finite"),
    (put(("parameters", "temperature"), float("inf")), "parameters.temperature", "finite"),
    (put(("parameters", "temperature"), 10**400), "parameters.temperature", "far too large"),
    (put(("parameters", "top_p"), 1.5), "parameters.top_p", "must be at most 1"),
    (put(("parameters", "top_k"), 40.0), "parameters.top_k", "without a decimal point"),
    (put(("parameters", "top_k"), 1001), "parameters.top_k", "must be at most 1000"),
    (put(("parameters", "top_k"), -1), "parameters.top_k", "must be at least 0"),
    (put(("parameters", "min_p"), 2), "parameters.min_p", "must be at most 1"),
    (put(("parameters", "repeat_penalty"), 0.4), "parameters.repeat_penalty", "must be at least 0.5"),
    (put(("parameters", "max_tokens"), 0), "parameters.max_tokens", "must be at least 1"),
    (put(("parameters", "max_tokens"), 32769), "parameters.max_tokens", "must be at most 32768"),
    (put(("parameters", "max_tokens"), 4096), "parameters.max_tokens", "not be more than context_length (2048)"),
    (put(("parameters", "context_length"), 127), "parameters.context_length", "must be at least 128"),
    (put(("parameters", "context_length"), 2**20 + 1), "parameters.context_length", "must be at most 1048576"),
    (put(("parameters", "stop"), ["a"] * 9), "parameters.stop", "at most 8 items"),
    (put(("parameters", "stop"), ["x" * 65]), "parameters.stop[0]", "at most 64 characters"),
    (put(("parameters", "stop"), [""]), "parameters.stop[0]", "must not be empty"),
    (put(("parameters", "seed"), 1), "parameters.seed", "is not a known field"),
    (put(("parameters",), "fast"), "parameters", "must be an object, not a string"),
    # the rest
    (put(("min_app_version",), "latest"), "min_app_version", "semantic version"),
    (put(("colour",), "red"), "colour", "is not a field of gptshelf/gpt@1"),
]


@pytest.mark.parametrize(("mutate", "location", "rule"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_names_its_field_and_says_why(mutate: Callable[[dict[str, Any]], Any], location: str, rule: str) -> None:
    data = valid()
    mutate(data)
    found = problems(data)
    assert any(p.location == location and rule in p.rule for p in found), found


def test_all_problems_are_reported_at_once() -> None:
    data = valid()
    set_path(data, ("name",), "")
    set_path(data, ("model", "revision"), "main")
    set_path(data, ("parameters", "top_k"), "40")
    set_path(data, ("colour",), "red")
    locations = [p.location for p in problems(data)]
    assert sorted(locations) == ["colour", "model.revision", "name", "parameters.top_k"]


def test_the_minimal_manifest_takes_defaults() -> None:
    manifest = parse_manifest(minimal()).manifest
    assert manifest.description == "" and manifest.tags == () and manifest.knowledge == ()
    assert manifest.adapter is None and manifest.embedding_model is None and manifest.icon is None
    assert manifest.chat_template is None and manifest.min_app_version is None


@pytest.mark.parametrize("key", ["adapter", "embedding_model", "icon", "chat_template", "min_app_version"])
def test_optional_fields_may_be_null(key: str) -> None:
    data = valid()
    data[key] = None
    if key == "icon":  # its pins go with it
        del data["icon_size"], data["icon_sha256"]
    assert getattr(parse_manifest(data).manifest, key) is None


@pytest.mark.parametrize("version", ["0.0.0", "1.2.3-alpha.1", "1.0.0-0.3.7", "1.0.0-x-y-z.--", "1.0.0+20130313144700", "10.20.30-rc.1+build.5"])
def test_semver_accepts_valid_versions(version: str) -> None:
    data = valid()
    data["version"] = version
    assert parse_manifest(data).manifest.version == version


def test_numbers_may_be_whole_where_a_decimal_is_expected() -> None:
    data = valid()
    set_path(data, ("parameters", "temperature"), 1)
    set_path(data, ("adapter", "scale"), 4)
    manifest = parse_manifest(data).manifest
    assert manifest.parameters.temperature == 1.0 and manifest.adapter is not None and manifest.adapter.scale == 4.0


def test_stop_strings_may_hold_newlines_but_not_other_controls() -> None:
    data = valid()
    set_path(data, ("parameters", "stop"), ["\n\n", "\nUser:", " "])
    assert parse_manifest(data).manifest.parameters.stop == ("\n\n", "\nUser:", " ")
    set_path(data, ("parameters", "stop"), ["a\x00"])
    assert [p.location for p in problems(data)] == ["parameters.stop[0]"]


def test_default_variant_by_file_name() -> None:
    data = valid()
    set_path(data, ("model", "default_variant"), "weights/tiny-Q8_0.gguf")
    assert parse_manifest(data).manifest.variant().sha256 == Q8_SHA


def test_adapter_may_target_any_variant() -> None:
    data = valid()
    set_path(data, ("adapter", "base_sha256"), Q8_SHA)
    assert parse_manifest(data).manifest.adapter is not None
