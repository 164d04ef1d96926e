"""Run a GPT's eval set: two versions (or the wizard's draft, or with and without the adapter) side by side.

Opened from My GPTs ("Evals…") and from the wizard's Test step ("Run evals…"). The run is a Job (every
answer is a generation): its progress fills the table case by case, Stop cancels it, and closing the
dialog stops it too. Each row is a case with each side's verdict ("✓ 3/3", "✗ 1/3"); selecting a row
shows both answers and every check's reason. The Trend tab lists the kept runs of this GPT.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSplitter,
    QTableWidgetItem, QTabWidget, QTextBrowser, QVBoxLayout, QWidget,
)

from app.core.entities import GPT
from app.core.errors import KnownError
from app.core.evals import CaseResult, EvalComparison, EvalRun
from app.services.container import Services
from app.ui.jobs import Job, Jobs
from app.ui.widgets import error_label, id_table

CASE_ROLE = Qt.ItemDataRole.UserRole
_PASS, _FAIL = QColor("#2e8540"), QColor("#d64545")
NOTHING = "-"
"""The baseline choice that runs only the candidate."""
DRAFT = "draft"
WITHOUT_ADAPTER = "without adapter"


class EvalDialog(QDialog):
    """``gpt``: the saved GPT (None for a new one in the wizard); ``draft``: the wizard's unsaved draft.

    ``chosen_file`` is the eval set file the person picked here (the wizard saves it with the GPT);
    ``comparison`` the last finished run (tests and the screenshot script read both).
    """

    def __init__(self, services: Services, jobs: Jobs, gpt: GPT | None, *, draft: GPT | None = None,
                 eval_file: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.jobs, self.gpt, self.draft = services, jobs, gpt, draft
        self.chosen_file: Path | None = eval_file
        self.comparison: EvalComparison | None = None
        self.job: Job | None = None
        self._eval_job = None
        self._cases: list[str] = []
        self._set_ok = False
        name = (draft or gpt).name if (draft or gpt) else ""
        self.setWindowTitle(self.tr("Evals of {0}").format(name or self.tr("the new GPT")))
        self.resize(980, 640)

        self.set_label = QLabel()
        self.set_label.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("Choose eval set…"))
        self.choose_button.clicked.connect(self.choose_file)
        self.baseline = QComboBox()
        self.baseline.setAccessibleName(self.tr("Baseline"))
        self.candidate = QComboBox()
        self.candidate.setAccessibleName(self.tr("Candidate"))
        self.run_button = QPushButton(self.tr("Run evals"))
        self.run_button.setObjectName("primary")
        self.run_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        top = QHBoxLayout()
        top.addWidget(self.set_label, 1)
        top.addWidget(self.choose_button)
        compare = QHBoxLayout()
        compare.addWidget(QLabel(self.tr("Compare")))
        compare.addWidget(self.baseline, 1)
        compare.addWidget(QLabel(self.tr("with")))
        compare.addWidget(self.candidate, 1)
        compare.addWidget(self.run_button)
        compare.addWidget(self.stop_button)

        self.table = id_table([self.tr("Case"), self.tr("Question"), self.tr("Baseline"), self.tr("Candidate")])
        self.table.setAccessibleName(self.tr("Eval results"))
        self.table.itemSelectionChanged.connect(self._show_case)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(self.tr("Answers and checks"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(splitter, 1)
        results_layout.addWidget(self.totals)
        self.trend = id_table([self.tr("When"), self.tr("Version"), self.tr("Cases passed"), self.tr("Checks passed"),
                               self.tr("Trend")])
        self.trend.setAccessibleName(self.tr("Past eval runs"))
        self.tabs = QTabWidget()
        self.tabs.addTab(results, self.tr("Results"))
        self.tabs.addTab(self.trend, self.tr("Trend"))

        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(compare)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._fill_choices()
        self._describe_set()
        self.refresh_trend()
        self._set_busy(False)

    # --- choices ------------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        versions = [v for v in reversed(self.services.gpts.versions(self.gpt.id))] if self.gpt else []
        current = next((v.version for v in versions if v.current), None)
        adapter = self.gpt is not None and self.gpt.adapter_sha256 is not None
        self.baseline.addItem(self.tr("nothing (run one side)"), NOTHING)
        for combo in (self.baseline, self.candidate):
            if self.draft is not None and combo is self.candidate:
                combo.addItem(self.tr("the draft (not saved)"), DRAFT)
            for version in versions:
                label = self.tr("{0} (current)").format(version.version) if version.current else version.version
                combo.addItem(label, version.version)
            if adapter and current:
                combo.addItem(self.tr("{0} without its adapter").format(current), WITHOUT_ADAPTER)
        self.candidate.setCurrentIndex(0)
        if self.draft is not None and current:
            self.baseline.setCurrentIndex(self.baseline.findData(current))
        elif len(versions) > 1:
            self.baseline.setCurrentIndex(self.baseline.findData(versions[1].version))  # the version before

    def _describe_set(self) -> None:
        try:
            eval_set, _sha256 = self._eval_set()
        except KnownError as exc:
            self.set_label.setText(str(exc))
            self._set_ok = False
            self.run_button.setEnabled(False)
            return
        self._set_ok = True
        where = self.chosen_file.name if self.chosen_file else self.tr("the GPT's own eval set")
        self.set_label.setText(self.tr("{0}: {1} cases, seed {2}. Every side answers the same cases with the "
                                       "same seed.").format(where, len(eval_set.cases), eval_set.seed))
        self.run_button.setEnabled(not self.busy)

    def _eval_set(self):  # noqa: ANN202 - (EvalSet, sha256); pydantic only when the dialog opens
        evals = self.services.evals
        if self.chosen_file is not None:
            return evals.read_eval_set(self.chosen_file)
        owner = self.draft if self.draft is not None and self.draft.evals is not None else self.gpt
        if owner is None or owner.evals is None:
            raise KnownError(self.tr("This GPT has no eval set yet: choose a file (docs/evals.md shows the format)."))
        return evals.eval_set_of(owner)

    @Slot()
    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Choose eval set"), str(Path.home()),
                                                    self.tr("Eval sets (*.json)"))
        if path:
            self.use_file(Path(path))

    def use_file(self, path: Path) -> None:
        self.chosen_file = path
        self._describe_set()

    def _target(self, choice: str):  # noqa: ANN202 - an EvalTarget
        evals = self.services.evals
        if choice == DRAFT:
            return evals.draft(self.draft)
        if choice == WITHOUT_ADAPTER:
            return evals.without_adapter(evals.current(self.gpt.id))
        return evals.version(self.gpt.id, choice)

    # --- running ------------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        if self.busy:
            return
        choices = [self.baseline.currentData(), self.candidate.currentData()]
        choices = [c for c in choices if c not in (None, NOTHING)]
        try:
            eval_set, sha256 = self._eval_set()
            targets = [self._target(c) for c in choices]
            self._eval_job = self.services.evals.start(eval_set, targets, evals_sha256=sha256)
        except KnownError as exc:
            self._show_error(str(exc))
            return
        self.error.hide()
        self._cases = [c.id for c in eval_set.cases]
        self._prepare_table(eval_set, [t.label for t in targets])
        eval_job = self._eval_job
        self.job = Job(lambda report, _cancel: eval_job.run(report), name="eval run")
        self.job.signals.progress.connect(self._on_progress)
        self.job.signals.finished.connect(self._on_finished)
        self.job.signals.failed.connect(self._show_error)
        self.job.signals.done.connect(self._on_done)
        self.progress.setRange(0, eval_job.total)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Loading model…"))
        self._set_busy(True)
        self.jobs.start(self.job)

    @property
    def busy(self) -> bool:
        return self.job is not None

    @Slot()
    def stop(self) -> None:
        if self.job is not None and self._eval_job is not None:
            self.job.cancel()
            self._eval_job.cancel()
            self.progress.setFormat(self.tr("Stopping…"))

    def done(self, result: int) -> None:
        """However the dialog closes, a run in progress is stopped (it keeps nothing)."""
        self.stop()
        super().done(result)

    def _prepare_table(self, eval_set, labels: list[str]) -> None:  # noqa: ANN001 - an EvalSet
        headers = [self.tr("Case"), self.tr("Question"), *labels]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(eval_set.cases))
        for row, case in enumerate(eval_set.cases):
            first = QTableWidgetItem(case.id)
            first.setData(CASE_ROLE, case.id)
            self.table.setItem(row, 0, first)
            self.table.setItem(row, 1, QTableWidgetItem(" ".join(case.question().split())[:120]))
            for column in range(2, len(headers)):
                self.table.setItem(row, column, QTableWidgetItem("…"))
        self.detail.clear()
        self.totals.clear()

    @Slot(object)
    def _on_progress(self, progress: object) -> None:
        done, total = getattr(progress, "done", 0), getattr(progress, "total", 0)
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("{0} of {1} answers · {2}: {3}").format(
            done, total, getattr(progress, "target", ""), getattr(progress, "case_id", "")))
        result = getattr(progress, "result", None)
        if isinstance(result, CaseResult) and self._cases:
            column = 2 + (done - 1) // len(self._cases)
            self._set_verdict(self._cases.index(result.case_id), column, result)

    def _set_verdict(self, row: int, column: int, case: CaseResult | None) -> None:
        if case is None:
            item = QTableWidgetItem(NOTHING)
        else:
            mark = "✓" if case.passed else "✗"
            text = self.tr("error") if case.error else f"{case.checks_passed}/{len(case.checks)}"
            item = QTableWidgetItem(f"{mark} {text}")
            item.setForeground(QBrush(_PASS if case.passed else _FAIL))
            item.setToolTip(case.output[:500])
        self.table.setItem(row, column, item)

    @Slot(object)
    def _on_finished(self, runs: object) -> None:
        runs = list(runs) if isinstance(runs, list) else []
        if not runs:
            return
        comparison = EvalComparison(current=runs[-1], baseline=runs[0] if len(runs) > 1 else None)
        self.show_comparison(comparison)
        self.refresh_trend()

    def show_comparison(self, comparison: EvalComparison) -> None:
        """Fill the table and the totals from a finished comparison."""
        self.comparison = comparison
        runs = [r for r in (comparison.baseline, comparison.current) if r is not None]
        for row, case_id in enumerate(self._cases or [c.case_id for c in comparison.current.cases]):
            for index, run in enumerate(runs):
                self._set_verdict(row, 2 + index, run.case(case_id))
        lines = [self.tr("{0}: {1} of {2} cases passed, {3} of {4} checks").format(
            r.label, r.passed_cases, r.total_cases, r.passed_checks, r.total_checks) for r in runs]
        if comparison.regressions:
            lines.append(self.tr("Regressions (passed in {0}, fail in {1}): {2}").format(
                runs[0].label, runs[-1].label, ", ".join(comparison.regressions)))
        if comparison.fixed:
            lines.append(self.tr("Fixed: {0}").format(", ".join(comparison.fixed)))
        if comparison.baseline is not None and not comparison.regressions:
            lines.append(self.tr("No regressions."))
        self.totals.setText("\n".join(lines))
        if self.table.rowCount():
            self.table.selectRow(0)

    @Slot(str)
    def _show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.show()

    @Slot()
    def _on_done(self) -> None:
        self.job = None
        self._eval_job = None
        self._set_busy(False)
        self.progress.setFormat(self.tr("Done.") if self.comparison else self.tr("Stopped."))

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy and self._set_ok)
        self.stop_button.setEnabled(busy)
        self.choose_button.setEnabled(not busy)
        self.baseline.setEnabled(not busy)
        self.candidate.setEnabled(not busy)

    # --- reading --------------------------------------------------------------------------------
    @Slot()
    def _show_case(self) -> None:
        items = self.table.selectedItems()
        if not items or self.comparison is None:
            return
        case_id = items[0].data(CASE_ROLE)
        runs = [r for r in (self.comparison.baseline, self.comparison.current) if r is not None]
        parts = []
        for run in runs:
            case = run.case(case_id)
            if case is None:
                continue
            checks = "".join(
                f"<li style='color:{(_PASS if c.passed else _FAIL).name()}'>{'✓' if c.passed else '✗'} "
                f"{html.escape(c.kind)}: {html.escape(c.detail)}</li>" for c in case.checks)
            error = f"<p style='color:{_FAIL.name()}'>{html.escape(case.error)}</p>" if case.error else ""
            parts.append(f"<h4>{html.escape(run.label)}</h4><pre style='white-space:pre-wrap'>"
                         f"{html.escape(case.output)}</pre>{error}<ul>{checks}</ul>")
        self.detail.setHtml("".join(parts))

    def refresh_trend(self) -> None:
        runs: list[EvalRun] = self.services.evals.history(self.gpt.id) if self.gpt is not None else []
        self.trend.setRowCount(len(runs))
        for row, run in enumerate(runs):
            share = run.passed_checks / run.total_checks if run.total_checks else 0.0
            bar = "█" * round(share * 20) + "░" * (20 - round(share * 20))
            cells = (run.created_at[:16].replace("T", " "), run.label, f"{run.passed_cases}/{run.total_cases}",
                     f"{run.passed_checks}/{run.total_checks}", f"{bar} {share:.0%}")
            for column, text in enumerate(cells):
                self.trend.setItem(row, column, QTableWidgetItem(text))
