"""Settings › Local API: turn the OpenAI-compatible server on or off, where it listens, and its keys.

The switch applies at once (the address and limits are saved with it and cannot change while it runs).
A new key is shown once, in a field to copy from; the list shows only names and when each was last used.
Creating and revoking touch the keyring, which can be slow the first time, so they run as jobs.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QTreeWidget,
    QTreeWidgetItem, QWidget,
)

from app.core.api_keys import ApiKey, NewApiKey
from app.core.errors import KnownError
from app.services.container import Services
from app.ui.api_control import ApiControl
from app.ui.jobs import Job, Jobs
from app.ui.widgets import error_label

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
EVERY_INTERFACE = "0.0.0.0"


class ApiSection(QGroupBox):
    def __init__(self, services: Services, jobs: Jobs, control: ApiControl) -> None:
        super().__init__()
        self.setTitle(self.tr("Local API"))
        self.services, self.jobs, self.control = services, jobs, control
        self.key_job: Job | None = None
        form = QFormLayout(self)

        intro = QLabel(self.tr("Other programs can use your installed GPTs through an OpenAI-compatible API "
                               "(see docs/api.md). Each program needs a key."))
        intro.setWordWrap(True)
        form.addRow(intro)
        self.enabled = QCheckBox(self.tr("Serve installed GPTs to other programs"))
        self.enabled.setAccessibleName(self.tr("Local API on"))
        self.enabled.toggled.connect(self._toggled)
        form.addRow(self.enabled)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setAccessibleName(self.tr("API port"))
        self.port.setMaximumWidth(140)
        form.addRow(self.tr("Port"), self.port)
        self.slots = QSpinBox()
        self.slots.setRange(1, 16)
        self.slots.setAccessibleName(self.tr("Replies at once per model"))
        self.slots.setMaximumWidth(140)
        self.slots.setToolTip(self.tr("Each one is a model process of its own: more answer more programs at "
                                      "once and use more memory."))
        form.addRow(self.tr("Replies at once per model"), self.slots)
        self.network = QCheckBox(self.tr("Also accept other computers on the network (they still need a key)"))
        self.network.setAccessibleName(self.tr("Accept other computers"))
        form.addRow(self.network)
        self.url = QLineEdit()
        self.url.setReadOnly(True)
        self.url.setAccessibleName(self.tr("API address"))
        form.addRow(self.tr("Address"), self.url)
        self.state = error_label()
        form.addRow(self.state)

        self.keys = QTreeWidget()
        self.keys.setColumnCount(3)
        self.keys.setHeaderLabels([self.tr("Key"), self.tr("Created"), self.tr("Last used")])
        self.keys.setRootIsDecorated(False)
        self.keys.setAccessibleName(self.tr("API keys"))
        self.keys.setMaximumHeight(140)
        form.addRow(self.tr("Keys"), self.keys)
        self.key_name = QLineEdit()
        self.key_name.setPlaceholderText(self.tr("What the key is for, e.g. my editor"))
        self.key_name.setAccessibleName(self.tr("New key's name"))
        self.create_button = QPushButton(self.tr("Create key"))
        self.create_button.clicked.connect(self.create_key)
        self.revoke_button = QPushButton(self.tr("Revoke"))
        self.revoke_button.clicked.connect(self.revoke_key)
        self.revoke_button.setEnabled(False)
        self.keys.itemSelectionChanged.connect(
            lambda: self.revoke_button.setEnabled(bool(self.keys.selectedItems()) and self.key_job is None))
        form.addRow("", _row(self.key_name, self.create_button, self.revoke_button))
        self.new_key = QLineEdit()
        self.new_key.setReadOnly(True)
        self.new_key.setAccessibleName(self.tr("New key"))
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.new_key.text()))
        self.new_key_note = QLabel(self.tr("Copy this key now: it is not shown again."))
        self.new_key_note.setWordWrap(True)
        self.new_key_box = _row(self.new_key, self.copy_button)
        form.addRow("", self.new_key_box)
        form.addRow("", self.new_key_note)
        self.new_key_box.hide()
        self.new_key_note.hide()
        self.key_error = error_label()
        form.addRow("", self.key_error)

        control.changed.connect(self.show_state)
        control.failed.connect(self._start_failed)
        self.refresh()

    # --- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        settings = self.services.settings()
        self.enabled.blockSignals(True)
        self.enabled.setChecked(settings.api_enabled)
        self.enabled.blockSignals(False)
        self.port.setValue(min(max(settings.api_port, 1), 65535))
        self.slots.setValue(min(max(settings.api_slots, 1), 16))
        self.network.setChecked(settings.api_host not in (LOOPBACK, "localhost", "::1"))
        self.show_keys()
        self.show_state()

    @Slot()
    def show_state(self) -> None:
        running, busy = bool(self.control.url), self.control.busy
        for field in (self.port, self.slots, self.network):
            field.setEnabled(not running and not busy and not self.enabled.isChecked())
        self.enabled.setEnabled(not busy)
        if busy:
            self.url.setText(self.tr("Starting…") if self.enabled.isChecked() else self.tr("Stopping…"))
        else:
            self.url.setText(self.control.url or self.tr("Off"))

    def show_keys(self) -> None:
        self.keys.clear()
        for key in self.services.api_keys.list():
            item = QTreeWidgetItem([key.name, _when(key.created_at), _when(key.last_used_at) or self.tr("never")])
            item.setData(0, Qt.ItemDataRole.UserRole, key.id)
            self.keys.addTopLevelItem(item)
        for column in (0, 1):
            self.keys.resizeColumnToContents(column)

    # --- on and off --------------------------------------------------------------------------
    @Slot(bool)
    def _toggled(self, on: bool) -> None:
        self.state.hide()
        try:
            changes: dict[str, Any] = {"api_enabled": on}
            if on:
                host = self.services.settings().api_host
                if self.network.isChecked():
                    host = host if host not in (LOOPBACK, "localhost", "::1") else EVERY_INTERFACE
                else:
                    host = LOOPBACK
                changes.update(api_port=self.port.value(), api_slots=self.slots.value(), api_host=host)
            self.services.catalog.save_settings(self.services.settings().updated(**changes))
        except KnownError as exc:
            self._start_failed(str(exc))
            return
        if on:
            self.control.start()
        else:
            self.control.stop()
        self.show_state()

    @Slot(str)
    def _start_failed(self, sentence: str) -> None:
        self.state.setText(self.tr("The API could not start: {0}").format(sentence))
        self.state.show()
        self.enabled.blockSignals(True)
        self.enabled.setChecked(False)
        self.enabled.blockSignals(False)
        try:
            self.services.catalog.save_settings(self.services.settings().updated(api_enabled=False))
        except KnownError:
            log.warning("could not record that the API is off", exc_info=True)
        self.show_state()

    # --- keys --------------------------------------------------------------------------------
    @Slot()
    def create_key(self) -> None:
        name = self.key_name.text().strip()
        if self.key_job is not None:
            return
        if not name:
            self._key_failed(self.tr("Give the key a name first, e.g. the program that will use it."))
            return
        keys = self.services.api_keys
        self._key_work(Job(lambda _report, _cancel: keys.create(name), name="create API key"), self._on_created)

    @Slot()
    def revoke_key(self) -> None:
        selected = self.keys.selectedItems()
        if not selected or self.key_job is not None:
            return
        key_id, keys = selected[0].data(0, Qt.ItemDataRole.UserRole), self.services.api_keys
        self._key_work(Job(lambda _report, _cancel: keys.revoke(key_id), name="revoke API key"), self._on_revoked)

    def _key_work(self, job: Job, finished: Any) -> None:
        self.key_error.hide()
        self.create_button.setEnabled(False)
        self.revoke_button.setEnabled(False)
        job.signals.finished.connect(finished)
        job.signals.failed.connect(self._key_failed)
        job.signals.done.connect(self._key_done)
        self.key_job = self.jobs.start(job)

    @Slot(object)
    def _on_created(self, made: NewApiKey) -> None:
        self.key_name.clear()
        self.new_key.setText(made.secret)
        self.new_key_note.setText(
            self.tr("Copy this key now: it is not shown again.") if made.persistent else
            self.tr("Copy this key now: it is not shown again. There is no system keyring, so it works only "
                    "until GPT Shelf closes."))
        self.new_key_box.show()
        self.new_key_note.show()

    @Slot(object)
    def _on_revoked(self, key: ApiKey) -> None:
        self.new_key.clear()
        self.new_key_box.hide()
        self.new_key_note.hide()
        self.key_error.setText(self.tr("Revoked “{0}”: programs using it are refused from now on.").format(key.name))
        self.key_error.setStyleSheet("")
        self.key_error.show()

    @Slot(str)
    def _key_failed(self, sentence: str) -> None:
        self.key_error.setStyleSheet("color: #d64545;")
        self.key_error.setText(sentence)
        self.key_error.show()

    @Slot()
    def _key_done(self) -> None:
        self.key_job = None
        self.create_button.setEnabled(True)
        self.show_keys()
        self.revoke_button.setEnabled(bool(self.keys.selectedItems()))


def _row(first: QWidget, *rest: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(first, 1)
    for widget in rest:
        layout.addWidget(widget)
    return holder


def _when(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") if stamp else ""
