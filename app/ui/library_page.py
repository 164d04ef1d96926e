"""My GPTs: every GPT on this machine, with its model, and what a person does with one.

Store GPTs are uninstalled through the store (which also frees a model no other GPT uses), in a
Job because that may delete gigabytes; GPTs made here are simply deleted from the catalog. A badge
says when the store lists a newer version of an installed GPT, so the page answers "is this current?"
without a sync of its own.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from app.core.entities import GPT, GPTSource
from app.core.errors import KnownError, NotFound
from app.core.memory import human
from app.services.container import Services
from app.ui.jobs import Job, Jobs
from app.ui.versions_dialog import VersionsDialog
from app.ui.widgets import id_table, select_row_with, selected_value

if TYPE_CHECKING:
    from app.ui.publish_dialog import PublishDialog  # imported when opened: not on the start path
    from app.ui.run_on_dialog import RunOnDialog
    from app.ui.wizard import GPTWizard

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole


class LibraryPage(QWidget):
    """Signals: open_chat(str) with a GPT id; changed() after a GPT was added, updated, rolled back or
    removed; settings_requested() when the person asked for Settings (to set a hub token)."""

    open_chat = Signal(str)
    changed = Signal()
    settings_requested = Signal()

    def __init__(self, services: Services, jobs: Jobs) -> None:
        super().__init__()
        self.services = services
        self.jobs = jobs
        self.uninstall_job: Job | None = None
        self.file_job: Job | None = None
        """The running export, import or update (one at a time: each may move gigabytes)."""
        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        self.note = QLabel()
        self.note.setObjectName("pageNote")
        self.note.setWordWrap(True)

        self.table = id_table([self.tr("Name"), self.tr("Version"), self.tr("Source"), self.tr("Model"),
                               self.tr("Size"), self.tr("Update")])
        self.table.setAccessibleName(self.tr("My GPTs"))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_selected())

        self.open_button = QPushButton(self.tr("Open in chat"))
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self.open_selected)
        self.new_button = QPushButton(self.tr("New GPT…"))
        self.new_button.clicked.connect(lambda: self.open_wizard(None))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.wizard: GPTWizard | None = None
        """The wizard while it is open (tests reach it here)."""
        self.versions_button = QPushButton(self.tr("Versions…"))
        self.versions_button.clicked.connect(self.show_versions)
        self.evals_button = QPushButton(self.tr("Evals…"))
        self.evals_button.setToolTip(self.tr("Run the GPT's eval set: two versions side by side, and the trend."))
        self.evals_button.clicked.connect(self.show_evals)
        self.evals_dialog = None
        """The evals dialog while it is open (tests reach it here)."""
        self.update_button = QPushButton(self.tr("Update"))
        self.update_button.clicked.connect(self.update_selected)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(self.export_selected)
        self.publish_button = QPushButton(self.tr("Publish…"))
        self.publish_button.setToolTip(self.tr("Put this GPT on the hub: for you only, for anyone with the link, "
                                               "or in the store."))
        self.publish_button.clicked.connect(self.publish_selected)
        self.publish_dialog: PublishDialog | None = None
        """The publish dialog while it is open (tests reach it here)."""
        self.run_on_button = QPushButton(self.tr("Runs on…"))
        self.run_on_button.setToolTip(self.tr("Run this GPT on this computer or on a remote engine"))
        self.run_on_button.clicked.connect(self.choose_where)
        self.run_on_dialog: RunOnDialog | None = None
        """The "Runs on" dialog while it is open (tests reach it here)."""
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.clicked.connect(self.import_file)
        self.uninstall_button = QPushButton(self.tr("Uninstall"))
        self.uninstall_button.clicked.connect(self.uninstall_selected)
        self.status = QLabel()
        self.status.setObjectName("pageNote")
        self.status.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.update_button)
        buttons.addWidget(self.versions_button)
        buttons.addWidget(self.evals_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.publish_button)
        buttons.addWidget(self.run_on_button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.uninstall_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.refresh()

    # --- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the GPTs, keeping the selected one selected when it is still there."""
        self.heading.setText(self.tr("My GPTs"))
        selected = self.selected_id()
        gpts = self.services.gpts.list()
        self.note.setText(self.tr("GPTs installed from the store and the ones you made.") if gpts else
                          self.tr("No GPTs yet. Install one from the Store, or import a GGUF model and "
                                  "make a GPT from it."))
        self.table.setRowCount(len(gpts))
        placements = {p.gpt_id: p for p in self.services.remote_engines.placements()}
        for row, gpt in enumerate(gpts):
            model_name, size = self._model_of(gpt)
            placement = placements.get(gpt.id)
            if placement is not None:
                model_name = self.tr("{0} on {1} (remote)").format(placement.model, placement.engine_name)
            cells = (gpt.name, gpt.version, self._source_text(gpt.source), model_name, size, self._update_of(gpt))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, gpt.id)
                if column == 0 and gpt.description:
                    item.setToolTip(gpt.description)
                self.table.setItem(row, column, item)
            if gpt.id == selected:
                self.table.selectRow(row)
        self._update_buttons()

    def _model_of(self, gpt: GPT) -> tuple[str, str]:
        try:
            model = self.services.catalog.get_model(gpt.model_sha256)
        except NotFound:
            return self.tr("(missing: {0})").format(gpt.model_sha256[:12]), "-"
        return model.display_name, human(model.size)

    def _listed_version(self, gpt: GPT) -> str | None:
        """The store's version of this GPT when it differs from the installed one."""
        if gpt.source is not GPTSource.STORE:
            return None
        try:
            listing = self.services.catalog.get_listing(gpt.id)
        except NotFound:
            return None
        return listing.version if listing.version and listing.version != gpt.version else None

    def _update_of(self, gpt: GPT) -> str:
        """A badge when the store lists this GPT's id with another version."""
        listed = self._listed_version(gpt)
        return self.tr("Update available: {0}").format(listed) if listed else ""

    def _source_text(self, source: GPTSource) -> str:
        return {GPTSource.CUSTOM: self.tr("Made here"), GPTSource.STARTER: self.tr("Starter"),
                GPTSource.STORE: self.tr("Store"), GPTSource.IMPORTED: self.tr("Imported")}.get(source, str(source))

    def selected_id(self) -> str | None:
        return selected_value(self.table, ID_ROLE)

    def selected_gpt(self) -> GPT | None:
        """The selected GPT read afresh, or None (with the reason in the status line when it is gone)."""
        gpt_id = self.selected_id()
        if gpt_id is None:
            return None
        try:
            return self.services.gpts.get(gpt_id)
        except KnownError as exc:
            self.status.setText(str(exc))
            return None

    def select_gpt(self, gpt_id: str) -> bool:
        return select_row_with(self.table, ID_ROLE, gpt_id)

    @Slot()
    def _update_buttons(self) -> None:
        gpt_id = self.selected_id()
        has = gpt_id is not None
        busy = self.uninstall_job is not None or self.file_job is not None
        self.open_button.setEnabled(has)
        self.edit_button.setEnabled(has and not busy)
        self.versions_button.setEnabled(has)
        self.evals_button.setEnabled(has)
        self.export_button.setEnabled(has and not busy)
        self.publish_button.setEnabled(has and not busy)
        self.run_on_button.setEnabled(has)
        self.import_button.setEnabled(not busy)
        self.uninstall_button.setEnabled(has and not busy)
        listed = None
        if has:
            try:
                listed = self._listed_version(self.services.gpts.get(gpt_id))
            except KnownError:
                listed = None
        self.update_button.setVisible(listed is not None)
        self.update_button.setEnabled(listed is not None and not busy)
        if listed:
            self.update_button.setText(self.tr("Update to {0}").format(listed))

    # --- actions -----------------------------------------------------------------------------
    @Slot()
    def open_selected(self) -> None:
        gpt_id = self.selected_id()
        if gpt_id is not None:
            self.open_chat.emit(gpt_id)

    @Slot()
    def edit_selected(self) -> None:
        gpt = self.selected_gpt()
        if gpt is None:
            return
        self.open_wizard(gpt)

    def open_wizard(self, gpt: GPT | None, *, model_sha256: str | None = None) -> GPT | None:
        """Make a GPT (``gpt`` None) or change one in the wizard; returns it as saved (None: cancelled)."""
        from app.ui.wizard import GPTWizard  # noqa: PLC0415 - see the import at the top

        self.wizard = wizard = GPTWizard(self.services, self.jobs, gpt, model_sha256=model_sha256, parent=self)
        wizard.exec()
        saved, self.wizard = wizard.saved_gpt, None
        wizard.deleteLater()
        self.refresh()  # also when cancelled: its Model step may have installed a GPT or a model from the store
        if saved is not None:
            self.status.setText(self.tr("{0} {1} is saved.").format(saved.name, saved.version))
            self.select_gpt(saved.id)
        self.changed.emit()
        return saved

    @Slot()
    def show_versions(self) -> None:
        gpt = self.selected_gpt()
        if gpt is None:
            return
        dialog = VersionsDialog(self.services, gpt, self)
        self.versions_dialog = dialog  # tests reach the open dialog here
        dialog.exec()
        self.versions_dialog = None
        if dialog.rolled_back is not None:
            self.refresh()
            self.changed.emit()

    @Slot()
    def show_evals(self) -> None:
        gpt = self.selected_gpt()
        if gpt is None:
            return
        from app.ui.evals_dialog import EvalDialog  # noqa: PLC0415 - only when asked for (first paint stays light)

        dialog = EvalDialog(self.services, self.jobs, gpt, parent=self)
        self.evals_dialog = dialog
        dialog.exec()
        self.evals_dialog = None
        dialog.deleteLater()

    @Slot()
    def publish_selected(self) -> None:
        """Open the publish dialog for the selected GPT; it publishes (and changes who can see it) in Jobs."""
        gpt = self.selected_gpt()
        if gpt is None:
            return
        from app.ui.publish_dialog import PublishDialog  # noqa: PLC0415 - see TYPE_CHECKING above

        dialog = PublishDialog(self.services, self.jobs, gpt, self)
        dialog.settings_requested.connect(self.settings_requested)
        self.publish_dialog = dialog
        dialog.exec()
        self.publish_dialog = None
        dialog.deleteLater()
        if dialog.published_result is not None:
            result = dialog.published_result
            self.status.setText(self.tr("{0} {1} is on the hub as {2}.").format(gpt.name, result.version,
                                                                              result.repo_id))

    @Slot()
    def choose_where(self, engine_id: int | None = None) -> bool:
        """Ask where the selected GPT runs (this computer or an engine's model); True when it was saved."""
        gpt = self.selected_gpt()
        if gpt is None:
            return False
        from app.ui.run_on_dialog import RunOnDialog  # noqa: PLC0415 - with the first use, not at start

        dialog = RunOnDialog(self.services, self.jobs, gpt, self, engine_id=engine_id)
        self.run_on_dialog = dialog
        dialog.exec()
        self.run_on_dialog = None
        dialog.deleteLater()
        if dialog.saved:
            self.refresh()
            where = self.services.remote_engines.where(gpt.id)
            self.status.setText(self.tr("{0} runs on: {1}").format(gpt.name, where))
            self.changed.emit()
        return dialog.saved

    def ask_with_model(self, gpt: GPT) -> bool | None:
        """Whether the model goes into the file (None: cancelled). Without it the other machine needs
        the same model installed, which a locally imported model rarely is."""
        size = self._model_of(gpt)[1]
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Export GPT"), self.tr(
            "Include the model file ({0})? The exported file then works on any machine; without it, the "
            "other machine needs the same model installed.").format(size),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel, self)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Cancel:
            return None
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def export_selected(self) -> None:
        """Write the GPT as a ``.gptshelf`` file (gpt.json and its files, optionally the model) in a Job."""
        if self.file_job is not None:
            return
        gpt = self.selected_gpt()
        if gpt is None:
            return
        suggested = str(Path.home() / f"{gpt.id.replace('/', '-')}-{gpt.version}.gptshelf")
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Export GPT"), suggested,
                                                    self.tr("GPT Shelf files (*.gptshelf)"))
        if not path:
            return
        with_model = self.ask_with_model(gpt)
        if with_model is None:
            return
        packages = self.services.packages
        self._start_file_job(Job(lambda _report, _cancel: packages.export_gpt(gpt.id, Path(path),
                                                                               with_model=with_model),
                                 name=f"export {gpt.id}"),
                             self.tr("Exporting {0}…").format(gpt.name), self._on_exported)

    @Slot(object)
    def _on_exported(self, path: object) -> None:
        self.status.setText(self.tr("Exported to {0}.").format(path))

    @Slot()
    def import_file(self) -> None:
        """Add a GPT from a ``.gptshelf`` file; every file in it is checked before anything is written."""
        if self.file_job is not None:
            return
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Import GPT"), str(Path.home()),
                                                    self.tr("GPT Shelf files (*.gptshelf)"))
        if not path:
            return
        packages = self.services.packages
        self._start_file_job(Job(lambda _report, _cancel: packages.import_gpt(Path(path)), name="import gpt"),
                             self.tr("Importing {0}…").format(Path(path).name), self._on_added)

    @Slot()
    def update_selected(self) -> None:
        """Install the store's newer version over this one (the old version stays for a roll back)."""
        gpt_id = self.selected_id()
        if gpt_id is None or self.file_job is not None:
            return
        remote = self.services.remote_engines

        def work(report, cancel):  # noqa: ANN001, ANN202 - a Job's work
            return remote.update_from_store(gpt_id, progress=report, cancel=cancel)

        job = Job(work, name=f"update {gpt_id}")
        job.signals.progress.connect(self._on_update_progress)
        self._start_file_job(job, self.tr("Updating…"), self._on_added)

    @Slot(object)
    def _on_update_progress(self, value: object) -> None:
        done, total = getattr(value, "done", None), getattr(value, "total", None)
        if done is not None and total:
            self.status.setText(self.tr("Updating… {0}%").format(int(100 * done / total)))

    @Slot(object)
    def _on_added(self, gpt: object) -> None:
        if isinstance(gpt, GPT):
            self.status.setText(self.tr("{0} {1} is ready.").format(gpt.name, gpt.version))
            self.refresh()
            self.select_gpt(gpt.id)
            self.changed.emit()

    def _start_file_job(self, job: Job, message: str, on_finished) -> None:  # noqa: ANN001 - a slot
        job.signals.finished.connect(on_finished)
        job.signals.failed.connect(self.status.setText)
        job.signals.done.connect(self._file_job_done)
        self.file_job = job
        self.status.setText(message)
        self._update_buttons()
        self.jobs.start(job)

    @Slot()
    def _file_job_done(self) -> None:
        self.file_job = None
        self._update_buttons()

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Uninstall GPT"), question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def uninstall_selected(self) -> None:
        if self.uninstall_job is not None:
            return
        gpt = self.selected_gpt()
        if gpt is None:
            return
        if gpt.source is GPTSource.CUSTOM:
            question = self.tr("Delete “{0}”? Its conversations stay in the history.").format(gpt.name)
        else:
            question = self.tr("Uninstall “{0}”? Its model file is deleted too when no other GPT uses it; "
                               "its conversations stay in the history.").format(gpt.name)
        if not self.confirm(question):
            return
        if gpt.source is GPTSource.CUSTOM:
            try:
                self.services.catalog.delete_gpt(gpt.id)
            except KnownError as exc:
                self.status.setText(str(exc))
                return
            self._removed(gpt.name)
            return
        job = Job(lambda _report, _cancel: self.services.store.uninstall(gpt.id), name=f"uninstall {gpt.id}")
        job.signals.finished.connect(self._on_uninstalled)
        job.signals.failed.connect(self.status.setText)
        job.signals.done.connect(self._uninstall_done)
        self.uninstall_job = job
        self.status.setText(self.tr("Uninstalling {0}…").format(gpt.name))
        self._update_buttons()
        self.jobs.start(job)

    @Slot(object)
    def _on_uninstalled(self, removed: GPT) -> None:
        self._removed(removed.name)

    def _removed(self, name: str) -> None:
        self.status.setText(self.tr("Removed {0}.").format(name))
        self.refresh()
        self.changed.emit()

    @Slot()
    def _uninstall_done(self) -> None:
        self.uninstall_job = None
        self._update_buttons()
