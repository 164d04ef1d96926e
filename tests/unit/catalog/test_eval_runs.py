"""Eval runs in the catalog: kept with their cases, listed newest first for the trend, and compared."""

from __future__ import annotations

from app.core.evals import CaseResult, CheckResult, EvalComparison, EvalRun

PASS, FAIL = CheckResult("contains", True, "found"), CheckResult("regex", False, "no match", None)


def run(gpt_id: str, label: str, verdicts: dict[str, bool], sha256: str = "a" * 64) -> EvalRun:
    cases = tuple(CaseResult(case_id, f"answer to {case_id}", (PASS, PASS if ok else FAIL), tokens=3)
                  for case_id, ok in verdicts.items())
    return EvalRun.of(cases, gpt_id=gpt_id, label=label, version=label, evals_sha256=sha256, seed=7)


def test_a_run_is_kept_with_its_cases_and_totals(catalog) -> None:
    saved = catalog.save_eval_run(run("me/tiny", "0.1.0", {"a": True, "b": False}))
    assert saved.id is not None and saved.created_at.endswith("Z")
    assert (saved.total_cases, saved.passed_cases, saved.total_checks, saved.passed_checks) == (2, 1, 4, 3)
    assert saved.case("b").checks == (PASS, FAIL) and saved.case("b").output == "answer to b"
    assert catalog.get_eval_run(saved.id) == saved


def test_the_history_is_newest_first_without_cases_and_the_last_run_is_per_eval_set(catalog) -> None:
    first = catalog.save_eval_run(run("me/tiny", "0.1.0", {"a": True}))
    other_set = catalog.save_eval_run(run("me/tiny", "0.1.0", {"a": True}, sha256="b" * 64))
    second = catalog.save_eval_run(run("me/tiny", "0.2.0", {"a": False}))
    catalog.save_eval_run(run("me/other", "1.0.0", {"a": True}))
    history = catalog.list_eval_runs("me/tiny")
    assert [r.id for r in history] == [second.id, other_set.id, first.id] and history[0].cases == ()
    assert catalog.last_eval_run("me/tiny", "a" * 64) == second
    assert catalog.last_eval_run("me/tiny", "a" * 64, before=second.id) == first
    assert catalog.last_eval_run("me/none", "a" * 64) is None


def test_regressions_are_cases_that_passed_before_and_fail_now() -> None:
    before = run("me/tiny", "0.1.0", {"kept": True, "broken": True, "mended": False, "still-bad": False})
    after = run("me/tiny", "0.2.0", {"kept": True, "broken": False, "mended": True, "still-bad": False, "new": False})
    comparison = EvalComparison(current=after, baseline=before)
    assert comparison.regressions == ("broken",) and comparison.fixed == ("mended",)
    assert EvalComparison(current=after).regressions == ()
