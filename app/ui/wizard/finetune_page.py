"""Step 6, Fine-tune (optional): teach the GPT's model your own examples with a LoRA adapter.

Choose a data file and the step checks it at once (every bad line named), with the base model's own
tokenizer and the GPT's chat template, and shows how many examples and tokens it holds and about how long
and how much memory training takes. Start runs the training child (:mod:`app.finetune.runner`) in a Job;
each step's loss reaches the curve through the Job's queued progress signal. Cancel saves a checkpoint and
Resume continues from it. At the end the validation perplexity is measured through llama.cpp with and
without the adapter, and the adapter is put into the store; when the GPT has an eval set (its own, or the
file chosen in the Test step's evals dialog) the same Job then runs it on the draft as it is and with the
adapter, same seed, with progress (Cancel stops it too), and shows the passes before and after next to the
perplexity. "Use the adapter" makes it part of the draft, so the Test step chats with it and Save keeps it.

Without the ``finetune`` extra (torch, transformers, peft) the step says how to install it and stays
skippable; nothing of the extra is imported by the app itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox, QDoubleSpinBox, QFileDialog, QFormLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
    QSpinBox, QVBoxLayout, QWidget,
)

from app.core.errors import KnownError
from app.core.memory import human
from app.ui.jobs import Job
from app.ui.widgets import error_label
from app.ui.wizard.common import DraftPage, widget_row
from app.ui.wizard.loss_chart import LossChart

if TYPE_CHECKING:
    from app.core.entities import GPT
    from app.services.evals import EvalProgress
    from app.services.finetune import Evaluation, EvalsBeforeAfter, PreparedRun, RunFolder, TrainingEvent, TrainingOptions
    from app.ui.wizard.wizard import GPTWizard

log = logging.getLogger(__name__)

DATA_FILTER = "*.jsonl *.json *.csv *.tsv *.txt *.md"


class FinetunePage(DraftPage):
    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Fine-tune"))
        self.setSubTitle(self.tr("Teach the model your own examples with a LoRA adapter (optional; skip with Next)."))
        original = wizard.original
        self.adapter_sha256: str | None = None
        self.base_sha256: str | None = None
        self.prepared: PreparedRun | None = None
        self.evaluation: Evaluation | None = None
        self.evals_stopped = False
        """Whether the last run's eval comparison was cancelled (the perplexity and adapter stand)."""
        self.job: Job | None = None
        self.training: Any = None  # the FinetuneJob whose child is running, then the EvalJob (set on the Job's thread)
        self.cancel_asked = threading.Event()
        """Cancel was pressed during this run: also stops the eval set when pressed while perplexity is measured."""
        self.busy_training = False
        self._check_again = False
        self._checked = False

        self.unavailable = QLabel()
        self.unavailable.setObjectName("pageNote")
        self.unavailable.setWordWrap(True)
        self.unavailable.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unavailable.hide()

        self.data_path = QLineEdit()
        self.data_path.setReadOnly(True)
        self.data_path.setPlaceholderText(self.tr("JSONL chats or prompt/completion, CSV question/answer, or text"))
        self.data_path.setAccessibleName(self.tr("Training data file"))
        self.choose_button = QPushButton(self.tr("Choose data…"))
        self.choose_button.clicked.connect(self.choose_data)
        self.epochs = _spin(1, 50, 3)
        self.rank = _spin(1, 256, 8)
        self.max_length = _spin(32, 8192, 512)
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setDecimals(5)
        self.learning_rate.setRange(0.00001, 0.1)
        self.learning_rate.setSingleStep(0.0001)
        self.learning_rate.setValue(0.0002)
        for box, name in ((self.epochs, self.tr("Epochs")), (self.rank, self.tr("LoRA rank")),
                          (self.max_length, self.tr("Max length")), (self.learning_rate, self.tr("Learning rate"))):
            box.setAccessibleName(name)
            box.valueChanged.connect(self._options_changed)
        self.recheck = QTimer(self)
        self.recheck.setSingleShot(True)
        self.recheck.setInterval(600)  # one check after the person stops changing the options
        self.recheck.timeout.connect(self._prepare)
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.report_error = error_label()

        self.start_button = QPushButton(self.tr("Start training"))
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel training"))
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Training progress"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.chart = LossChart()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.use_adapter = QCheckBox(self.tr("Use the adapter in this GPT"))
        self.use_adapter.toggled.connect(lambda _on: self.changed("adapter"))
        self.use_adapter.hide()
        if original is not None and original.adapter_sha256:
            self.result.setText(self.tr("This GPT already has an adapter; training a new one replaces it if you "
                                        "choose to use it."))

        self.controls = QWidget()
        form = QFormLayout(self.controls)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("&Data:"), widget_row(self.data_path, self.choose_button))
        form.addRow(self.tr("Options:"), widget_row(QLabel(self.tr("epochs")), self.epochs, QLabel(self.tr("rank")),
                                                    self.rank, QLabel(self.tr("max length")), self.max_length,
                                                    QLabel(self.tr("learning rate")), self.learning_rate))
        form.addRow(self.report)
        form.addRow(self.report_error)
        form.addRow(widget_row(self.start_button, self.cancel_button))
        form.addRow(self.progress)
        form.addRow(self.status)
        layout = QVBoxLayout(self)
        layout.addWidget(self.unavailable)
        layout.addWidget(self.controls)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.result)
        layout.addWidget(self.use_adapter)
        layout.addWidget(self.page_error)
        self._update_buttons()

    # --- availability -----------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Whether the extra is installed is checked when the step is first shown, not when the wizard opens."""
        if self._checked:
            return
        self._checked = True
        missing = self.gpt_wizard.services.finetune.missing_packages()
        if missing:
            self.unavailable.setText(self.tr(
                "Fine-tuning needs {0}, which are not installed. Install them with\n\n    {1}\n\nthen restart "
                "GPT Shelf. You can skip this step; the rest of the GPT works without it.").format(
                    ", ".join(missing), 'pip install "gptshelf[finetune]"'))
            self.unavailable.show()
            self.controls.hide()
            self.chart.hide()

    @property
    def available(self) -> bool:
        return self._checked and self.unavailable.isHidden()

    # --- the data ---------------------------------------------------------------------------------
    @Slot()
    def choose_data(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Choose training data"), str(Path.home()),
                                                    self.tr("Training data ({0});;All files (*)").format(DATA_FILTER))
        if path:
            self.set_data(Path(path))

    def options(self) -> TrainingOptions:
        from app.services.finetune import TrainingOptions  # noqa: PLC0415 - with the step, not the wizard

        return replace(TrainingOptions(), epochs=self.epochs.value(), rank=self.rank.value(),
                       alpha=float(self.rank.value() * 2), max_length=self.max_length.value(),
                       learning_rate=self.learning_rate.value())

    def set_data(self, path: Path) -> None:
        """Check ``path`` with the current options (in a Job): the report, or every bad line."""
        self.data_path.setText(str(path))
        self._prepare()

    @Slot()
    def _options_changed(self) -> None:
        if self.data_path.text() and not self.busy_training:
            self.recheck.start()

    def _prepare(self) -> None:
        if self.job is not None:
            self._check_again = not self.busy_training  # the data or options changed while the last check ran
            return
        draft = self.gpt_wizard.draft()
        if not draft.model_sha256:
            self.report_error.setText(self.tr("Choose the model on the Model step first."))
            self.report_error.show()
            return
        service, options, data = self.gpt_wizard.services.finetune, self.options(), Path(self.data_path.text())
        model, template = draft.model_sha256, draft.chat_template
        if self.prepared is not None and not self.prepared.folder.events():
            service.discard(self.prepared.folder)  # checked but never started: replaced by this check
        self.prepared = None
        self.report.setText(self.tr("Checking the data…"))
        self.report_error.hide()
        self._run(lambda _report, _cancel: service.prepare(model, data, options, chat_template=template),
                  self._on_prepared, "check training data")

    @Slot(object)
    def _on_prepared(self, prepared: PreparedRun) -> None:
        self.prepared = prepared
        data = prepared.report
        lines = [self.tr("{0}: {1} examples ({2} to train, {3} to validate), {4} tokens, {5} of them trained; the "
                         "longest has {6}.").format(data.source, data.examples, data.train, data.validation,
                                                    data.tokens, data.trained_tokens, data.longest)]
        if data.truncated:
            lines.append(self.tr("{0} examples are longer than the max length and are cut.").format(data.truncated))
        lines.append(self.tr("{0} steps, about {1}; training needs about {2} of memory ({3} available).").format(
            prepared.steps, self.duration(prepared.estimate_seconds), human(prepared.base.needed_bytes),
            human(prepared.base.available_bytes)))
        self.report.setText("\n".join(lines))
        self.chart.clear()
        self.result.clear()
        self.status.clear()
        self.progress.setValue(0)

    # --- training ---------------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """Train the prepared run, or resume the stopped one; then evaluate and store the adapter."""
        if self.prepared is None or self.job is not None:
            return
        folder, name = self.prepared.folder, self.gpt_wizard.draft().name or self.tr("GPT")
        service = self.gpt_wizard.services.finetune
        draft, eval_file = self.gpt_wizard.draft(), self.gpt_wizard.evals_path
        if folder.resumable:
            self.status.setText(self.tr("Resuming from the last checkpoint…"))
        else:
            self.status.setText(self.tr("Loading the model for training…"))
        self.result.clear()
        self.cancel_asked.clear()
        self.busy_training = True
        self._run(lambda report, cancel: self._train(service, folder, f"{name} LoRA", report, cancel,
                                                     draft, eval_file),
                  self._on_trained, "fine-tune", progress=self._on_event)

    def _train(self, service: Any, folder: RunFolder, name: str, report: Callable[[object], None],
               cancel: threading.Event, draft: GPT, eval_file: Path | None) -> tuple[Evaluation, str, bool] | None:
        """The Job's work: the child's events to the window; at the end the evaluation, the stored adapter and
        the eval set before and after (and whether that was stopped)."""
        self.training = training = service.job(folder)
        last = None
        for event in training.events():
            report(event)
            last = event
            if cancel.is_set():
                training.cancel()
        if last is None or last.kind == "cancelled":
            return None
        if last.kind != "done":
            raise KnownError(last.message)
        report("evaluating")
        evaluation = service.evaluate(folder)
        adapter = service.install_adapter(folder, name).sha256
        evals, stopped = self._run_evals(service, draft, adapter, eval_file, report, cancel)
        return evaluation.with_evals(evals), adapter, stopped

    def _run_evals(self, service: Any, draft: GPT, adapter: str, eval_file: Path | None,
                   report: Callable[[object], None], cancel: threading.Event) -> tuple[EvalsBeforeAfter | None, bool]:
        """The eval set on the draft and with the new adapter (on the Job's thread); Cancel stops it."""
        from app.services.evals import EvalStopped  # noqa: PLC0415 - loaded with the eval runner
        from app.services.finetune import EvalsBeforeAfter  # noqa: PLC0415

        job = service.evals_job(draft, adapter, eval_file=eval_file)
        if job is None:
            return None, False
        self.training = job
        if cancel.is_set() or self.cancel_asked.is_set():
            job.cancel()
        try:
            return EvalsBeforeAfter.of(job.run(report)), False
        except EvalStopped:
            return None, True

    @Slot(object)
    def _on_event(self, event: TrainingEvent | EvalProgress | str) -> None:
        if isinstance(event, str):
            self.status.setText(self.tr("Measuring perplexity through llama.cpp, without and with the adapter…"))
            return
        if not hasattr(event, "kind"):  # an EvalProgress: the eval set before and after
            self.progress.setRange(0, event.total)
            self.progress.setValue(event.done)
            self.status.setText(self.tr("Running the eval set before and after training: {0} of {1} answers "
                                        "({2}, case {3})…").format(event.done, event.total, event.target,
                                                                    event.case_id))
            return
        if event.steps:
            self.progress.setRange(0, event.steps)
            self.progress.setValue(event.step)
        if event.kind == "step":
            self.chart.add(event.step, event.steps, event.loss, event.val_loss)
            parts = [self.tr("Step {0} of {1}").format(event.step, event.steps),
                     self.tr("loss {0:.3f}").format(event.loss or 0)]
            if self.chart.validation:
                parts.append(self.tr("validation {0:.3f}").format(self.chart.validation[-1][1]))
            parts.append(self.tr("{0:.0f} tokens/s").format(event.tokens_per_s or 0))
            parts.append(self.tr("about {0} left").format(self.duration(event.eta_s or 0)))
            self.status.setText(" · ".join(parts))
        elif event.kind == "resumed":
            for old in self.prepared.folder.events() if self.prepared else []:
                if old.kind == "step" and old.step <= event.step:
                    self.chart.add(old.step, event.steps, old.loss, old.val_loss)
        elif event.kind == "cancelled":
            self.status.setText(self.tr("Cancelled at step {0}; Resume continues from there.").format(event.step))

    @Slot(object)
    def _on_trained(self, outcome: tuple[Evaluation, str] | None) -> None:
        self.training = None
        if outcome is None:
            return
        self.evaluation, self.adapter_sha256, self.evals_stopped = outcome
        self.base_sha256 = self.prepared.model_sha256 if self.prepared else None
        self.status.setText(self.tr("Done."))
        lines = [self.tr("Validation perplexity through llama.cpp: {0:.2f} without the adapter, {1:.2f} with it ({2} "
                         "tokens). Lower is better; try it on the Test step.").format(
                             self.evaluation.before, self.evaluation.after, self.evaluation.tokens)]
        if self.evaluation.evals is not None:
            lines.append(self.evals_line(self.evaluation.evals))
        elif self.evals_stopped:
            lines.append(self.tr("Evals: stopped before the end; nothing to compare."))
        self.result.setText("\n".join(lines))
        self.use_adapter.show()
        self.use_adapter.setChecked(True)
        self.changed("adapter")

    @Slot()
    def cancel(self) -> None:
        """Stop after the current step, with a checkpoint to resume from (or stop the eval set)."""
        if self.busy_training:
            self.cancel_asked.set()
        training = self.training
        if training is not None:
            training.cancel()
            self.status.setText(self.tr("Cancelling after this step…"))

    def stop(self) -> None:
        """The wizard is closing: let a running training stop at its next step (its checkpoint stays)."""
        self.cancel()

    # --- plumbing ---------------------------------------------------------------------------------
    def _run(self, work: Callable[..., Any], finished: Callable[[Any], None], name: str,
             progress: Callable[[Any], None] | None = None) -> None:
        self.job = job = Job(work, name=name)
        job.signals.finished.connect(finished)
        job.signals.failed.connect(self._on_failed)
        job.signals.done.connect(self._on_done)
        if progress is not None:
            job.signals.progress.connect(progress)
        self._update_buttons()
        self.gpt_wizard.jobs.start(job)

    @Slot(str)
    def _on_failed(self, sentence: str) -> None:
        self.training = None
        if self.prepared is None:
            self.report.clear()
        self.report_error.setText(sentence)
        self.report_error.show()

    @Slot()
    def _on_done(self) -> None:
        self.job = None
        self.busy_training = False
        self._update_buttons()
        if self._check_again:
            self._check_again = False
            self._prepare()

    def _update_buttons(self) -> None:
        idle = self.job is None
        resumable = self.prepared is not None and self.prepared.folder.resumable
        self.start_button.setText(self.tr("Resume training") if resumable else self.tr("Start training"))
        self.start_button.setEnabled(idle and self.prepared is not None)
        self.cancel_button.setEnabled(self.busy_training)
        self.choose_button.setEnabled(idle)
        self.completeChanged.emit()

    def evals_line(self, evals: EvalsBeforeAfter) -> str:
        """``Evals: 3/5 before → 4/5 after training`` and the cases that changed."""
        line = self.tr("Evals: {0}/{2} before → {1}/{2} after training").format(
            evals.passed_before, evals.passed_after, evals.total)
        if evals.regressions:
            line += self.tr("; regressions: {0}").format(", ".join(evals.regressions))
        if evals.fixed:
            line += self.tr("; fixed: {0}").format(", ".join(evals.fixed))
        if not evals.regressions and not evals.fixed:
            line += self.tr("; no case changed")
        return line + "."

    def duration(self, seconds: float) -> str:
        seconds = int(seconds)
        if seconds < 90:
            return self.tr("{0} s").format(seconds)
        if seconds < 5400:
            return self.tr("{0} min").format(seconds // 60)
        return self.tr("{0} h").format(f"{seconds / 3600:.1f}")

    def contribute(self, values: dict) -> None:
        """The trained adapter, when chosen and still made for the draft's model."""
        if self.adapter_sha256 and self.use_adapter.isChecked() and values.get("model_sha256") == self.base_sha256:
            values["adapter_sha256"] = self.adapter_sha256
            values["adapter_scale"] = 1.0

    def extra_problems(self) -> list[str]:
        return [self.tr("Training is running; wait for it or cancel it first.")] if self.busy_training else []


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


