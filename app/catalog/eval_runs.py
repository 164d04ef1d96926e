"""Eval runs kept in the catalog: each run's totals (for the trend) and each case's output and checks
(for the side-by-side view and for finding regressions against a later run)."""

from __future__ import annotations

import json
import sqlite3

from app.catalog import rows
from app.catalog.connections import Connections
from app.core.errors import NotFound
from app.core.plain import plain
from app.core.evals import CaseResult, CheckResult, EvalRun

_RUN = ("SELECT id, gpt_id, label, version, adapter, evals_sha256, seed, cancelled, total_cases, passed_cases, "
        "total_checks, passed_checks, created_at FROM eval_runs")


class EvalRuns:
    _conns: Connections

    def save_eval_run(self, run: EvalRun) -> EvalRun:
        """Keep ``run`` with its cases; returns it with its id and time."""
        with self._conns.write() as conn:
            now = run.created_at or rows.utc_now()
            cursor = conn.execute(
                "INSERT INTO eval_runs (gpt_id, label, version, adapter, evals_sha256, seed, cancelled, total_cases, "
                "passed_cases, total_checks, passed_checks, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.gpt_id, run.label, run.version, int(run.adapter), run.evals_sha256, run.seed, int(run.cancelled),
                 run.total_cases, run.passed_cases, run.total_checks, run.passed_checks, now),
            )
            run_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO eval_cases (run_id, position, case_id, output, checks, error, passed, seconds, tokens) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, i, c.case_id, c.output, rows.dumps([plain(k) for k in c.checks]), c.error,
                  int(c.passed), c.seconds, c.tokens) for i, c in enumerate(run.cases)],
            )
        return self.get_eval_run(run_id)

    def get_eval_run(self, run_id: int) -> EvalRun:
        """One run with its cases."""
        conn = self._conns.read()
        found = conn.execute(f"{_RUN} WHERE id = ?", (run_id,)).fetchone()
        if found is None:
            raise NotFound("eval run", run_id)
        cases = conn.execute("SELECT * FROM eval_cases WHERE run_id = ? ORDER BY position", (run_id,)).fetchall()
        return _run(found, tuple(_case(c) for c in cases))

    def list_eval_runs(self, gpt_id: str, *, limit: int = 100) -> list[EvalRun]:
        """A GPT's runs, newest first, with their totals and without their cases (the trend)."""
        found = self._conns.read().execute(f"{_RUN} WHERE gpt_id = ? ORDER BY id DESC LIMIT ?",
                                           (gpt_id, limit)).fetchall()
        return [_run(r, ()) for r in found]

    def last_eval_run(self, gpt_id: str, evals_sha256: str, *, before: int | None = None) -> EvalRun | None:
        """The newest complete run of this eval set on this GPT (older than run ``before``), with its cases."""
        found = self._conns.read().execute(
            "SELECT id FROM eval_runs WHERE gpt_id = ? AND evals_sha256 = ? AND cancelled = 0 AND id < ? "
            "ORDER BY id DESC LIMIT 1",
            (gpt_id, evals_sha256, before if before is not None else 2**62),
        ).fetchone()
        return None if found is None else self.get_eval_run(found["id"])


def _run(row: sqlite3.Row, cases: tuple[CaseResult, ...]) -> EvalRun:
    return EvalRun(id=row["id"], gpt_id=row["gpt_id"], label=row["label"], version=row["version"],
                   adapter=bool(row["adapter"]), evals_sha256=row["evals_sha256"], seed=row["seed"],
                   cancelled=bool(row["cancelled"]), total_cases=row["total_cases"],
                   passed_cases=row["passed_cases"], total_checks=row["total_checks"],
                   passed_checks=row["passed_checks"], created_at=row["created_at"], cases=cases)


def _case(row: sqlite3.Row) -> CaseResult:
    checks = tuple(rows.build(CheckResult, c) for c in json.loads(row["checks"]))
    return CaseResult(case_id=row["case_id"], output=row["output"], checks=checks, error=row["error"],
                      seconds=row["seconds"], tokens=row["tokens"])
