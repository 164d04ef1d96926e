"""The eval set format: a valid set reads and writes back unchanged; each broken rule names its case and field."""

from __future__ import annotations

import json

import pytest

from app.core.entities import Role
from app.core.errors import BadEvalSet
from app.manifest.evalset import CHECK_TYPES, MAX_EVALS_BYTES, dump_eval_set, parse_eval_set

EVERY_CHECK = [
    {"type": "contains", "text": "Paris", "ignore_case": True},
    {"type": "not_contains", "text": "London"},
    {"type": "regex", "pattern": r"\bParis\b"},
    {"type": "exact", "text": "Paris"},
    {"type": "json", "schema": {"type": "object", "required": ["city"]}},
    {"type": "rouge_l", "reference": "The capital is Paris.", "min": 0.5},
    {"type": "bleu", "reference": "The capital is Paris.", "min": 20},
    {"type": "max_length", "chars": 200},
]


def eval_set(*cases: dict, **top: object) -> dict:
    return {"schema": "gptshelf/evals@1", **top, "cases": list(cases)}


def case(case_id: str = "capital", **fields: object) -> dict:
    return {"id": case_id, "prompt": "What is the capital of France?", "checks": EVERY_CHECK, **fields}


def problems(tree: object) -> list[str]:
    with pytest.raises(BadEvalSet) as caught:
        parse_eval_set(json.dumps(tree))
    return [str(p) for p in caught.value.problems]


def test_a_set_with_every_check_type_reads_and_writes_back_unchanged() -> None:
    conversation = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
                    {"role": "user", "content": "Capital of France?"}]
    parsed = parse_eval_set(json.dumps(eval_set(case(), case("chat", prompt=None, conversation=conversation),
                                                 seed=11)).replace('"prompt": null, ', ""))
    assert [c.type for c in parsed.cases[0].checks] == list(CHECK_TYPES)
    assert parsed.seed == 11 and parsed.cases[0].turns()[0].role is Role.USER
    assert [m.role for m in parsed.cases[1].turns()] == [Role.USER, Role.ASSISTANT, Role.USER]
    assert parsed.cases[1].question() == "Capital of France?"
    assert parse_eval_set(dump_eval_set(parsed)) == parsed
    assert parse_eval_set(eval_set(case())).seed == 42  # the default seed


@pytest.mark.parametrize(("check", "location", "words"), [
    ({"type": "regex", "pattern": "(unclosed"}, "cases[0] (capital).checks[0].pattern", "not a valid regular expression"),
    ({"type": "regex", "pattern": "a" * 501}, "cases[0] (capital).checks[0].pattern", "at most 500"),
    ({"type": "json", "schema": {"type": 12}}, "cases[0] (capital).checks[0].schema", "not a valid JSON Schema"),
    ({"type": "rouge_l", "reference": "x", "min": 1.5}, "cases[0] (capital).checks[0].min", "at most 1"),
    ({"type": "bleu", "reference": "x", "min": -1}, "cases[0] (capital).checks[0].min", "at least 0"),
    ({"type": "max_length", "chars": "80"}, "cases[0] (capital).checks[0].chars", "whole number"),
    ({"type": "contains"}, "cases[0] (capital).checks[0].text", "required"),
    ({"type": "similar", "text": "x"}, "cases[0] (capital).checks[0].type", "must be one of: contains"),
    ({"type": "exact", "text": "x", "fuzzy": True}, "cases[0] (capital).checks[0].fuzzy", "not a known field"),
])
def test_a_bad_check_is_named_by_case_and_field(check: dict, location: str, words: str) -> None:
    found = problems(eval_set(case(checks=[check])))
    assert len(found) == 1 and found[0].startswith(f"{location}: ") and words in found[0], found


@pytest.mark.parametrize(("tree", "expected"), [
    (eval_set(case(), case()), "cases[1] (capital).id: repeats case id 'capital'"),
    (eval_set(case("no prompt", )), "cases[0] (no prompt).id: "),
    (eval_set({"id": "q", "checks": EVERY_CHECK}), "cases[0] (q): needs either a prompt or a conversation"),
    (eval_set(case(checks=[])), "cases[0] (capital).checks: must have at least 1"),
    (eval_set(case(prompt=None, conversation=[{"role": "assistant", "content": "Hi"}])),
     "cases[0] (capital).conversation[0].role: must be 'user'"),
    (eval_set(), "cases: must have at least 1"),
    (eval_set(case(), seed=-1), "seed: must be at least 0"),
    ({"schema": "gptshelf/evals@2", "cases": [case()]}, "schema: must be one of"),
    ([case()], "(top level): must be a JSON object, not an array"),
])
def test_each_broken_rule_is_named(tree: object, expected: str) -> None:
    if isinstance(tree, dict) and tree.get("cases") and tree["cases"][0].get("prompt", "") is None:
        del tree["cases"][0]["prompt"]
    assert any(p.startswith(expected) for p in problems(tree)), problems(tree)


def test_the_file_itself_must_be_small_utf8_json_without_repeated_keys() -> None:
    for data, words in ((b"\xff{}", "not valid UTF-8"), (b'{"cases": [', "not valid JSON"),
                        (b'{"seed": 1, "seed": 2}', "has the key 'seed' twice"),
                        (b" " * (MAX_EVALS_BYTES + 1), "at most 4 MiB")):
        with pytest.raises(BadEvalSet, match=words) as caught:
            parse_eval_set(data, source="mine.json")
        assert str(caught.value).startswith("mine.json is not a valid eval set: ")
