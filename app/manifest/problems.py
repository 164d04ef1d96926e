"""Turn pydantic's validation errors into :class:`~app.core.errors.FieldProblem` sentences.

pydantic is a detail of this package: callers see :class:`~app.core.errors.BadManifest`, each problem
naming its field as a dotted path (``model.variants[0].sha256``) and the rule it broke in words a
person who writes a manifest understands ("must be a number, not a string"). Unknown error types
fall back to pydantic's own message, so a new pydantic release degrades wording, never behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from app.core.errors import FieldProblem
from app.manifest.fields import RULES_ERROR

Loc = Sequence[str | int]


def format_location(loc: Iterable[str | int]) -> str:
    """``("model", "variants", 0, "sha256")`` -> ``"model.variants[0].sha256"``; ``()`` -> ``""``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def json_type(value: Any) -> str:
    """What a value is called in JSON terms, with an article: "a string", "null", "an array"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a Python {type(value).__name__}"


def _limit(ctx: Mapping[str, Any], key: str) -> str:
    value = ctx.get(key)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _type_rule(expected: str, value: Any) -> str:
    return f"must be {expected}, not {json_type(value)}"


def _rule(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    simple = {
        "missing": "is required",
        "extra_forbidden": "is not a known field here (check the spelling)",
        "finite_number": "must be a finite number (not NaN or infinity)",
        "string_unicode": "must be valid Unicode text (it holds a lone surrogate)",
        "too_short": f"must have at least {_limit(ctx, 'min_length')} item(s)",
        "too_long": f"must have at most {_limit(ctx, 'max_length')} items",
        "string_too_long": f"must be at most {_limit(ctx, 'max_length')} characters long",
        "greater_than": f"must be greater than {_limit(ctx, 'gt')}",
        "greater_than_equal": f"must be at least {_limit(ctx, 'ge')}",
        "less_than": f"must be less than {_limit(ctx, 'lt')}",
        "less_than_equal": f"must be at most {_limit(ctx, 'le')}",
        "enum": f"must be one of {ctx.get('expected', '')}",
        "literal_error": f"must be one of {ctx.get('expected', '')}",
    }
    if kind in simple:
        return simple[kind]
    if kind == "string_too_short":
        min_length = ctx.get("min_length", 1)
        return "must not be empty" if min_length == 1 else f"must be at least {min_length} characters long"
    if kind in ("string_type", "str_type"):
        return _type_rule("a string", value)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        if isinstance(value, float) and value.is_integer():
            return f"must be a whole number written without a decimal point ({int(value)}, not {value!r})"
        return _type_rule("a whole number", value)
    if kind in ("float_type", "float_parsing"):
        if isinstance(value, int) and not isinstance(value, bool):
            return "must be a number in range (this one is far too large)"
        return _type_rule("a number", value)
    if kind in ("bool_type", "bool_parsing"):
        return _type_rule("true or false", value)
    if kind in ("list_type", "tuple_type", "set_type"):
        return _type_rule("an array", value)
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return _type_rule("an object", value)
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        return str(cause) if cause is not None else str(error.get("msg", "is not valid"))
    message = str(error.get("msg") or "is not valid")
    return message[:1].lower() + message[1:]


def problems_from_validation_error(error: ValidationError, prefix: Loc = ()) -> list[FieldProblem]:
    """One :class:`FieldProblem` per broken rule, with locations relative to the manifest's top level."""
    problems: list[FieldProblem] = []
    for item in error.errors(include_url=False):
        loc = (*prefix, *item["loc"])
        if item["type"] == RULES_ERROR:
            for relative, rule in item["ctx"]["problems"]:
                problems.append(FieldProblem(format_location((*loc, *relative)), rule))
        else:
            problems.append(FieldProblem(format_location(loc), _rule(item)))
    return problems
