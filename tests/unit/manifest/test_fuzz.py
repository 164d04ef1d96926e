"""Manifest fuzzing (research plan M1): whatever goes in, the answer is a manifest or BadManifest.

Random JSON-ish values (including the classic hostile ones: traversal paths, drive and UNC names,
device names, NUL, huge and non-finite numbers, pickle file names, bad digests) replace, remove or
join fields of a valid manifest. The parser must either accept the result, which must then survive a
dump/parse round trip with every path still inside the store on POSIX and on Windows, or raise
BadManifest whose problems each carry a rule. No other exception, ever.
"""

from __future__ import annotations

import json
import ntpath
import posixpath
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import BadManifest
from app.manifest import GPTManifest, check_relative_path, dump_manifest, parse_manifest

from .samples import minimal, valid

# About 2 000 examples in all (800 + 500 + 400 + 300), a few seconds.
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY_STRINGS = [
    "", " ", "..", ".", "../x.gguf", "a/../../b.md", "/abs.gguf", "/", "C:\\x.gguf", "C:/x.gguf", "D:x.gguf",
    "\\\\host\\share\\x.gguf", "//host/share/x.gguf", "\\\\?\\C:\\x.gguf", "CON", "con.gguf", "NUL.md", "COM1",
    "lpt9.txt", "a\x00.gguf", "x.gguf.", "x.gguf ", "a" * 300 + ".gguf", "é" * 200 + ".md", "model.bin",
    "model.pt", "model.pkl", "data.npy", "model.safetensors", "a//b.gguf", "a\\b.gguf", "knowledge/guide.md",
    "知识/指南.md", "adapter.gguf", "Q4_K_M", "q4_k_m", "tiny-Q4_K_M.gguf", "1" * 64, "a" * 64, "A" * 64,
    "f" * 63, "0" * 40, "main", "sha256:" + "0" * 64, "\ud800", "0.7", "true", "null", "gptshelf/gpt@1",
    "gptshelf/gpt@2", "user", "assistant", "system", "owner/name", "a/b/c", "1.0.0", "1.0", "\u202e", "x" * 70_000,
]

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.sampled_from([0, -1, 1, 2**53, 2**53 - 1, 10**30, 10**400, 128, 1048577, 32769]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(NASTY_STRINGS),
)
json_values = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=10,
)


def node_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        paths.append((*prefix, key))
        paths.extend(node_paths(child, (*prefix, key)))
    return paths


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def mutate(data: dict[str, Any], draw: st.DataObject) -> dict[str, Any]:
    """Apply 1 to 3 random edits: replace a node, delete a node, add a key, or swap in a nasty value."""
    for _ in range(draw.draw(st.integers(1, 3), label="edits")):
        paths = node_paths(data)
        if not paths:
            break
        path = draw.draw(st.sampled_from(paths), label="path")
        parent = _get(data, path[:-1])
        action = draw.draw(st.sampled_from(["replace", "replace", "nasty", "delete", "add"]), label="action")
        if action == "replace":
            parent[path[-1]] = draw.draw(json_values, label="value")
        elif action == "nasty":
            parent[path[-1]] = draw.draw(st.sampled_from(NASTY_STRINGS), label="nasty")
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw.draw(st.text(max_size=8), label="key")] = draw.draw(json_values, label="value")
        else:
            parent.append(draw.draw(json_values, label="value"))
    return data


def inside_store(path: str) -> bool:
    """Would joining ``path`` to a store folder stay inside it, read by POSIX and by Windows rules?"""
    posix = posixpath.normpath(posixpath.join("/store", path))
    windows = ntpath.normpath(ntpath.join("C:\\store", path))
    return posix.startswith("/store/") and windows.lower().startswith("c:\\store\\")


def manifest_paths(manifest: GPTManifest) -> list[str]:
    paths = [v.file for v in manifest.model.variants] + [k.file for k in manifest.knowledge]
    paths += [x.file for x in (manifest.adapter, manifest.embedding_model) if x is not None]
    return paths + ([manifest.icon] if manifest.icon else [])


def check_outcome(data: Any, *, strict: bool) -> None:
    try:
        parsed = parse_manifest(data, strict=strict)
    except BadManifest as exc:
        assert exc.problems, "BadManifest without problems"
        for problem in exc.problems:
            assert isinstance(problem.location, str) and isinstance(problem.rule, str)
            assert problem.rule.strip(), problem
            assert "internal error" not in problem.rule, problem
        assert str(exc)
        return
    manifest = parsed.manifest
    text = dump_manifest(manifest)
    assert parse_manifest(text).manifest == manifest
    assert parse_manifest(text.encode("utf-8")).manifest == manifest
    for path in manifest_paths(manifest):
        assert inside_store(path), path


@settings(FUZZ, max_examples=800)
@given(st.data(), st.booleans(), st.booleans())
def test_fuzz_mapping_input(data: st.DataObject, strict: bool, full: bool) -> None:
    check_outcome(mutate(valid() if full else minimal(), data), strict=strict)


@settings(FUZZ, max_examples=500)
@given(st.data(), st.booleans())
def test_fuzz_json_text_input(data: st.DataObject, strict: bool) -> None:
    text = json.dumps(mutate(valid(), data), allow_nan=True, ensure_ascii=data.draw(st.booleans()))
    check_outcome(text, strict=strict)


@settings(FUZZ, max_examples=400)
@given(st.data())
def test_fuzz_raw_bytes(data: st.DataObject) -> None:
    raw = bytearray(json.dumps(valid(), ensure_ascii=False).encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        edit = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if edit == "flip" and at < len(raw):
            raw[at] ^= 1 << data.draw(st.integers(0, 7))
        elif edit == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=4))
        elif edit == "delete":
            del raw[at : at + data.draw(st.integers(1, 8))]
        else:
            del raw[at:]
    check_outcome(bytes(raw), strict=data.draw(st.booleans()))


path_parts = st.one_of(
    st.sampled_from(["..", ".", "", "CON", "nul.txt", "a", "知识", "b-c", "x ", "x.", "C:", "\\", "\\\\host", "\x00", "/"]),
    st.sampled_from(["a", "knowledge", "v1", "données", "ok_name"]),
    st.text(max_size=10),
)


@settings(FUZZ, max_examples=300)
@given(st.lists(path_parts, min_size=1, max_size=5), st.sampled_from(["/", "\\"]))
def test_fuzz_paths_never_escape_the_store(parts: list[str], sep: str) -> None:
    candidate = sep.join(parts)
    try:
        accepted = check_relative_path(candidate)
    except ValueError as exc:
        assert str(exc)
    else:
        assert inside_store(accepted), accepted
    data = valid()
    data["model"]["variants"][0]["file"] = candidate + ".gguf"
    data["knowledge"][0]["file"] = candidate + ".md"
    check_outcome(data, strict=True)
