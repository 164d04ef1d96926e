"""What an evaluation run produced: per case the output and each check's verdict, per run the totals.

Plain data shared by the runner (:mod:`app.services.evals`), the catalog that keeps the runs, the CLI
and the window. The eval set itself (cases and checks) is a file of the GPT's package, read by
:mod:`app.manifest.evalset`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """One check of one case: passed or not, why, and the score of a scored check (ROUGE-L, BLEU)."""

    kind: str
    """The check's type as the eval set names it (``contains``, ``regex``, ``rouge_l``...)."""
    passed: bool
    detail: str = ""
    """A short sentence: what was looked for and what was found."""
    score: float | None = None


@dataclass(frozen=True)
class CaseResult:
    """One case answered by one GPT version: its output and its checks."""

    case_id: str
    output: str
    checks: tuple[CheckResult, ...] = ()
    error: str = ""
    """Why no output came (the engine failed); such a case fails every check."""
    seconds: float = 0.0
    tokens: int = 0

    @property
    def passed(self) -> bool:
        return not self.error and all(c.passed for c in self.checks)

    @property
    def checks_passed(self) -> int:
        return sum(c.passed for c in self.checks) if not self.error else 0


@dataclass(frozen=True)
class EvalRun:
    """An eval set run against one GPT version (``label`` names it: ``0.2.0``, ``draft``, ``0.2.0 without
    adapter``). Runs read back as history carry their totals and no cases unless asked for."""

    gpt_id: str
    label: str
    version: str
    evals_sha256: str
    seed: int
    created_at: str = ""
    cases: tuple[CaseResult, ...] = ()
    id: int | None = None
    adapter: bool = False
    """Whether the GPT's LoRA adapter was applied."""
    cancelled: bool = False
    total_cases: int = 0
    passed_cases: int = 0
    total_checks: int = 0
    passed_checks: int = 0

    @classmethod
    def of(cls, cases: tuple[CaseResult, ...], **fields: object) -> EvalRun:
        """A run with its totals counted from ``cases``."""
        return cls(cases=cases, total_cases=len(cases), passed_cases=sum(c.passed for c in cases),
                   total_checks=sum(len(c.checks) for c in cases), passed_checks=sum(c.checks_passed for c in cases),
                   **fields)  # type: ignore[arg-type]

    def case(self, case_id: str) -> CaseResult | None:
        return next((c for c in self.cases if c.case_id == case_id), None)


@dataclass(frozen=True)
class EvalComparison:
    """The same eval set, same seed, run against a baseline and a candidate, case by case.

    ``regressions`` are the cases that passed in the baseline and fail now (what makes ``gptshelf eval``
    exit non-zero); ``fixed`` the other way round.
    """

    current: EvalRun
    baseline: EvalRun | None = None

    @property
    def regressions(self) -> tuple[str, ...]:
        return self._flips(was=True)

    @property
    def fixed(self) -> tuple[str, ...]:
        return self._flips(was=False)

    def _flips(self, *, was: bool) -> tuple[str, ...]:
        if self.baseline is None:
            return ()
        flipped = []
        for case in self.current.cases:
            before = self.baseline.case(case.case_id)
            if before is not None and before.passed is was and case.passed is not was:
                flipped.append(case.case_id)
        return tuple(flipped)
