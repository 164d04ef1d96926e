"""My GPTs → Runs on…: choose whether a GPT runs on this computer or on a remote engine's model.

Without a GPT (a store GPT that will not fit here and is not installed yet) it only asks for the engine
and model and leaves :attr:`RunOnDialog.choice` set; the caller installs the GPT for it.

The engine's models are asked for in a Job when an engine is chosen (the list is editable, for a
server whose /v1/models is incomplete). Saving only records the choice; the GPT's instructions,
examples and parameters are still applied by GPT Shelf, and the chat header shows where it runs.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QRadioButton, QVBoxLayout, QWidget,
)

from app.core.entities import GPT
from app.core.errors import KnownError
from app.core.remote import Placement, RemoteModel
from app.services.container import Services
from app.ui.jobs import Job, Jobs
from app.ui.widgets import error_label


class RunOnDialog(QDialog):
    def __init__(self, services: Services, jobs: Jobs, gpt: GPT | None, parent: QWidget | None = None, *,
                 engine_id: int | None = None, name: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Where {0} runs").format(gpt.name if gpt is not None else name))
        self.services = services
        self.jobs = jobs
        self.gpt = gpt
        self.models_job: Job | None = None
        self.placement: Placement | None = services.remote_engines.placement(gpt.id) if gpt is not None else None
        self.saved = False
        self.choice: tuple[int, str] | None = None
        """Without a GPT: the engine id and model chosen."""
        engines = services.remote_engines.list()

        self.here = QRadioButton(self.tr("This computer"))
        self.remote = QRadioButton(self.tr("A remote engine"))
        group = QButtonGroup(self)
        group.addButton(self.here)
        group.addButton(self.remote)
        self.engine = QComboBox()
        self.engine.setAccessibleName(self.tr("Engine"))
        for engine in engines:
            self.engine.addItem(engine.name, engine.id)
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.setAccessibleName(self.tr("Model on the engine"))
        self.note = QLabel()
        self.note.setObjectName("pageNote")
        self.note.setWordWrap(True)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("Engine"), self.engine)
        form.addRow(self.tr("Model"), self.model)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.here)
        layout.addWidget(self.remote)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        if not engines:
            self.remote.setEnabled(False)
            self.note.setText(self.tr("Add a remote engine in Settings first."))
        wanted = engine_id if engine_id is not None else (self.placement.engine_id if self.placement else None)
        if wanted is not None and self.engine.findData(wanted) >= 0:
            self.engine.setCurrentIndex(self.engine.findData(wanted))
        remote_now = (self.placement is not None or engine_id is not None) and bool(engines)
        (self.remote if remote_now else self.here).setChecked(True)
        if self.placement is not None:
            self.model.setEditText(self.placement.model)
        if gpt is None:
            self.here.setVisible(False)
            self.remote.setChecked(bool(engines))
        self.here.toggled.connect(self._update)
        self.engine.currentIndexChanged.connect(self._ask_models)
        self._update()
        if engines:
            self._ask_models()

    @Slot()
    def _update(self) -> None:
        remote = self.remote.isChecked()
        self.engine.setEnabled(remote)
        self.model.setEnabled(remote)

    @Slot()
    def _ask_models(self) -> None:
        engine_id = self.engine.currentData()
        if engine_id is None:
            return
        remote = self.services.remote_engines
        self.note.setText(self.tr("Asking the engine for its models…"))
        job = Job(lambda _report, _cancel: (engine_id, remote.models(engine_id)), name="engine models")
        job.signals.finished.connect(self._on_models)
        job.signals.failed.connect(self.note.setText)
        self.models_job = self.jobs.start(job)

    @Slot(object)
    def _on_models(self, answer: tuple[int, list[RemoteModel]]) -> None:
        engine_id, models = answer
        if engine_id != self.engine.currentData():
            return  # an answer for an engine chosen before
        typed = self.model.currentText()
        self.model.clear()
        self.model.addItems([m.id for m in models])
        if typed:
            self.model.setEditText(typed)
        self.note.setText(self.tr("{0} serves {1} models.").format(self.engine.currentText(), len(models)))

    @Slot()
    def save(self) -> None:
        if self.gpt is None:
            if self.engine.currentData() is None or not self.model.currentText().strip():
                self.error.setText(self.tr("Choose an engine and one of its models."))
                self.error.show()
                return
            self.choice = (self.engine.currentData(), self.model.currentText().strip())
            self.accept()
            return
        try:
            if self.remote.isChecked():
                self.placement = self.services.remote_engines.run_on(self.gpt.id, self.engine.currentData(),
                                                                     self.model.currentText())
            else:
                self.services.remote_engines.run_here(self.gpt.id)
                self.placement = None
        except KnownError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.saved = True
        self.accept()
