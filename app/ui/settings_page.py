"""Settings: engine, hub, the local API, appearance, importing from other apps and the data folder,
in the words a person uses.

Engine devices come from a short-lived engine process, so they are asked for in a Job. Save checks
every value the way the catalog will (``Settings.updated``) and shows a refused value's sentence next
to its field, saving nothing until all are acceptable. Theme and language apply at once (they are
easy to undo and a person wants to see them), so they are stored and signalled on change.

There is no "Back up now" button: the catalog has no public backup method and the UI may not reach
into the catalog layer; backups are still made automatically before each migration.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QSpinBox,
    QVBoxLayout, QWidget,
)

from app.core.entities import EngineInfo
from app.core.errors import InvalidInput, KnownError
from app.core.memory import human
from app.core.settings import GpuMode, Settings, Theme
from app.services.container import Services
from app.services.secrets import HF_TOKEN, redact
from app.ui.api_control import ApiControl
from app.ui.api_section import ApiSection
from app.ui.engines_section import EnginesSection
from app.ui.i18n import LANGUAGES
from app.ui.import_panel import ImportPanel
from app.ui.jobs import Job, Jobs
from app.ui.widgets import error_label

log = logging.getLogger(__name__)

# The fields Save writes, in the order their problems are shown.
SAVED_KEYS = ("gpu_offload", "threads", "context_length", "hub_endpoint", "https_proxy", "store_index_repo")


class SettingsPage(QWidget):
    """Signals: theme_changed(str) with a Theme value; language_changed(str) with a language code;
    sync_requested() after the hub settings were saved and a store sync was asked for."""

    theme_changed = Signal(str)
    language_changed = Signal(str)
    sync_requested = Signal()

    def __init__(self, services: Services, jobs: Jobs, api: ApiControl | None = None) -> None:
        super().__init__()
        self.services = services
        self.jobs = jobs
        self.api = api or ApiControl(services, jobs)
        self.engine_job: Job | None = None
        self.engine_info: EngineInfo | None = None
        self.size_job: Job | None = None
        self.token_job: Job | None = None
        self.keyring_job: Job | None = None
        """Asks the keyring whether a token is stored (its first use loads the keyring's backend: slow)."""
        self._token_changes = 0
        """Counts tokens stored or forgotten here, so a keyring answer asked for before one is ignored."""
        self.backup_job: Job | None = None
        self._loading = False
        self.errors: dict[str, QLabel] = {}

        self.heading = QLabel(self.tr("Settings"))
        self.heading.setObjectName("pageHeading")
        self.note = QLabel(self.tr("Engine changes apply to the next model load; hub changes apply at once."))
        self.note.setObjectName("pageNote")
        self.note.setWordWrap(True)

        body = QWidget()
        sections = QVBoxLayout(body)
        self.api_section = ApiSection(services, jobs, self.api)
        self.remote_engines = EnginesSection(services, jobs)
        self.imports = ImportPanel(services, jobs)
        for section in (self._engine_section(), self.remote_engines, self._hub_section(), self.api_section,
                        self._appearance_section(), self.imports, self._data_section()):
            sections.addWidget(section)
        sections.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setAccessibleName(self.tr("Settings"))

        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setObjectName("pageNote")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        for widget, stretch in ((self.heading, 0), (self.note, 0), (scroll, 1),
                                (_line(self.status, self.save_button), 0)):
            layout.addWidget(widget, stretch)
        self.refresh()

    # --- building ----------------------------------------------------------------------------
    def _row(self, form: QFormLayout, label: str, key: str, field: QWidget) -> None:
        """A form row with the field and, under it, a hidden label for that field's problem."""
        error = error_label()
        self.errors[key] = error
        form.addRow(label, _line(field, error, vertical=True))

    def _engine_section(self) -> QGroupBox:
        box = QGroupBox(self.tr("Engine"))
        form = QFormLayout(box)
        self.devices_label = QLabel(self.tr("Asking llama.cpp for its devices…"))
        self.devices_label.setWordWrap(True)
        form.addRow(self.tr("Devices"), self.devices_label)
        self.gpu_mode = QComboBox()
        self.gpu_mode.addItem(self.tr("Automatic (as many layers as fit)"), GpuMode.AUTO.value)
        self.gpu_mode.addItem(self.tr("Off (CPU only)"), GpuMode.OFF.value)
        self.gpu_mode.addItem(self.tr("A fixed number of layers"), GpuMode.LAYERS.value)
        self.gpu_mode.setAccessibleName(self.tr("GPU offload"))
        self.gpu_layers = QSpinBox()
        self.gpu_layers.setAccessibleName(self.tr("GPU layers"))
        self.gpu_layers.setRange(1, 999)
        self.gpu_layers.setSuffix(self.tr(" layers"))
        self.gpu_mode.currentIndexChanged.connect(self._gpu_mode_changed)
        self._row(form, self.tr("GPU offload"), "gpu_offload", _line(self.gpu_mode, self.gpu_layers))
        self.threads = QSpinBox()
        self.threads.setAccessibleName(self.tr("CPU threads"))
        self.threads.setRange(0, 512)
        self.threads.setSpecialValueText(self.tr("Automatic"))
        self._row(form, self.tr("CPU threads"), "threads", self.threads)
        self.context_length = QSpinBox()
        self.context_length.setAccessibleName(self.tr("Default context length"))
        self.context_length.setRange(256, 1_048_576)
        self.context_length.setSingleStep(512)
        self.context_length.setSuffix(self.tr(" tokens"))
        self._row(form, self.tr("Default context length"), "context_length", self.context_length)
        return box

    def _hub_section(self) -> QGroupBox:
        box = QGroupBox(self.tr("Hub"))
        form = QFormLayout(box)
        self.hub_endpoint = QLineEdit()
        self.hub_endpoint.setAccessibleName(self.tr("Hub endpoint"))
        self._row(form, self.tr("Endpoint"), "hub_endpoint", self.hub_endpoint)
        self.https_proxy = QLineEdit()
        self.https_proxy.setAccessibleName(self.tr("HTTPS proxy"))
        self.https_proxy.setPlaceholderText(self.tr("none, e.g. http://proxy.example:3128"))
        self._row(form, self.tr("HTTPS proxy"), "https_proxy", self.https_proxy)
        self.index_repo = QLineEdit()
        self.index_repo.setAccessibleName(self.tr("Store index repo"))
        self._row(form, self.tr("Store index repo"), "store_index_repo", self.index_repo)
        self.token = QLineEdit()
        self.token.setAccessibleName(self.tr("Hub token"))
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("hf_… (kept in the system keyring)"))  # until the keyring answers
        self.test_button = QPushButton(self.tr("Test"))
        self.test_button.clicked.connect(self.test_token)
        self.forget_button = QPushButton(self.tr("Forget"))
        self.forget_button.clicked.connect(self.forget_token)
        self.forget_button.setEnabled(False)
        self._row(form, self.tr("Hub token"), "hub_token", _line(self.token, self.test_button, self.forget_button))
        self.token_result = QLabel()
        self.token_result.setWordWrap(True)
        form.addRow("", self.token_result)
        self.sync_button = QPushButton(self.tr("Save and sync the store now"))
        self.sync_button.clicked.connect(self._save_and_sync)
        form.addRow("", self.sync_button)
        return box

    def _appearance_section(self) -> QGroupBox:
        box = QGroupBox(self.tr("Appearance"))
        form = QFormLayout(box)
        self.theme = QComboBox()
        for theme, text in ((Theme.SYSTEM, self.tr("Same as the system")), (Theme.LIGHT, self.tr("Light")),
                            (Theme.DARK, self.tr("Dark"))):
            self.theme.addItem(text, theme.value)
        self.theme.currentIndexChanged.connect(self._theme_chosen)
        form.addRow(self.tr("Theme"), self.theme)
        self.language = QComboBox()
        self.language.addItem(self.tr("Same as the system"), "system")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.currentIndexChanged.connect(self._language_chosen)
        form.addRow(self.tr("Language"), self.language)
        return box

    def _data_section(self) -> QGroupBox:
        box = QGroupBox(self.tr("Data folder"))
        form = QFormLayout(box)
        self.home_label = QLabel(str(self.services.paths.home))
        self.home_label.setWordWrap(True)
        form.addRow(self.tr("Location"), self.home_label)
        self.size_label = QLabel(self.tr("Measuring…"))
        form.addRow(self.tr("Size"), self.size_label)
        self.open_folder_button = QPushButton(self.tr("Open folder"))
        self.open_folder_button.clicked.connect(self.open_folder)
        form.addRow("", self.open_folder_button)
        self.backup_button = QPushButton(self.tr("Back up the catalog now"))
        self.backup_button.clicked.connect(self.back_up)
        self.backup_label = QLabel()
        self.backup_label.setWordWrap(True)
        form.addRow(self.backup_button, self.backup_label)
        return box

    # --- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the stored settings; ask for devices once and for the folder's size each time."""
        self._loading = True
        try:
            settings = self.services.settings()
            offload = settings.gpu_offload
            self.gpu_mode.setCurrentIndex(max(0, self.gpu_mode.findData(offload.mode.value)))
            if offload.mode is GpuMode.LAYERS:
                self.gpu_layers.setValue(offload.layers)
            self._gpu_mode_changed()
            self.threads.setValue(settings.threads)
            self.context_length.setValue(settings.context_length)
            self.hub_endpoint.setText(settings.hub_endpoint)
            self.https_proxy.setText(settings.https_proxy)
            self.index_repo.setText(settings.store_index_repo)
            self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme.value)))
            self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
            if hasattr(self, "api_section"):
                self.api_section.refresh()
        finally:
            self._loading = False
        for label in self.errors.values():
            label.hide()
        if self.keyring_job is None:
            self._ask_keyring()
        if self.engine_info is None and self.engine_job is None:
            self._ask_engine()
        if self.size_job is None:
            self._measure_folder()

    def _ask_keyring(self) -> None:
        secrets, asked_at = self.services.secrets, self._token_changes
        self.keyring_job = self._start(
            Job(lambda _report, _cancel: (asked_at, bool(secrets.get(HF_TOKEN))), name="keyring"),
            self._on_keyring, lambda _sentence: None)  # an unreadable keyring is logged; the field stays as it is

    @Slot(object)
    def _on_keyring(self, answer: tuple[int, bool]) -> None:
        asked_at, stored = answer
        if asked_at != self._token_changes:
            return  # a token was stored or forgotten since: that is what the field shows
        self.token.setPlaceholderText(self.tr("A token is stored in the system keyring") if stored else
                                      self.tr("hf_… (kept in the system keyring)"))
        self.forget_button.setEnabled(stored)

    def _ask_engine(self) -> None:
        fit = self.services.store.fit
        self.engine_job = self._start(Job(lambda _report, _cancel: fit.engine_info(), name="engine info"),
                                      self._on_engine_info, self._on_engine_failed)

    def _start(self, job: Job, finished: Any, failed: Any) -> Job:
        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        job.signals.done.connect(self._job_done)
        return self.jobs.start(job)

    @Slot()
    def _job_done(self) -> None:
        """Forget whichever job just ended, so it can be asked again."""
        for name in ("engine_job", "size_job", "token_job", "backup_job", "keyring_job"):
            job = getattr(self, name)
            if job is not None and job.signals is self.sender():
                setattr(self, name, None)
        self.test_button.setEnabled(self.token_job is None)

    @Slot(object)
    def _on_engine_info(self, info: EngineInfo) -> None:
        self.engine_info = info
        lines = [self.tr("llama.cpp {0}; GPU offload {1}.").format(
            info.llama_cpp_version, self.tr("available") if info.gpu_offload else self.tr("not available"))]
        for device in info.devices:
            memory = self.tr("{0} free of {1}").format(human(device.memory_free), human(device.memory_total)) \
                if device.memory_total else self.tr("memory unknown")
            lines.append(f"• {device.description or device.name} ({device.kind}): {memory}")
        self.devices_label.setText("\n".join(lines))

    @Slot(str)
    def _on_engine_failed(self, sentence: str) -> None:
        self.devices_label.setText(self.tr("Could not ask llama.cpp for its devices: {0}").format(sentence))

    def _measure_folder(self) -> None:
        home = self.services.paths.home
        self.size_job = self._start(Job(lambda _report, cancel: folder_size(home, cancel), name="data folder size"),
                                    self._on_size, self.size_label.setText)

    @Slot()
    def back_up(self) -> None:
        """Copy the catalog into the backups folder off the GUI thread (VACUUM INTO takes a moment)."""
        catalog, folder = self.services.catalog, self.services.paths.backups
        self.backup_button.setEnabled(False)
        self.backup_job = self._start(Job(lambda _report, _cancel: catalog.backup(folder), name="backup"),
                                      self._on_backed_up, self._on_backup_failed)

    @Slot(object)
    def _on_backed_up(self, path: object) -> None:
        self.backup_button.setEnabled(True)
        self.backup_label.setText(self.tr("Saved a copy as {0}").format(path))

    @Slot(str)
    def _on_backup_failed(self, sentence: str) -> None:
        self.backup_button.setEnabled(True)
        self.backup_label.setText(sentence)

    @Slot(object)
    def _on_size(self, size: int) -> None:
        self.size_label.setText(human(int(size)))

    @Slot()
    def _gpu_mode_changed(self) -> None:
        self.gpu_layers.setEnabled(self.gpu_mode.currentData() == GpuMode.LAYERS.value)

    # --- saving ------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        mode = self.gpu_mode.currentData()
        return {"gpu_offload": str(self.gpu_layers.value()) if mode == GpuMode.LAYERS.value else mode,
                "threads": self.threads.value(), "context_length": self.context_length.value(),
                "hub_endpoint": self.hub_endpoint.text().strip(), "https_proxy": self.https_proxy.text().strip(),
                "store_index_repo": self.index_repo.text().strip()}

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """Each refused value's sentence, by key: the catalog's own check plus the URL shape."""
        found: dict[str, str] = {}
        for key in SAVED_KEYS:
            try:
                Settings().updated(**{key: values[key]})
            except InvalidInput as exc:
                found[key] = str(exc)
        for key, required in (("hub_endpoint", True), ("https_proxy", False)):
            text = values[key]
            if key not in found and (text or required) and not text.startswith(("http://", "https://")):
                found[key] = self.tr("This must be an address starting with http:// or https://.")
        if not values["store_index_repo"].count("/") == 1:
            found.setdefault("store_index_repo", self.tr("The store index repo is written owner/name."))
        return found

    @Slot()
    def save(self) -> bool:
        """Store every value, or none: a refused one is explained beside its field."""
        values = self.values()
        problems = self.problems(values)
        for key, label in self.errors.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        if problems:
            self.status.setText(self.tr("Nothing was saved: fix the marked values first."))
            return False
        try:
            settings = self.services.settings().updated(**values)
            self.services.catalog.save_settings(settings)
            self.services.apply_network_settings()
        except KnownError as exc:
            self.status.setText(str(exc))
            return False
        token = self.token.text().strip()
        if token and not self._store_token(token):
            return False
        self.status.setText(self.tr("Saved."))
        log.info("settings saved")
        return True

    def _store_token(self, token: str) -> bool:
        try:
            persistent = self.services.secrets.set(HF_TOKEN, token)
        except KnownError as exc:
            self.errors["hub_token"].setText(str(exc))
            self.errors["hub_token"].show()
            return False
        self._token_changes += 1
        self.token.clear()
        self.token.setPlaceholderText(self.tr("A token is stored in the system keyring") if persistent else
                                      self.tr("No system keyring: the token is kept until GPT Shelf closes"))
        self.forget_button.setEnabled(True)
        return True

    @Slot()
    def test_token(self) -> None:
        """Store a newly typed token, then ask the hub who it belongs to."""
        token = self.token.text().strip()
        if self.token_job is not None or (token and not self._store_token(token)):
            return
        store = self.services.store

        def work(_report, _cancel) -> tuple[bool, str]:  # noqa: ANN001 - Job's signature
            try:
                who = store.client().api.whoami()
            except Exception as exc:  # noqa: BLE001 - the hub library's errors are many; all become a sentence
                log.info("hub token test failed: %s", redact(str(exc)))
                return False, redact(str(exc)).splitlines()[0] if str(exc) else type(exc).__name__
            return True, str(who.get("name", "?"))

        self.token_result.setText(self.tr("Asking the hub…"))
        self.test_button.setEnabled(False)
        self.token_job = self._start(Job(work, name="hub whoami"), self._on_token_tested,
                                     self.token_result.setText)

    @Slot(object)
    def _on_token_tested(self, result: tuple[bool, str]) -> None:
        ok, text = result
        self.token_result.setText(self.tr("The token works: signed in as {0}.").format(text) if ok else
                                  self.tr("The hub did not accept the token: {0}").format(text))

    @Slot()
    def forget_token(self) -> None:
        self.services.secrets.delete(HF_TOKEN)
        self._token_changes += 1
        self.token.clear()
        self.token.setPlaceholderText(self.tr("hf_… (kept in the system keyring)"))
        self.forget_button.setEnabled(False)
        self.token_result.setText(self.tr("The token was removed."))

    # --- appearance, applied at once -----------------------------------------------------------
    def _save_one(self, **change: str) -> bool:
        try:
            self.services.catalog.save_settings(self.services.settings().updated(**change))
        except KnownError as exc:
            self.status.setText(str(exc))
            return False
        return True

    @Slot()
    def _save_and_sync(self) -> None:
        """Sync with the values on screen, not the ones saved before (the Store page shows the progress)."""
        if self.save():
            self.sync_requested.emit()

    @Slot()
    def _theme_chosen(self) -> None:
        if not self._loading and self._save_one(theme=self.theme.currentData()):
            self.theme_changed.emit(self.theme.currentData())

    @Slot()
    def _language_chosen(self) -> None:
        if not self._loading and self._save_one(language=self.language.currentData()):
            self.language_changed.emit(self.language.currentData())

    @Slot()
    def open_folder(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.paths.home))):
            self.status.setText(self.tr("Could not open {0}.").format(self.services.paths.home))


def _line(first: QWidget, *rest: QWidget, vertical: bool = False) -> QWidget:
    """Widgets side by side (the first one stretching), or stacked, as one form field."""
    holder = QWidget()
    layout = QVBoxLayout(holder) if vertical else QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(first, 1)
    for widget in rest:
        layout.addWidget(widget)
    return holder


def folder_size(folder: Path, cancel: Any = None) -> int:
    """Bytes of every file under ``folder`` (links not followed); stops early when cancelled."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        if cancel is not None and cancel.is_set():
            break
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total
