"""Hypothesis strategies for manifests that are wrong by construction, one broken rule each.

Each draw takes the valid sample manifest (tests/unit/manifest/samples.py) and breaks one field in one
of the ways docs/reliability.md lists: a wrong type, a string past its cap, a forbidden path form, a
bad digest or revision, a size or parameter out of range, an unknown key, a missing required key. The
draw also says where the refusal must point (the field's location, as BadManifest problems name it).
"""

from __future__ import annotations

import copy
import string
from typing import Any

from hypothesis import strategies as st

from tests.unit.manifest.samples import MINIMAL_KEYS, valid

Path = tuple[str | int, ...]

TEXT_CAPS: dict[Path, int] = {
    ("name",): 100, ("description",): 2000, ("category",): 50, ("instructions",): 32 * 1024,
    ("chat_template",): 64 * 1024, ("changelog",): 8 * 1024, ("conversation_starters", 0): 500,
    ("examples", 0, "content"): 8192, ("tags", 0): 40, ("parameters", "stop", 0): 64,
}
GGUF_PATHS: list[Path] = [("model", "variants", 0, "file"), ("adapter", "file"), ("embedding_model", "file")]
FILE_PATHS: list[Path] = [*GGUF_PATHS, ("knowledge", 0, "file"), ("knowledge", 1, "file"), ("icon",)]
DIGESTS: list[Path] = [("model", "variants", 0, "sha256"), ("knowledge", 0, "sha256"), ("adapter", "sha256"),
                       ("adapter", "base_sha256"), ("icon_sha256",), ("embedding_model", "sha256")]
REVISIONS: list[Path] = [("model", "revision"), ("embedding_model", "revision")]
SIZES: list[Path] = [("model", "variants", 0, "size"), ("knowledge", 0, "size"), ("icon_size",),
                     ("adapter", "size"), ("embedding_model", "size")]
NUMBERS: dict[Path, tuple[float, float]] = {
    ("parameters", "temperature"): (0, 2), ("parameters", "top_p"): (0, 1), ("parameters", "top_k"): (0, 1000),
    ("parameters", "min_p"): (0, 1), ("parameters", "repeat_penalty"): (0.5, 2),
    ("parameters", "max_tokens"): (1, 32768), ("parameters", "context_length"): (128, 1048576),
    ("adapter", "scale"): (0, 4),  # > 0: zero itself is refused
}
STRINGS: list[Path] = [("id",), ("version",), ("name",), ("model", "repo"), ("model", "default_variant"),
                       ("model", "variants", 0, "quant"), ("examples", 0, "role"), ("schema",), *FILE_PATHS]

FORBIDDEN_PATHS = [
    "", "..", ".", "../x.gguf", "a/../../b.gguf", "/abs.gguf", "/", "C:\\x.gguf", "C:/x.gguf", "D:x.gguf",
    "\\\\host\\share\\x.gguf", "//host/share/x.gguf", "\\\\?\\C:\\x.gguf", "con.gguf", "NUL.gguf", "COM1.gguf",
    "lpt9.gguf", "a\x00.gguf", "x.gguf.", "x.gguf ", "a" * 300 + ".gguf", "a//b.gguf", "a\\b.gguf",
    "./x.gguf", "x/./y.gguf", "model.bin", "model.pt", "model.pkl", "model.pth", "data.npy",
]
_PREFIXES = ["../", "/", "C:\\", "C:", "\\\\srv\\share\\", "//srv/share/", "a/../../", "./", "x/.././"]


def forbidden_path() -> st.SearchStrategy[str]:
    """Every forbidden form, and random names behind traversal, absolute, drive and UNC prefixes."""
    name = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=12)
    built = st.builds(lambda p, n: f"{p}{n}.gguf", st.sampled_from(_PREFIXES), name)
    devices = st.builds(lambda d, n: f"{n}/{d}.gguf", st.sampled_from(["CON", "prn", "Aux", "nul", "COM3", "LPT1"]),
                        name)
    return st.one_of(st.sampled_from(FORBIDDEN_PATHS), built, devices)


def _bad_digest() -> st.SearchStrategy[str]:
    hexes = st.text(alphabet="0123456789abcdef", min_size=0, max_size=100).filter(lambda s: len(s) != 64)
    other = st.text(min_size=64, max_size=64).filter(lambda s: not all(c in "0123456789abcdef" for c in s))
    return st.one_of(hexes, other, st.just("sha256:" + "0" * 64))


def _wrong_type(current: Any) -> st.SearchStrategy[Any]:
    if isinstance(current, str):
        return st.one_of(st.integers(), st.floats(), st.booleans(), st.lists(st.text(), max_size=2),
                         st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
    return st.one_of(st.text(max_size=10), st.lists(st.integers(), max_size=2), st.booleans(), st.none())


def _get(data: dict, path: Path) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: dict, path: Path, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def location(path: Path) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


@st.composite
def broken_manifest(draw: st.DrawFn) -> tuple[str, dict, str]:
    """(what was broken, the manifest, the location the refusal must name; "" for the top level)."""
    manifest = copy.deepcopy(valid())
    family = draw(st.sampled_from(["type", "huge", "path", "digest", "revision", "size", "number", "unknown",
                                   "missing"]))
    if family == "unknown":
        key = draw(st.text(min_size=1, max_size=20).filter(lambda k: k not in manifest))
        manifest[key] = draw(st.integers())
        return family, manifest, key
    if family == "missing":
        key = draw(st.sampled_from(MINIMAL_KEYS))
        del manifest[key]
        return family, manifest, key
    if family == "type":
        path = draw(st.sampled_from(STRINGS + SIZES + list(NUMBERS)))
        value = draw(_wrong_type(_get(manifest, path)))
    elif family == "huge":
        path = draw(st.sampled_from(list(TEXT_CAPS)))
        value = "x" * draw(st.integers(TEXT_CAPS[path] + 1, 4 * TEXT_CAPS[path]))
    elif family == "path":
        path = draw(st.sampled_from(FILE_PATHS))
        value = draw(forbidden_path())
    elif family == "digest":
        path = draw(st.sampled_from(DIGESTS))
        value = draw(_bad_digest())
    elif family == "revision":
        path = draw(st.sampled_from(REVISIONS))
        value = draw(st.one_of(st.sampled_from(["main", "HEAD", "v1.0", "0" * 39, "0" * 41, "g" * 40]),
                               st.text(max_size=50).filter(lambda s: len(s) != 40)))
    elif family == "size":
        path = draw(st.sampled_from(SIZES))
        value = draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=2**63), st.just(-(2**63))))
    else:
        path = draw(st.sampled_from(list(NUMBERS)))
        low, high = NUMBERS[path]
        value = draw(st.one_of(st.floats(max_value=low, exclude_max=path != ("adapter", "scale")),
                               st.floats(min_value=high, exclude_min=True),
                               st.sampled_from([float("nan"), float("inf"), float("-inf")])))
    _set(manifest, path, value)
    return family, manifest, location(path)
