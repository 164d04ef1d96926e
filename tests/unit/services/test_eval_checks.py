"""Each check type passes on the answer built for it and fails on the one built against it."""

from __future__ import annotations

import pytest

from app.manifest.evalset import CHECK_TYPES, parse_eval_set
from app.services.eval_checks import bleu, judge, rouge_l

REFERENCE = "The capital of France is Paris."

# (check, an answer it must pass, an answer it must fail)
CASES = [
    ({"type": "contains", "text": "Paris"}, "It is Paris.", "It is paris."),
    ({"type": "contains", "text": "Paris", "ignore_case": True}, "it is PARIS", "It is Lyon."),
    ({"type": "not_contains", "text": "London"}, "Paris.", "Not London."),
    ({"type": "not_contains", "text": "london", "ignore_case": True}, "Paris.", "Not LONDON."),
    ({"type": "regex", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, "2026-11-29", "29/11/2026"),
    ({"type": "regex", "pattern": "paris", "ignore_case": True}, "PARIS", "Lyon"),
    ({"type": "exact", "text": "Paris"}, "  Paris\n", "Paris."),
    ({"type": "exact", "text": "paris", "ignore_case": True}, "PARIS", "Paris, France"),
    ({"type": "json", "schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
     '```json\n{"city": "Paris"}\n```', '{"town": "Paris"}'),
    ({"type": "json", "schema": {}}, "[1, 2]", "Paris"),
    ({"type": "rouge_l", "reference": REFERENCE, "min": 0.6}, "The capital of France is Paris!", "Bananas are yellow."),
    ({"type": "bleu", "reference": REFERENCE, "min": 50}, "The capital of France is Paris.", "Paris, I think."),
    ({"type": "max_length", "chars": 10}, "Paris.", "Paris is the capital."),
]


def check_of(tree: dict):
    return parse_eval_set({"schema": "gptshelf/evals@1", "cases": [
        {"id": "c", "prompt": "?", "checks": [tree]}]}).cases[0].checks[0]


def test_every_check_type_is_covered_here() -> None:
    assert {tree["type"] for tree, _, _ in CASES} == set(CHECK_TYPES)


@pytest.mark.parametrize(("tree", "good", "bad"), CASES, ids=[f"{t['type']}-{i}" for i, (t, _, _) in enumerate(CASES)])
def test_a_check_passes_and_fails_on_the_answers_built_for_it(tree: dict, good: str, bad: str) -> None:
    check = check_of(tree)
    passed, failed = judge(check, good), judge(check, bad)
    assert passed.passed and passed.kind == tree["type"], passed
    assert not failed.passed and failed.detail, failed


def test_scores_come_with_the_verdict() -> None:
    same = judge(check_of({"type": "rouge_l", "reference": REFERENCE, "min": 1.0}), REFERENCE)
    assert same.passed and same.score == pytest.approx(1.0)
    assert judge(check_of({"type": "bleu", "reference": REFERENCE, "min": 99}), REFERENCE).score == pytest.approx(100)
    assert judge(check_of({"type": "max_length", "chars": 3}), "four").score == 4


def test_chinese_answers_are_scored_by_character_not_as_nothing() -> None:
    # rouge-score's own tokenizer drops every non-ASCII letter: both would score 0 against anything.
    assert rouge_l("巴黎是法国的首都。", "法国的首都是巴黎。") > 0.5
    assert rouge_l("巴黎是法国的首都。", "香蕉是黄色的。") < rouge_l("巴黎是法国的首都。", "法国的首都是巴黎。")
    assert bleu("法国的首都是巴黎。", "法国的首都是巴黎。") == pytest.approx(100)


def test_a_pattern_that_backtracks_forever_fails_its_check_instead_of_hanging() -> None:
    result = judge(check_of({"type": "regex", "pattern": "(a|aa)+$"}), "a" * 60 + "b")
    assert not result.passed and "took longer than" in result.detail


def test_json_that_does_not_parse_says_so() -> None:
    result = judge(check_of({"type": "json", "schema": {"type": "object"}}), '{"city": ')
    assert not result.passed and result.detail.startswith("the answer is not JSON")
    wrong = judge(check_of({"type": "json", "schema": {"type": "object", "properties": {"n": {"type": "integer"}}}}),
                  '{"n": "three"}')
    assert not wrong.passed and "at n" in wrong.detail
