"""A GPT's eval set (``evals.json``, schema ``gptshelf/evals@1``): cases and the checks their answers must pass.

An eval set is a file of the GPT's package, pinned in ``gpt.json`` by size and sha256 like a knowledge
file, so the cases a version was judged by travel with it. Each case is a prompt (or a short
conversation ending with the person's turn) and one or more checks on the answer:

``contains`` / ``not_contains`` (text, optionally ignoring case), ``regex`` (searched with the ``regex``
module and a time limit, so a catastrophic pattern fails its check instead of hanging the app),
``exact`` (the whole answer, ends trimmed), ``json`` (the answer parses as JSON and validates against a
JSON Schema, checked with ``jsonschema``), ``rouge_l`` / ``bleu`` (similarity to a reference answer,
computed by ``rouge-score`` / ``sacrebleu``, against a threshold) and ``max_length`` (characters).

Everything is checked when the file is read (patterns compile, schemas are valid JSON Schemas, case ids
are unique), so a run never starts on a broken set; every problem names its case (index and id) and
field. Judging an answer is :mod:`app.services.eval_checks`; running a set is :mod:`app.services.evals`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from app.core.entities import ChatMessage, Role
from app.core.errors import BadEvalSet, FieldProblem
from app.manifest.fields import as_tuple, duplicate_problems, line, rule_error, text
from app.manifest.problems import format_location, json_type, problems_from_validation_error

EVALS_SCHEMA_ID = "gptshelf/evals@1"
EVALS_FILE = "evals.json"
"""The eval set's name inside a GPT's package."""
MAX_EVALS_BYTES = 4 * 1024 * 1024
MAX_CASES = 500
MAX_CHECKS = 20
MAX_PATTERN_CHARS = 500
DEFAULT_SEED = 42
CHECK_TYPES = ("contains", "not_contains", "regex", "exact", "json", "rouge_l", "bleu", "max_length")

CaseId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Needle = text(max_chars=2000, required=True, blank_ok=True)
Reference = text(max_chars=8192, required=True)
TurnText = text(max_chars=8192, required=True)
Description = line(200)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False,
                              use_attribute_docstrings=True, populate_by_name=True)


class Contains(_Strict):
    """The answer contains ``text``."""

    type: Literal["contains"]
    text: Needle
    ignore_case: bool = False


class NotContains(_Strict):
    """The answer does not contain ``text``."""

    type: Literal["not_contains"]
    text: Needle
    ignore_case: bool = False


def _compiles(pattern: str) -> str:
    import regex  # noqa: PLC0415 - only when an eval set is read

    try:
        regex.compile(pattern)
    except regex.error as exc:
        raise ValueError(f"is not a valid regular expression ({exc})") from None
    return pattern


class Regex(_Strict):
    """The answer has a match of ``pattern`` (searched, not anchored: use ^ and $ to anchor it)."""

    type: Literal["regex"]
    pattern: Annotated[str, Field(min_length=1, max_length=MAX_PATTERN_CHARS), AfterValidator(_compiles)]
    ignore_case: bool = False


class Exact(_Strict):
    """The whole answer is ``text`` (spaces and line breaks at both ends ignored)."""

    type: Literal["exact"]
    text: Annotated[str, Field(max_length=8192)]
    ignore_case: bool = False


def _json_schema(value: dict[str, Any]) -> dict[str, Any]:
    from jsonschema import SchemaError, validators  # noqa: PLC0415 - only when an eval set is read

    try:
        validators.validator_for(value).check_schema(value)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path)
        raise ValueError(f"is not a valid JSON Schema ({exc.message}{f' at {where}' if where else ''})") from None
    return value


class JsonCheck(_Strict):
    """The answer is JSON (one surrounding Markdown code fence is allowed) that validates against ``schema``."""

    type: Literal["json"]
    json_schema: Annotated[dict[str, Any], AfterValidator(_json_schema)] = Field(default_factory=dict, alias="schema")
    """A JSON Schema (any draft jsonschema knows; 2020-12 when it names none); {} accepts any JSON."""


class RougeL(_Strict):
    """ROUGE-L F-measure of the answer against ``reference`` is at least ``min`` (0 to 1)."""

    type: Literal["rouge_l"]
    reference: Reference
    min: float = Field(ge=0, le=1)


class Bleu(_Strict):
    """Sentence BLEU (sacrebleu) of the answer against ``reference`` is at least ``min`` (0 to 100)."""

    type: Literal["bleu"]
    reference: Reference
    min: float = Field(ge=0, le=100)


class MaxLength(_Strict):
    """The answer is at most ``chars`` characters long."""

    type: Literal["max_length"]
    chars: int = Field(ge=1, le=1_000_000)


Check = Annotated[Contains | NotContains | Regex | Exact | JsonCheck | RougeL | Bleu | MaxLength,
                  Field(discriminator="type")]


class Turn(_Strict):
    """One turn of a case's conversation."""

    role: Literal["user", "assistant"]
    content: TurnText


