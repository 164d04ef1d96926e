"""Step 5, Parameters: sampling, lengths, stop strings and the chat template, with a live preview of
how a conversation reaches the model.

The spin boxes take their ranges from the manifest's rules (:func:`parameter_limits`), so they allow
exactly what a save accepts. The preview renders a sample conversation through the template the
engine would use (the override, else the GGUF's, else the fallback) and warns when it fails or when
nothing a reply stops at follows an assistant turn. Rendering is sandboxed and capped at two seconds,
so it runs as a Job a moment after the typing stops, never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox, QLabel, QSpinBox, QVBoxLayout, QWidget,
)

from app.core.entities import GenerationParams
from app.services.chat import sample_conversation
from app.services.gpts import parameter_limits
from app.services.models import TemplatePreview
from app.ui.jobs import Job
from app.ui.widgets import error_label
from app.ui.wizard.common import DraftPage, numbered, plain_text_edit, split_index

if TYPE_CHECKING:
    from app.ui.wizard.wizard import GPTWizard

PREVIEW_DELAY_MS = 250
_DECIMALS = {"temperature": (2, 0.05), "top_p": (2, 0.05), "min_p": (2, 0.01), "repeat_penalty": (2, 0.05)}


def decode_stop(line: str) -> str:
    r"""A stop string as typed on one line: ``\n`` is a line break (``\r`` a return), ``\t`` a tab, ``\\`` a
    backslash."""
    out, chars = [], iter(line)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append({"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}.get(following, "\\" + following))
        else:
            out.append(char)
    return "".join(out)


def encode_stop(stop: str) -> str:
    return stop.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


class ParametersPage(DraftPage):
    def __init__(self, wizard: GPTWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("Parameters"))
        self.setSubTitle(self.tr("How the GPT writes. The defaults suit most GPTs."))
        params = wizard.original.params if wizard.original else GenerationParams()
        self.preview: TemplatePreview | None = None
        self.preview_job: Job | None = None
        self._preview_again = False
        self.spins: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self._start_preview)
        labels = {"temperature": self.tr("&Temperature:"), "top_p": self.tr("Top &p:"), "top_k": self.tr("Top &k:"),
                  "min_p": self.tr("&Min p:"), "repeat_penalty": self.tr("&Repeat penalty:"),
                  "max_tokens": self.tr("Longest &reply (tokens):"), "context_length": self.tr("&Context length:")}
        form = QFormLayout()
        for name, (low, high) in parameter_limits().items():
            if name in _DECIMALS:
                spin = QDoubleSpinBox()
                spin.setDecimals(_DECIMALS[name][0])
                spin.setSingleStep(_DECIMALS[name][1])
            else:
                spin = QSpinBox()
                spin.setSingleStep(256 if name == "context_length" else 1)
            spin.setRange(low, high)
            spin.setValue(getattr(params, name))
            spin.valueChanged.connect(lambda _value, key=name: self.changed(key))
            self.spins[name] = spin
            form.addRow(labels.get(name, name), spin)
            form.addRow(self.field(name, f"parameters.{name}"))
        self.spins["context_length"].valueChanged.connect(lambda _v: wizard.model_page.check_fit())
        self.stops = plain_text_edit(60)
        self.stops.setPlaceholderText(self.tr("Optional, one per line; \\n is a line break"))
        self.stops.setPlainText("\n".join(encode_stop(s) for s in params.stop))
        self.stops.textChanged.connect(lambda: self.changed("stop"))
        form.addRow(self.tr("&Stop strings:"), self.stops)
        form.addRow(self.field("stop", "parameters.stop"))
        self.page_locations("parameters")

        self.use_override = QCheckBox(self.tr("Use my own chat template"))
        self.template = plain_text_edit(120)
        self.template.setAccessibleName(self.tr("Chat template"))
        self.template.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        template = wizard.original.chat_template if wizard.original else None
        self.use_override.setChecked(bool(template))
        self.template.setPlainText(template or "")
        self.template.setEnabled(bool(template))
        self.template.textChanged.connect(lambda: self.changed("chat_template"))
        self.use_override.toggled.connect(self._on_override_toggled)
        self.preview_title = QLabel()
        self.preview_title.setWordWrap(True)
        self.preview_text = plain_text_edit(160)
        self.preview_text.setReadOnly(True)
        self.preview_text.setAccessibleName(self.tr("Template preview"))
        self.preview_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview_warning = error_label()
        self.preview_warning.setStyleSheet("color: #b8860b; font-weight: 600;")
        box = QGroupBox(self.tr("Chat template"))
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.use_override)
        box_layout.addWidget(self.template)
        box_layout.addWidget(self.field("chat_template"))
        box_layout.addWidget(self.preview_title)
        box_layout.addWidget(self.preview_text, 1)
        box_layout.addWidget(self.preview_warning)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addStretch(1)
        grid = QGridLayout(self)
        grid.addWidget(left, 0, 0)
        grid.addWidget(box, 0, 1)
        grid.addWidget(self.page_error, 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)

    # --- the draft --------------------------------------------------------------------------------
    def context_length(self) -> int:
        return int(self.spins["context_length"].value())

    def contribute(self, values: dict) -> None:
        base = self.gpt_wizard.original.params if self.gpt_wizard.original else GenerationParams()
        numbers = {name: self._number(name, spin, getattr(base, name)) for name, spin in self.spins.items()}
        stops = tuple(decode_stop(line) for line in self.stops.toPlainText().split("\n") if line.strip())
        values["params"] = replace(base, stop=stops, **numbers)
        values["chat_template"] = self.template.toPlainText() if self.use_override.isChecked() else None

    @staticmethod
    def _number(name: str, spin: QSpinBox | QDoubleSpinBox, saved: float) -> float | int:
        """The spin box's value; a saved value with more decimals than the box shows stays as it was
        (editing a GPT must not round its 0.125 to 0.13 unasked)."""
        if not isinstance(spin, QDoubleSpinBox):
            return int(spin.value())
        value = float(spin.value())
        return float(saved) if abs(value - float(saved)) <= 0.5 * 10 ** -spin.decimals() + 1e-9 else value

    def changed(self, key: str | None = None) -> None:
        super().changed(key)
        if key in ("stop", "chat_template", None) or self.gpt_wizard.currentPage() is self:
            self.preview_timer.start()

    def subject(self, location: str) -> str:
        base, index = split_index(location)
        if base == "chat_template":
            return self.tr("The chat template")
        if base == "parameters.stop":
            return numbered(self.tr("Stop string"), index) if index is not None else self.tr("Stop strings")
        name = base.removeprefix("parameters.")
        labels = {"temperature": self.tr("Temperature"), "top_p": self.tr("Top p"), "top_k": self.tr("Top k"),
                  "min_p": self.tr("Min p"), "repeat_penalty": self.tr("Repeat penalty"),
                  "max_tokens": self.tr("Longest reply"), "context_length": self.tr("Context length")}
        return labels.get(name, self.tr("Parameters"))

    def extra_problems(self) -> list[str]:
        """An own template that cannot be rendered would leave the GPT unable to chat: it blocks Next."""
        if self.use_override.isChecked() and self.preview is not None and self.preview.failed:
            return [self.tr("The chat template cannot be used: {0}").format(" ".join(self.preview.warnings))]
        return []

    @Slot(bool)
    def _on_override_toggled(self, on: bool) -> None:
        self.template.setEnabled(on)
        if on and not self.template.toPlainText().strip() and self.preview is not None:
            self.template.setPlainText(self.preview.source)  # start from the template in use
        self.changed("chat_template")

    # --- the preview ------------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        self.preview_timer.start()

    @Slot()
    def _start_preview(self) -> None:
        """Render the sample in a Job; a change while one runs renders again when it is done."""
        if self.preview_job is not None:
            self._preview_again = True
            return
        draft = self.gpt_wizard.draft()
        if not draft.model_sha256:
            self.preview_title.setText(self.tr("Choose a model to see how it is prompted."))
            return
        models, messages = self.gpt_wizard.services.models, sample_conversation(draft)
        override = draft.chat_template

        def work(_report, _cancel) -> TemplatePreview:  # noqa: ANN001 - a Job's work
            return models.preview_template(draft.model_sha256, override, messages, stop=draft.params.stop)

        self.preview_job = job = Job(work, name="template preview")
        job.signals.finished.connect(self._on_preview)
        job.signals.failed.connect(self._on_preview_failed)
        self.gpt_wizard.jobs.start(job)

    @Slot(object)
    def _on_preview(self, preview: TemplatePreview) -> None:
        self.preview_job = None
        self.preview = preview
        if self.use_override.isChecked() and not self.template.toPlainText().strip():
            self.template.setPlainText(preview.source)  # asked for before the first preview came: start from it
        origin = {"gpt": self.tr("your own template"), "gguf": self.tr("the model's own template"),
                  "fallback": self.tr("a standard “{0}” template (the model has none)").format(preview.template)}
        stops = ", ".join(repr(s) for s in preview.stop) or self.tr("nothing")
        title = self.tr("A sample conversation as the model sees it, with {0}. Replies stop at: {1}.").format(
            origin.get(preview.origin, preview.template), stops)
        if preview.system_folded:
            title += " " + self.tr("This template has no system role: the instructions go into the first message.")
        self.preview_title.setText(title)
        self.preview_text.setPlainText(preview.text)
        self.preview_warning.setText("\n".join(preview.warnings))
        self.preview_warning.setVisible(bool(preview.warnings))
        if self._preview_again:
            self._preview_again = False
            self._start_preview()
        self.show_problems()

    @Slot(str)
    def _on_preview_failed(self, sentence: str) -> None:
        self.preview_job = None
        self.preview = None
        self.preview_text.clear()
        self.preview_warning.setText(sentence)
        self.preview_warning.show()
        if self._preview_again:
            self._preview_again = False
            self._start_preview()
