"""Judging one answer by one check of an eval set (:mod:`app.manifest.evalset`).

Scores come from the well-kept libraries, never re-implemented here: ROUGE-L from Google's
``rouge-score``, BLEU from ``sacrebleu``, JSON Schema from ``jsonschema``. Two choices are ours:

- ``rouge-score``'s own tokenizer keeps only ``[a-z0-9]``, so Chinese (or accented) text would score 0
  against anything; it is given a tokenizer that keeps every letter and digit and makes each Han, kana
  or Hangul character a token of its own. English scores are the library's own.
- BLEU uses sacrebleu's ``zh`` tokenizer when the reference holds Chinese, else its default ``13a``.

A ``regex`` is searched with the ``regex`` module under a time limit (:data:`REGEX_SECONDS`) on at most
:data:`MAX_SUBJECT_CHARS` of the answer: a pattern that backtracks catastrophically fails its check and
says so, instead of hanging the run. Heavy libraries are imported on first use.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from app.core.evals import CheckResult
from app.manifest.evalset import Bleu, Check, Contains, Exact, JsonCheck, MaxLength, NotContains, Regex, RougeL

REGEX_SECONDS = 0.5
MAX_SUBJECT_CHARS = 200_000
_FENCE = re.compile(r"\A```[A-Za-z0-9_-]*[ \t]*\n(.*)\n```\Z", re.DOTALL)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def judge(check: Check, output: str) -> CheckResult:
    """The verdict of ``check`` on ``output``."""
    kind = check.type
    if isinstance(check, (Contains, NotContains)):
        found = _fold(check.text, check.ignore_case) in _fold(output, check.ignore_case)
        wanted = isinstance(check, Contains)
        verb = "contains" if found else "does not contain"
        return CheckResult(kind, found is wanted, f"the answer {verb} {_quote(check.text)}")
    if isinstance(check, Regex):
        return _regex(check, output)
    if isinstance(check, Exact):
        same = _fold(output.strip(), check.ignore_case) == _fold(check.text.strip(), check.ignore_case)
        return CheckResult(kind, same, "the answer is exactly the expected text" if same else
                           f"the answer is not exactly {_quote(check.text.strip())}")
    if isinstance(check, JsonCheck):
        return _json(check, output)
    if isinstance(check, RougeL):
        score = rouge_l(output, check.reference)
        return CheckResult(kind, score >= check.min, f"ROUGE-L {score:.3f} (needs {check.min:g})", score)
    if isinstance(check, Bleu):
        score = bleu(output, check.reference)
        return CheckResult(kind, score >= check.min, f"BLEU {score:.1f} (needs {check.min:g})", score)
    if isinstance(check, MaxLength):
        length = len(output)
        return CheckResult(kind, length <= check.chars, f"{length} characters (at most {check.chars})",
                           float(length))
    raise TypeError(f"no judge for the check type {kind!r}")


def rouge_l(output: str, reference: str) -> float:
    """ROUGE-L F-measure (0 to 1) of ``output`` against ``reference``, by ``rouge-score``."""
    return float(_rouge_scorer().score(reference, output)["rougeL"].fmeasure)


def bleu(output: str, reference: str) -> float:
    """Sentence BLEU (0 to 100) of ``output`` against ``reference``, by ``sacrebleu``."""
    import sacrebleu  # noqa: PLC0415 - only when a BLEU check runs

    tokenize = "zh" if _CJK.search(reference) else "13a"
    return float(sacrebleu.sentence_bleu(output, [reference], tokenize=tokenize).score)


def _regex(check: Regex, output: str) -> CheckResult:
    import regex  # noqa: PLC0415 - only when a regex check runs

    pattern = regex.compile(check.pattern, regex.IGNORECASE if check.ignore_case else 0)
    try:
        found = pattern.search(output[:MAX_SUBJECT_CHARS], timeout=REGEX_SECONDS)
    except TimeoutError:
        return CheckResult(check.type, False, f"the pattern took longer than {REGEX_SECONDS:g} s on this answer "
                                              "(it backtracks too much); simplify it")
    if found is None:
        return CheckResult(check.type, False, f"no match for /{check.pattern}/")
    return CheckResult(check.type, True, f"matched {_quote(found.group(0))}")


def _json(check: JsonCheck, output: str) -> CheckResult:
    text = output.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    try:
        value = json.loads(text[:MAX_SUBJECT_CHARS])
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "it cannot be read"
        return CheckResult(check.type, False, f"the answer is not JSON ({reason})")
    validator = _validator(json.dumps(check.json_schema, sort_keys=True))
    error = next(iter(validator.iter_errors(value)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path)
        return CheckResult(check.type, False, f"JSON does not match the schema{f' at {where}' if where else ''}: "
                                              f"{error.message[:200]}")
    return CheckResult(check.type, True, "valid JSON matching the schema" if check.json_schema else "valid JSON")


@cache
def _validator(schema_text: str) -> Any:
    from jsonschema import validators  # noqa: PLC0415 - only when a JSON check runs

    schema = json.loads(schema_text)
    return validators.validator_for(schema)(schema)


class _Tokenizer:
    """Letters and digits (any script) as words, each Han/kana/Hangul character a word (see the docstring)."""

    def tokenize(self, text: str) -> list[str]:
        return _words().findall(text.lower())


@cache
def _words() -> Any:
    import regex  # noqa: PLC0415 - with the first ROUGE check

    return regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]|[^\W_\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+")


@cache
def _rouge_scorer() -> Any:
    from rouge_score import rouge_scorer  # noqa: PLC0415 - nltk comes with it: only when a ROUGE check runs

    return rouge_scorer.RougeScorer(["rougeL"], tokenizer=_Tokenizer())


def _fold(text: str, ignore_case: bool) -> str:
    return text.casefold() if ignore_case else text


def _quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")