class EvalCase(_Strict):
    """One question for the GPT: a ``prompt``, or a ``conversation`` that ends with the person's turn."""

    id: CaseId
    """Unique within the set: letters, digits, . _ - (the runs in the catalog are kept by it)."""
    description: Description = ""
    prompt: TurnText | None = None
    conversation: Annotated[tuple[Turn, ...], Field(min_length=1, max_length=20), BeforeValidator(as_tuple)] | None = None
    checks: Annotated[tuple[Check, ...], Field(min_length=1, max_length=MAX_CHECKS), BeforeValidator(as_tuple)]

    @model_validator(mode="after")
    def _one_question(self) -> EvalCase:
        if (self.prompt is None) == (self.conversation is None):
            raise rule_error([((), "needs either a prompt or a conversation (exactly one of them)")])
        if self.conversation is not None:
            problems = []
            for index, turn in enumerate(self.conversation):
                wanted = "user" if index % 2 == 0 else "assistant"
                if turn.role != wanted:
                    problems.append((("conversation", index, "role"),
                                     f"must be {wanted!r}: turns alternate, starting with the person's"))
            if self.conversation[-1].role != "user":
                problems.append((("conversation",), "must end with the person's (user) turn, which the GPT answers"))
            if problems:
                raise rule_error(problems)
        return self

    def turns(self) -> tuple[ChatMessage, ...]:
        """The case as the chat messages the GPT answers."""
        if self.prompt is not None:
            return (ChatMessage(Role.USER, self.prompt),)
        return tuple(ChatMessage(Role(t.role), t.content) for t in self.conversation or ())

    def question(self) -> str:
        """The last thing the person says (what a table shows for the case)."""
        return self.turns()[-1].content


class EvalSet(_Strict):
    """A GPT's eval set: the cases every version of it is judged by, answered with one fixed seed."""

    schema_id: Literal["gptshelf/evals@1"] = Field(alias="schema")
    """Always "gptshelf/evals@1"."""
    seed: int = Field(DEFAULT_SEED, ge=0, le=2**32 - 1)
    """The sampling seed every case is answered with, so two runs of one version answer alike."""
    cases: Annotated[tuple[EvalCase, ...], Field(min_length=1, max_length=MAX_CASES), BeforeValidator(as_tuple)]

    @model_validator(mode="after")
    def _unique(self) -> EvalSet:
        problems = duplicate_problems((c.id for c in self.cases), "case id", prefix=("cases",), suffix=("id",))
        if problems:
            raise rule_error(problems)
        return self

    def case(self, case_id: str) -> EvalCase | None:
        return next((c for c in self.cases if c.id == case_id), None)


def parse_eval_set(data: bytes | str | Mapping[str, Any], *, source: str = EVALS_FILE) -> EvalSet:
    """Read an eval set from JSON text or bytes (or a decoded mapping); :class:`BadEvalSet` names every problem."""
    tree = data if isinstance(data, Mapping) else _load(data, source)
    if not isinstance(tree, Mapping):
        raise BadEvalSet([FieldProblem("", f"must be a JSON object, not {json_type(tree)}")], source)
    try:
        return EvalSet.model_validate(dict(tree))
    except ValidationError as exc:
        raise BadEvalSet(_named(problems_from_validation_error(exc), tree), source) from None


def dump_eval_set(evals: EvalSet) -> str:
    """The set as JSON text (2-space indent, UTF-8 as is); ``parse_eval_set(dump_eval_set(s)) == s``."""
    data = evals.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=False)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _load(data: bytes | str, source: str) -> Any:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_EVALS_BYTES:
        raise BadEvalSet([FieldProblem("", f"is {len(raw)} bytes; an eval set may be at most "
                                           f"{MAX_EVALS_BYTES // 2**20} MiB")], source)
    try:
        return json.loads(raw.decode("utf-8").removeprefix("\ufeff"), object_pairs_hook=_unique_keys)
    except UnicodeDecodeError as exc:
        rule = f"is not valid UTF-8 text (bad byte at offset {exc.start})"
    except json.JSONDecodeError as exc:
        rule = f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    except RecursionError:
        rule = "is nested too deeply"
    except ValueError as exc:  # a repeated key (_unique_keys), an integer beyond Python's digit limit
        rule = str(exc)
    raise BadEvalSet([FieldProblem("", rule)], source)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"has the key {key!r} twice in one object; each key may appear only once")
        result[key] = value
    return result


def _named(problems: list[FieldProblem], tree: Mapping[str, Any]) -> list[FieldProblem]:
    """Problems with the case's id beside its index (``cases[2] (greets).checks[0]...``) and pydantic's
    union tag taken out of the path (``checks[0].regex.pattern`` -> ``checks[0].pattern``)."""
    cases = tree.get("cases")
    named = []
    for problem in problems:
        if problem.rule.startswith("must have at least") and any(
                other.location.startswith(f"{problem.location}[") for other in problems):
            continue  # pydantic counts a tuple whose items failed as empty: the items' own problems say it
        location = problem.location
        for tag in CHECK_TYPES:
            location = re.sub(rf"\]\.{tag}(?=\.|$)", "]", location)
        if location.startswith("cases[") and isinstance(cases, list):
            index_text = location[len("cases["):location.index("]")]
            index = int(index_text) if index_text.isdigit() else -1
            case = cases[index] if 0 <= index < len(cases) else None
            case_id = case.get("id") if isinstance(case, Mapping) else None
            if isinstance(case_id, str) and case_id:
                head = format_location(("cases", index))
                location = f"{head} ({case_id}){location[len(head):]}"
        rule = problem.rule
        if "expected tags" in rule or "discriminator" in rule:  # pydantic's words for a wrong or missing type
            location, rule = f"{location}.type", f"must be one of: {', '.join(CHECK_TYPES)}"
        named.append(FieldProblem(location, rule))
    return named


__all__ = ["CHECK_TYPES", "DEFAULT_SEED", "EVALS_FILE", "EVALS_SCHEMA_ID", "MAX_EVALS_BYTES", "Check", "EvalCase",
           "EvalSet", "dump_eval_set", "parse_eval_set"]
