"""``gptshelf eval GPT``: run a GPT's eval set, compare it with a baseline, and exit non-zero on a regression.

    gptshelf eval "Pocket Helper"                    # now, against the last kept run of the same eval set
    gptshelf eval "Pocket Helper" --against 0.2.0    # version 0.2.0 and the current one, side by side
    gptshelf eval "Pocket Helper" --without-adapter  # the current version with and without its adapter
    gptshelf eval "Pocket Helper" --history          # the trend of past runs

Exit status: 0 when no case that passed in the baseline fails now, :data:`REGRESSION_EXIT` when one does
(so a GPT can be put under regression tests in a script), 1 for an error (no GPT, no eval set...).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.output import Output
from app.core.evals import CaseResult, EvalComparison, EvalRun

if TYPE_CHECKING:
    from app.services.container import Services
    from app.services.evals import EvalProgress

REGRESSION_EXIT = 3
"""The exit status when a case that passed in the baseline fails now (1 stays for errors)."""


def add_parser(sub: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    ev = sub.add_parser("eval", help="run a GPT's eval set; exits 3 when a case that passed before fails now")
    ev.add_argument("gpt", help="GPT id or name")
    baseline = ev.add_mutually_exclusive_group()
    baseline.add_argument("--against", metavar="VERSION",
                          help="run this saved version too and compare (default: the last kept run)")
    baseline.add_argument("--without-adapter", action="store_true",
                          help="compare the current version with and without its LoRA adapter")
    baseline.add_argument("--history", action="store_true", help="list past runs (the trend) and run nothing")
    ev.add_argument("--set", metavar="FILE", help="an eval set file to use instead of the GPT's own")
    ev.add_argument("--seed", type=int, help="another sampling seed than the eval set's")
    ev.add_argument("--no-keep", action="store_true", help="do not keep this run in the history")
    json_flag(ev)


def run(args: argparse.Namespace, services: Services, out: Output) -> int:
    evals = services.evals
    gpt = services.gpts.get(args.gpt)
    if args.history:
        return _history(evals.history(gpt.id), out)
    eval_set, sha256 = evals.read_eval_set(Path(args.set)) if args.set else evals.eval_set_of(gpt)
    current = evals.current(gpt.id)
    report = None if out.as_json else (lambda p: _progress(out, p))
    keep = not args.no_keep
    if args.against or args.without_adapter:
        baseline = evals.version(gpt.id, args.against) if args.against else evals.without_adapter(current)
        comparison = evals.compare(eval_set, baseline, current, evals_sha256=sha256, seed=args.seed, keep=keep,
                                   progress=report)
    else:
        job = evals.start(eval_set, [current], evals_sha256=sha256, seed=args.seed, keep=keep)
        before = services.catalog.last_eval_run(gpt.id, sha256)
        comparison = EvalComparison(current=job.run(report)[0],
                                    baseline=before if before is not None and before.seed == job.seed else None)
    if out.as_json:
        out.json({"current": comparison.current, "baseline": comparison.baseline,
                  "regressions": comparison.regressions, "fixed": comparison.fixed})
    else:
        _report(comparison, out)
    return REGRESSION_EXIT if comparison.regressions else 0


def _progress(out: Output, progress: EvalProgress) -> None:
    if progress.result is not None:
        out.write(f"[{progress.done}/{progress.total}] {progress.target} {progress.case_id}: {_verdict(progress.result)}")


def _verdict(case: CaseResult | None) -> str:
    if case is None:
        return "-"
    if case.error:
        return "ERROR"
    return f"{'pass' if case.passed else 'FAIL'} {case.checks_passed}/{len(case.checks)}"


def _report(comparison: EvalComparison, out: Output) -> None:
    current, baseline = comparison.current, comparison.baseline
    runs = [r for r in (baseline, current) if r is not None]
    headers = ("CASE", *(_name(r, r is baseline) for r in runs), "WHY (NOW)")
    rows = []
    for case in current.cases:
        failed = [c.detail for c in case.checks if not c.passed] or ([case.error] if case.error else [])
        rows.append((case.case_id, *(_verdict(r.case(case.case_id)) for r in runs), "; ".join(failed)[:90]))
    out.table(rows, headers)
    for run in runs:
        out.write(f"{_name(run, run is baseline)}: {run.passed_cases}/{run.total_cases} cases, "
                  f"{run.passed_checks}/{run.total_checks} checks passed (seed {run.seed})")
    if baseline is None:
        out.write("no earlier run of this eval set to compare with; this one is the baseline from now on")
    if comparison.fixed:
        out.write(f"fixed: {', '.join(comparison.fixed)}")
    if comparison.regressions:
        out.write(f"REGRESSIONS (passed before, fail now): {', '.join(comparison.regressions)}")


def _name(run: EvalRun, is_baseline: bool) -> str:
    when = f" ({run.created_at[:16].replace('T', ' ')})" if is_baseline and run.created_at else ""
    return f"{run.label}{when}"


def _history(runs: list[EvalRun], out: Output) -> int:
    if out.as_json:
        out.json(runs)
        return 0
    if not runs:
        out.write("no eval runs yet; run one with: gptshelf eval GPT")
        return 0
    out.table([(r.id, r.created_at[:16].replace("T", " "), r.label, f"{r.passed_cases}/{r.total_cases}",
                f"{r.passed_checks}/{r.total_checks}", _bar(r), r.evals_sha256[:8]) for r in runs],
              ("RUN", "WHEN", "VERSION", "CASES", "CHECKS", "PASSED", "SET"))
    return 0


def _bar(run: EvalRun, width: int = 20) -> str:
    filled = round(width * run.passed_checks / run.total_checks) if run.total_checks else 0
    return "#" * filled + "." * (width - filled)
