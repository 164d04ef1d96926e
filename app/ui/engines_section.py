"""Settings → Remote engines: OpenAI-compatible servers (llama-server, vLLM, Ollama, another GPT Shelf)
that a GPT can run on instead of this computer.

The table lists the engines; the form below it adds one or changes the selected one. A key typed here
goes straight to the system keyring (the field is cleared after saving and only says whether one is
kept). Check asks the engine for its models in a Job and shows the sentence it got. Nothing is sent
to an engine for a chat until a GPT is placed on it (My GPTs → Runs on…).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox,
    QTableWidgetItem, QVBoxLayout,
)

from app.core.errors import KnownError
from app.core.remote import DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, EngineCheck, RemoteEngine
from app.services.container import Services
from app.ui.jobs import Job, Jobs
from app.ui.widgets import error_label, id_table, selected_value

ID_ROLE = Qt.ItemDataRole.UserRole


class EnginesSection(QGroupBox):
    """Signals: changed() after an engine was added, edited or removed (GPT lists may show it)."""

    changed = Signal()

    def __init__(self, services: Services, jobs: Jobs) -> None:
        super().__init__()
        self.setTitle(self.tr("Remote engines"))
        self.services = services
        self.jobs = jobs
        self.check_job: Job | None = None
        self._engines: dict[int, RemoteEngine] = {}

        note = QLabel(self.tr("Run a GPT that outgrows this computer on an OpenAI-compatible server: llama-server, "
                              "vLLM, Ollama or another GPT Shelf. Nothing is sent to an engine until you choose it "
                              "for a GPT in My GPTs. Keys are kept in the system keyring."))
        note.setObjectName("pageNote")
        note.setWordWrap(True)
        self.table = id_table([self.tr("Name"), self.tr("Address"), self.tr("Key"), self.tr("TLS check")])
        self.table.setAccessibleName(self.tr("Remote engines"))
        self.table.setMinimumHeight(110)
        self.table.itemSelectionChanged.connect(self._selected)

        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Engine name"))
        self.name.setPlaceholderText(self.tr("Lab server"))
        self.url = QLineEdit()
        self.url.setAccessibleName(self.tr("Engine address"))
        self.url.setPlaceholderText("http://127.0.0.1:8080")
        self.key = QLineEdit()
        self.key.setAccessibleName(self.tr("Engine API key"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("optional; kept in the system keyring"))
        self.verify = QCheckBox(self.tr("Check the server's TLS certificate"))
        self.verify.setChecked(True)
        self.timeout = QSpinBox()
        self.timeout.setAccessibleName(self.tr("Engine timeout"))
        self.timeout.setRange(1, int(MAX_TIMEOUT_SECONDS))
        self.timeout.setValue(int(DEFAULT_TIMEOUT_SECONDS))
        self.timeout.setSuffix(self.tr(" s"))
        self.timeout.setToolTip(self.tr("How long the engine may send nothing before the request is stopped"))
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Address"), self.url)
        form.addRow(self.tr("API key"), self.key)
        form.addRow(self.tr("Timeout"), self.timeout)
        form.addRow("", self.verify)

        self.add_button = QPushButton(self.tr("Add engine"))
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton(self.tr("Save changes"))
        self.save_button.clicked.connect(self.save)
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.setToolTip(self.tr("Ask the engine which models it serves"))
        self.check_button.clicked.connect(self.check)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.check_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.error = error_label()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.result)
        self.refresh()

    # --- reading -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        selected = self.selected_id()
        engines = self.services.remote_engines.list()
        self._engines = {e.id: e for e in engines}
        self.table.setRowCount(len(engines))
        for row, engine in enumerate(engines):
            cells = (engine.name, engine.base_url, "", self.tr("on") if engine.verify_tls else self.tr("off"))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, engine.id)
                self.table.setItem(row, column, item)
            if engine.id == selected:
                self.table.selectRow(row)
        self._ask_keys(engines)
        self._update_buttons()

    def _ask_keys(self, engines: list[RemoteEngine]) -> None:
        """Whether each engine has a key: the keyring's first use loads its backend (slow), so in a Job."""
        if not engines:
            return
        remote = self.services.remote_engines
        job = Job(lambda _report, _cancel: {e.id: remote.has_key(e) for e in engines}, name="engine keys")
        job.signals.finished.connect(self._on_keys)
        self.jobs.start(job)

    @Slot(object)
    def _on_keys(self, keys: dict[int, bool]) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 2)
            engine_id = self.table.item(row, 0).data(ID_ROLE)
            if item is not None and engine_id in keys:
                item.setText(self.tr("kept") if keys[engine_id] else self.tr("none"))

    def selected_id(self) -> int | None:
        return selected_value(self.table, ID_ROLE)

    @Slot()
    def _selected(self) -> None:
        engine = self._engines.get(self.selected_id() or -1)
        if engine is not None:
            self.name.setText(engine.name)
            self.url.setText(engine.base_url)
            self.key.clear()
            self.verify.setChecked(engine.verify_tls)
            self.timeout.setValue(int(engine.timeout_seconds))
        self.result.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        self.save_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.check_button.setEnabled(has and self.check_job is None)

    # --- actions -------------------------------------------------------------------------------------
    @Slot()
    def add(self) -> None:
        self._apply(lambda remote: remote.add(self.name.text(), self.url.text(), api_key=self.key.text() or None,
                                              verify_tls=self.verify.isChecked(),
                                              timeout_seconds=self.timeout.value()))

    @Slot()
    def save(self) -> None:
        engine_id = self.selected_id()
        if engine_id is None:
            return
        self._apply(lambda remote: remote.edit(engine_id, name=self.name.text(), base_url=self.url.text(),
                                               api_key=self.key.text() or None, verify_tls=self.verify.isChecked(),
                                               timeout_seconds=self.timeout.value()))

    def _apply(self, change) -> None:  # noqa: ANN001 - a callable over RemoteEngines
        self.error.hide()
        try:
            engine = change(self.services.remote_engines)
        except KnownError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.key.clear()
        self.refresh()
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(ID_ROLE) == engine.id:
                self.table.selectRow(row)
        self.result.setText(self.tr("Saved {0}. Check it to see the models it serves.").format(engine.name))
        self.changed.emit()

    @Slot()
    def remove(self) -> None:
        engine = self._engines.get(self.selected_id() or -1)
        if engine is None:
            return
        answer = QMessageBox.question(self, self.tr("Remove engine"), self.tr(
            "Remove {0}? GPTs that run on it will run on this computer again.").format(engine.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            _removed, moved = self.services.remote_engines.remove(engine.id)
        except KnownError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.refresh()
        self.result.setText(self.tr("Removed {0}; {1} GPTs run on this computer again.").format(engine.name,
                                                                                               len(moved)))
        self.changed.emit()

    @Slot()
    def check(self) -> None:
        engine_id = self.selected_id()
        if engine_id is None or self.check_job is not None:
            return
        remote = self.services.remote_engines
        self.result.setText(self.tr("Asking the engine…"))
        job = Job(lambda _report, _cancel: remote.check(engine_id), name="engine check")
        job.signals.finished.connect(self._on_checked)
        job.signals.failed.connect(self.result.setText)
        job.signals.done.connect(self._check_done)
        self.check_job = self.jobs.start(job)
        self._update_buttons()

    @Slot(object)
    def _on_checked(self, check: EngineCheck) -> None:
        self.result.setText((self.tr("Works: {0}") if check.ok else self.tr("Not working: {0}")).format(check.sentence))

    @Slot()
    def _check_done(self) -> None:
        self.check_job = None
        self._update_buttons()
