"""Read and write ``gpt.json``: the only way manifests enter or leave the app.

Input is untrusted (a download, a store shard, a file a person picked), so reading is bounded before
anything else happens: at most 1 MiB, at most 32 levels of nesting, no duplicate keys (two parsers
could disagree on which one wins), no NaN/Infinity (not JSON), no absurdly long numbers. Every failure
becomes :class:`~app.core.errors.BadManifest` whose problems name the field; nothing else escapes for
bad input. An unexpected exception is a bug: it is logged with its traceback and still reported as
``BadManifest`` so one broken manifest cannot take a sync or the GUI down.

``strict`` decides what an unknown top-level key means: an error when a person checks or publishes a
manifest, a warning when the hub sync reads manifests written for a newer app. Unknown keys inside
nested objects are always errors (they are far more likely to be typos than new features).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from pydantic import ValidationError

from app.core.errors import BadManifest, FieldProblem
from app.manifest.fields import SCHEMA_ID
from app.manifest.models import GPTManifest
from app.manifest.problems import format_location, json_type, problems_from_validation_error

logger = logging.getLogger(__name__)

MAX_MANIFEST_BYTES = 1024 * 1024
MAX_DEPTH = 32
_MAX_NUMBER_CHARS = 100
_BOM = "\ufeff"


@dataclass(frozen=True)
class ParsedManifest:
    """A valid manifest and what was ignored on the way (unknown top-level keys in non-strict mode)."""

    manifest: GPTManifest
    warnings: tuple[str, ...] = ()


class _Rejected(Exception):
    """Internal: the input broke a rule before validation; carries the problems."""

    def __init__(self, location: str, rule: str) -> None:
        super().__init__(rule)
        self.problem = FieldProblem(location, rule)


def _reject(rule: str, location: str = "") -> NoReturn:
    raise _Rejected(location, rule)


def _too_large(size: int) -> NoReturn:
    _reject(f"is {size} bytes long; a manifest may be at most {MAX_MANIFEST_BYTES} bytes (1 MiB)")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            _reject(f"has the key {key!r} twice in one object; each key may appear only once")
        result[key] = value
    return result


def _no_constants(name: str) -> NoReturn:
    _reject(f"is not valid JSON: {name} is not a JSON number")


def _parse_int(digits: str) -> int:
    if len(digits) > _MAX_NUMBER_CHARS:
        _reject(f"holds a number with more than {_MAX_NUMBER_CHARS} digits")
    return int(digits)


def _parse_float(digits: str) -> float:
    if len(digits) > _MAX_NUMBER_CHARS:
        _reject(f"holds a number with more than {_MAX_NUMBER_CHARS} digits")
    return float(digits)  # an overflow gives inf, which the field then refuses by name


def _decode(data: bytes | bytearray | memoryview | str) -> str:
    if isinstance(data, str):
        if len(data) > MAX_MANIFEST_BYTES:
            _too_large(len(data))
        size = len(data.encode("utf-8", "surrogatepass"))
        if size > MAX_MANIFEST_BYTES:
            _too_large(size)
        return data.removeprefix(_BOM)
    raw = bytes(data)
    if len(raw) > MAX_MANIFEST_BYTES:
        _too_large(len(raw))
    try:
        return raw.decode("utf-8").removeprefix(_BOM)
    except UnicodeDecodeError as exc:
        _reject(f"is not valid UTF-8 text (bad byte at offset {exc.start})")


def _load_json(text: str) -> Any:
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constants,
            parse_int=_parse_int,
            parse_float=_parse_float,
        )
    except json.JSONDecodeError as exc:
        _reject(f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
    except RecursionError:
        _reject(f"is nested too deeply (at most {MAX_DEPTH} levels)")
    except ValueError as exc:  # e.g. an integer longer than Python's int/str limit
        _reject(f"holds a value that cannot be read ({exc})")


def _plain(value: Any, *, check_size: bool) -> Any:
    """Copy a decoded tree into dicts and lists, checking depth and key types.

    With ``check_size`` (for mappings handed in by code, which have no byte length) it also keeps
    a running estimate of the JSON size that never exceeds the real one, and refuses over 1 MiB.
    """
    budget = MAX_MANIFEST_BYTES
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, str | int, tuple[str | int, ...]]] = [(value, root, 0, ())]
    while stack:
        item, parent, slot, loc = stack.pop()
        if len(loc) > MAX_DEPTH:
            _reject(f"is nested too deeply (at most {MAX_DEPTH} levels)", format_location(loc[:MAX_DEPTH]))
        copy: Any
        if isinstance(item, Mapping):
            copy = {}
            for key, child in item.items():
                if not isinstance(key, str):
                    _reject(f"has a key that is {json_type(key)}; object keys must be strings", format_location(loc))
                budget -= len(key) + 3
                stack.append((child, copy, key, (*loc, key)))
        elif isinstance(item, (list, tuple)):
            copy = [None] * len(item)
            for index, child in enumerate(item):
                stack.append((child, copy, index, (*loc, index)))
        else:
            copy = item
            if isinstance(item, str):
                budget -= len(item) + 1
            elif isinstance(item, int):
                budget -= item.bit_length() // 4
        budget -= 1
        if check_size and budget < 0:
            _reject(f"is larger than {MAX_MANIFEST_BYTES} bytes (1 MiB), the most a manifest may hold")
        parent[slot] = copy
    return root[0]


def _known_keys() -> frozenset[str]:
    return frozenset(field.alias or name for name, field in GPTManifest.model_fields.items())


def _validate(tree: Any, strict: bool) -> ParsedManifest:
    if not isinstance(tree, dict):
        _reject(f"must be a JSON object, not {json_type(tree)}")
    declared = tree.get("schema")
    if isinstance(declared, str) and declared != SCHEMA_ID and declared.startswith("gptshelf/gpt@"):
        _reject(f"is a {declared!r} manifest; this app reads {SCHEMA_ID!r} (a newer GPT Shelf may read it)", "schema")
    known = _known_keys()
    unknown = [key for key in tree if key not in known]
    problems: list[FieldProblem] = []
    warnings: list[str] = []
    for key in unknown:
        del tree[key]
        if strict:
            problems.append(FieldProblem(key, f"is not a field of {SCHEMA_ID} (check the spelling)"))
        else:
            warnings.append(f"{key}: unknown field ignored (not part of {SCHEMA_ID})")
    try:
        manifest = GPTManifest.model_validate(tree)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc) + problems
    if problems:
        raise BadManifest(problems)
    return ParsedManifest(manifest, tuple(warnings))


def parse_manifest(
    data: bytes | bytearray | memoryview | str | Mapping[str, Any],
    *,
    strict: bool = True,
    source: str = "gpt.json",
) -> ParsedManifest:
    """Read a manifest from JSON text or bytes, or from an already-decoded mapping.

    Raises :class:`~app.core.errors.BadManifest` (naming ``source`` and every broken rule) for any
    input that is not a valid ``gptshelf/gpt@1`` manifest.
    """
    try:
        if isinstance(data, (bytes, bytearray, memoryview, str)):
            tree = _plain(_load_json(_decode(data)), check_size=False)
        elif isinstance(data, Mapping):
            tree = _plain(data, check_size=True)
        else:
            _reject(f"must be JSON text or an object, not {json_type(data)}")
        parsed = _validate(tree, strict)
    except _Rejected as exc:
        raise BadManifest([exc.problem], source) from None
    except BadManifest as exc:
        raise BadManifest(exc.problems, source) from None
    except Exception as exc:  # a bug: log it with its traceback, still answer as bad input
        logger.exception("Unexpected error while reading manifest %s", source)
        raise BadManifest([FieldProblem("", "could not be read because of an internal error (see the log)")], source) from exc
    for warning in parsed.warnings:
        logger.info("%s: %s", source, warning)
    return parsed


def dump_manifest(manifest: GPTManifest) -> str:
    """The manifest as JSON text: fields in schema order, 2-space indent, UTF-8 as is, ending in a newline.

    ``parse_manifest(dump_manifest(m)).manifest == m`` for every valid manifest ``m``.
    """
    data = manifest.model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


__all__ = ["MAX_DEPTH", "MAX_MANIFEST_BYTES", "ParsedManifest", "dump_manifest", "parse_manifest"]
