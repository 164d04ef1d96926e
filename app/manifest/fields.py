"""The value types a manifest is made of, each with one rule and one sentence that explains it.

Every string field of the manifest uses one of these types, so no field can carry a lone surrogate
(unwritable as UTF-8), control characters where a single line is expected, or an unbounded size.
Patterns are checked with Python's ``re`` in ASCII mode (``\\d`` would otherwise accept Arabic-Indic
digits) and ``fullmatch`` (``$`` would otherwise accept a trailing newline); the JSON Schema gets the
same pattern through :class:`~pydantic.WithJsonSchema`.

Rules that span several values (unique names, cross references) raise :func:`rule_error`, whose
problems carry their own locations relative to the field, so the person is pointed at ``tags[3]``
rather than at ``tags``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from app.manifest import safe_path

SCHEMA_ID = "gptshelf/gpt@1"
#: JSON tools (JavaScript among them) keep integers exact only up to 2**53 - 1.
MAX_SIZE = 2**53 - 1

RULES_ERROR = "gptshelf_rules"
Loc = tuple[str | int, ...]


def rule_error(problems: Sequence[tuple[Loc, str]]) -> PydanticCustomError:
    """An error holding several problems, each at a location relative to the value being checked."""
    summary = "; ".join(f"{'.'.join(map(str, loc)) or 'value'}: {rule}" for loc, rule in problems)
    return PydanticCustomError(RULES_ERROR, "{summary}", {"summary": summary, "problems": tuple(problems)})


def as_tuple(value: Any) -> Any:
    """JSON arrays arrive as lists; the models hold tuples so a parsed manifest cannot be mutated."""
    return tuple(value) if isinstance(value, list) else value


def _pattern(regex: str, rule: str, description: str, max_length: int | None = None) -> Any:
    compiled = re.compile(regex, re.ASCII)
    schema: dict[str, Any] = {"type": "string", "pattern": f"^{regex}$", "description": description}
    if max_length is not None:
        schema["maxLength"] = max_length

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise ValueError(rule)
        return value

    return Annotated[str, Field(max_length=max_length), AfterValidator(check), WithJsonSchema(schema)]


def _unicode_ok(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (it holds a lone surrogate)") from None


def _line_check(value: str) -> str:
    _unicode_ok(value)
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("must be a single line without control characters")
    if value and not value.strip():
        raise ValueError("must not be blank")
    return value


def _text_check(max_bytes: int | None, not_blank: bool) -> Callable[[str], str]:
    def check(value: str) -> str:
        _unicode_ok(value)
        if not_blank and not value.strip():
            raise ValueError("must not be empty or blank")
        bad = next((ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"), None)
        if bad is not None:
            raise ValueError(f"must not contain control characters other than tab and newline (found U+{ord(bad):04X})")
        if max_bytes is not None and len(value.encode("utf-8")) > max_bytes:
            raise ValueError(f"must be at most {max_bytes} bytes long (UTF-8); it is {len(value.encode('utf-8'))}")
        return value

    return check


def line(max_chars: int, *, min_chars: int = 0) -> Any:
    """One line of text, e.g. a name or a tag."""
    return Annotated[str, Field(min_length=min_chars or None, max_length=max_chars), AfterValidator(_line_check)]


def text(
    *, max_chars: int | None = None, max_bytes: int | None = None, required: bool = False, blank_ok: bool = False
) -> Any:
    """Free text that may span lines; ``required`` means not empty and, unless ``blank_ok``, not only spaces.

    ``max_bytes`` counts UTF-8 bytes; the schema gets it as maxLength, which any text within it meets.
    """
    limit = max_chars if max_chars is not None else max_bytes
    constraint = Field(min_length=1 if required else None, max_length=limit)
    return Annotated[str, constraint, AfterValidator(_text_check(max_bytes, required and not blank_ok))]


def _path(check: Callable[[str], str], description: str, pattern: str | None = None) -> Any:
    schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": safe_path.MAX_PATH_BYTES}
    schema["description"] = description
    if pattern:
        schema["pattern"] = pattern
    return Annotated[str, AfterValidator(check), WithJsonSchema(schema)]


_PART = r"[A-Za-z0-9_][A-Za-z0-9._-]{0,95}"
_IDENT = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_SEMVER = (
    r"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)"
    rf"(?:-{_IDENT}(?:\.{_IDENT})*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)

RepoId = _pattern(
    f"{_PART}/{_PART}",
    "must look like owner/name: each part 1-96 characters of A-Z a-z 0-9 . _ -, not starting with . or -",
    "owner/name, as on the hub",
)
Sha256 = _pattern("[0-9a-f]{64}", "must be 64 lowercase hex characters (a sha256 digest)", "sha256 of the file, lowercase hex")
Revision = _pattern(
    "[0-9a-f]{40}",
    "must be a full commit hash: exactly 40 lowercase hex characters (not a branch or tag name)",
    "full 40-character commit hash the files are pinned to",
)
SemVer = _pattern(_SEMVER, "must be a semantic version like 1.2.3 (semver 2.0)", "semantic version (semver 2.0)", 256)
Quant = _pattern(
    "[A-Za-z0-9][A-Za-z0-9_.+-]{0,39}",
    "must be 1-40 characters of A-Z a-z 0-9 _ . + - (like Q4_K_M)",
    "quantisation name, like Q4_K_M",
)

FileSize = Annotated[
    int,
    Field(gt=0, le=MAX_SIZE, description="size of the file in bytes"),
]
GGUFPath = _path(safe_path.check_gguf_path, "relative path of a .gguf file, forward slashes", r"\.[Gg][Gg][Uu][Ff]$")
KnowledgePath = _path(
    safe_path.check_knowledge_path,
    "relative path of a document: " + " ".join(sorted(safe_path.KNOWLEDGE_EXTENSIONS)),
)
EvalsPath = _path(safe_path.check_evals_path, "relative path of the eval set, a .json file", r"\.json$")
IconPath = _path(safe_path.check_icon_path, "relative path of an icon: " + " ".join(sorted(safe_path.ICON_EXTENSIONS)))


def _schema_check(value: str) -> str:
    if value != SCHEMA_ID:
        raise ValueError(f"must be {SCHEMA_ID!r} (this app reads version 1 manifests; a newer app may read this one)")
    return value


SchemaId = Annotated[
    str,
    AfterValidator(_schema_check),
    WithJsonSchema({"const": SCHEMA_ID, "type": "string", "description": "format and version of this file"}),
]


def _fold(value: str) -> str:
    """Two names that the same file system would treat as one (case, Unicode normal form) fold alike."""
    return unicodedata.normalize("NFC", value).casefold()


def duplicate_problems(values: Iterable[str], what: str, *, prefix: Loc = (), suffix: Loc = ()) -> list[tuple[Loc, str]]:
    """For each value equal (ignoring case) to an earlier one, a problem at ``prefix + (index,) + suffix``."""
    seen: dict[str, int] = {}
    problems: list[tuple[Loc, str]] = []
    for index, value in enumerate(values):
        key = _fold(value)
        if key in seen:
            rule = f"repeats {what} {value!r} (already at index {seen[key]}); each {what} must be unique, ignoring case"
            problems.append(((*prefix, index, *suffix), rule))
        else:
            seen[key] = index
    return problems


def unique_items(what: str) -> AfterValidator:
    """A validator for a tuple of strings that must differ from each other, ignoring case."""

    def check(values: tuple[str, ...]) -> tuple[str, ...]:
        problems = duplicate_problems(values, what)
        if problems:
            raise rule_error(problems)
        return values

    return AfterValidator(check)
