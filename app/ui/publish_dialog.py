"""Publish a GPT to the hub: who can see it, where it goes, progress, and the links that came of it.

Opening the dialog asks the hub (in a Job) whose token is in the keyring and what the GPT's repo holds
now, so the dialog can say where it will publish and preselect the visibility it has. Without a token
(or with one that cannot write) it says so and offers to open Settings, where the token is set.
Publishing runs as a Job with the service's progress events on a bar; Cancel stops it until the commit
starts, and then the dialog waits for the end. Changing who can see a GPT is publishing it again with
another visibility: the service makes the repo private or public and opens the store's pull request.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QRadioButton,
    QVBoxLayout, QWidget,
)

from app.core.entities import GPT
from app.core.errors import KnownError
from app.services.container import Services
from app.services.publish import PublishEvent, PublishResult, PublishStep, PublishTarget, Visibility
from app.services.store import HubUnauthorized, TokenMissing
from app.ui.jobs import Job, Jobs
from app.ui.widgets import error_label

log = logging.getLogger(__name__)

ORDER = (Visibility.PRIVATE, Visibility.LINK, Visibility.STORE)
NO_TOKEN, REFUSED_TOKEN, FAILED = "no token", "refused token", "failed"


@dataclass(frozen=True)
class Lookup:
    """What the lookup Job returns: where the GPT would go, or why that is not known."""

    target: PublishTarget | None = None
    problem: str = ""
    message: str = ""


def look_up_work(lookup: Callable[[], PublishTarget]) -> Callable[[Callable[[Any], None], threading.Event], Lookup]:
    """Job work that sorts the known errors (a missing or refused token is worded for the GUI)."""

    def work(_report: Callable[[Any], None], _cancel: threading.Event) -> Lookup:
        try:
            return Lookup(lookup())
        except TokenMissing as exc:
            return Lookup(problem=NO_TOKEN, message=str(exc))
        except HubUnauthorized as exc:
            return Lookup(problem=REFUSED_TOKEN, message=str(exc))
        except KnownError as exc:
            return Lookup(problem=FAILED, message=str(exc))

    return work


class PublishDialog(QDialog):
    """Signals:
        looked_up(): the hub answered (or failed) about where the GPT would go
        published(object): a :class:`PublishResult`, once a publish finished
        publish_done(): after a publish finished, failed or was cancelled
        settings_requested(): the person asked to open Settings (to set a hub token)

    ``published_result`` holds the last successful publish (None when there was none).
    """

    looked_up = Signal()
    published = Signal(object)
    publish_done = Signal()
    settings_requested = Signal()

    def __init__(self, services: Services, jobs: Jobs, gpt: GPT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        self.gpt = gpt
        self.target: PublishTarget | None = None
        self.published_result: PublishResult | None = None
        self.lookup_job: Job | None = None
        self.publish_job: Job | None = None
        self._cancellable = False
        self.setWindowTitle(self.tr("Publish {0}").format(gpt.name))
        self.resize(560, 420)

        heading = QLabel(self.tr("Publish “{0}” version {1} to the hub").format(gpt.name, gpt.version))
        heading.setObjectName("pageHeading")
        heading.setWordWrap(True)
        self.choices = QButtonGroup(self)
        texts = {
            Visibility.PRIVATE: (self.tr("Only me"),
                                 self.tr("A private repo: only you can see and install it.")),
            Visibility.LINK: (self.tr("Anyone with the link"),
                              self.tr("A public repo, not listed in the store: anyone with its id can install it.")),
            Visibility.STORE: (self.tr("Store"),
                               self.tr("A public repo, and a pull request that lists it in the store; it shows up "
                                       "for everyone once the store's maintainers merge it.")),
        }
        self.radios: dict[Visibility, QRadioButton] = {}
        choice_box = QVBoxLayout()
        for visibility in ORDER:
            title, detail = texts[visibility]
            radio = QRadioButton(title)
            radio.setAccessibleDescription(detail)
            note = QLabel(detail)
            note.setObjectName("pageNote")
            note.setWordWrap(True)
            note.setContentsMargins(24, 0, 0, 4)
            self.choices.addButton(radio)
            self.radios[visibility] = radio
            choice_box.addWidget(radio)
            choice_box.addWidget(note)
        self.radios[Visibility.PRIVATE].setChecked(True)
        self.choices.buttonToggled.connect(lambda *_: self._update_buttons())

        self.where = QLabel(self.tr("Checking your hub account…"))
        self.where.setWordWrap(True)
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.token_error = error_label()
        self.settings_button = QPushButton(self.tr("Open Settings"))
        self.settings_button.setToolTip(self.tr("The hub token is set in Settings, under Hub."))
        self.settings_button.clicked.connect(self._open_settings)
        self.settings_button.hide()
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_error, 1)
        token_row.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignTop)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName(self.tr("Publishing progress"))
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error = error_label()
        self.links = QLabel()
        self.links.setWordWrap(True)
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setOpenExternalLinks(True)
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.links.hide()

        self.publish_button = QPushButton(self.tr("Publish"))
        self.publish_button.setObjectName("primary")
        self.publish_button.setDefault(True)
        self.publish_button.clicked.connect(self.publish)
        self.cancel_button = QPushButton(self.tr("Stop"))
        self.cancel_button.setToolTip(self.tr("Stops publishing; possible until the upload is committed."))
        self.cancel_button.clicked.connect(self.cancel_publish)
        self.cancel_button.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.buttons.addButton(self.publish_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(choice_box)
        layout.addWidget(self.where)
        layout.addLayout(token_row)
        layout.addStretch(1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.links)
        layout.addWidget(self.buttons)
        self._update_buttons()
        self.look_up()

    # --- where it goes ------------------------------------------------------------------------
    def look_up(self) -> None:
        """Ask the hub whose token this is and what the GPT's repo holds now (in a Job)."""
        publisher, gpt_id = self.services.publisher, self.gpt.id
        job = Job(look_up_work(lambda: publisher.target(gpt_id)), name=f"publish target {gpt_id}")
        job.signals.finished.connect(self._on_looked_up)
        job.signals.failed.connect(self._on_lookup_failed)
        job.signals.done.connect(self._lookup_done)
        self.lookup_job = job
        self.jobs.start(job)

    @Slot(object)
    def _on_looked_up(self, answer: Lookup) -> None:
        if answer.target is None:
            self.where.setText("")
            self.where.hide()
            login = answer.problem in (NO_TOKEN, REFUSED_TOKEN)
            if answer.problem == NO_TOKEN:
                text = self.tr("No hub token is set. Publishing needs a token that can write, from your hub "
                               "account's settings; set it in Settings, under Hub.")
            elif answer.problem == REFUSED_TOKEN:
                text = self.tr("{0}\nSet a token that can write in Settings, under Hub.").format(answer.message)
            else:
                text = answer.message
            self.token_error.setText(text)
            self.token_error.show()
            self.settings_button.setVisible(login)
            return
        self.target = target = answer.target
        self.token_error.hide()
        self.settings_button.hide()
        if target.published_version is None:
            now = self.tr("It is not on the hub yet.")
        else:
            now = self.tr("The hub has version {0} now ({1}).").format(target.published_version,
                                                                        self._visibility_text(target.visibility))
        self.where.setText(self.tr("It will be published as {0} under your account {1} on {2}. {3}").format(
            target.repo_id, target.account, target.repo_url.rsplit("/", 2)[0], now))
        self.where.show()
        if target.visibility is not None:
            self.radios[target.visibility].setChecked(True)

    def _visibility_text(self, visibility: Visibility | None) -> str:
        return {Visibility.PRIVATE: self.tr("only you can see it"),
                Visibility.LINK: self.tr("anyone with the link"),
                Visibility.STORE: self.tr("listed in the store")}.get(visibility, "")

    @Slot(str)
    def _on_lookup_failed(self, message: str) -> None:
        self.token_error.setText(message)
        self.token_error.show()

    @Slot()
    def _lookup_done(self) -> None:
        self.lookup_job = None
        self._update_buttons()
        self.looked_up.emit()

    @Slot()
    def _open_settings(self) -> None:
        self.settings_requested.emit()
        self.reject()

    # --- publishing ---------------------------------------------------------------------------
    def visibility(self) -> Visibility:
        return next(v for v, radio in self.radios.items() if radio.isChecked())

    def choose(self, visibility: Visibility | str) -> None:
        self.radios[Visibility(visibility)].setChecked(True)

    @Slot()
    def publish(self) -> None:
        if self.publish_job is not None or self.target is None:
            return
        publisher, gpt_id, visibility = self.services.publisher, self.gpt.id, self.visibility()

        def work(report, cancel):  # noqa: ANN001, ANN202 - a Job's work
            return publisher.publish(gpt_id, visibility, progress=report, cancel=cancel)

        job = Job(work, name=f"publish {gpt_id}")
        job.signals.progress.connect(self._on_progress)
        job.signals.finished.connect(self._on_published)
        job.signals.failed.connect(self._on_publish_failed)
        job.signals.done.connect(self._publish_done)
        self.publish_job = job
        self._cancellable = True
        self.error.hide()
        self.links.hide()
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(self.tr("Publishing…"))
        self._update_buttons()
        self.jobs.start(job)

    @Slot(object)
    def _on_progress(self, event: PublishEvent) -> None:
        self.progress.setValue(int(1000 * event.fraction))
        self._cancellable = event.cancellable
        self.status.setText(self._step_text(event))
        self._update_buttons()

    def _step_text(self, event: PublishEvent) -> str:
        if event.step is PublishStep.HASH:
            return self.tr("Checking the files… {0}").format(event.path)
        if event.step is PublishStep.UPLOAD:
            return self.tr("Uploading {0}…").format(event.path) if event.path else self.tr("Uploading…")
        return {PublishStep.ACCOUNT: self.tr("Checking your hub account…"),
                PublishStep.COMMIT: self.tr("Saving the new version on the hub…"),
                PublishStep.VISIBILITY: self.tr("Changing who can see it…"),
                PublishStep.LISTING: self.tr("Proposing the store listing…"),
                PublishStep.DONE: self.tr("Done.")}.get(event.step, "")

    @Slot(object)
    def _on_published(self, result: PublishResult) -> None:
        self.published_result = result
        self.progress.setValue(1000)
        done = self.tr("Published {0} {1} as {2}.") if result.changed else \
            self.tr("The hub already has {0} {1} as {2}; nothing was uploaded.")
        if result.visibility is Visibility.STORE and result.pr_url:
            who = self.tr("anyone; proposed for the store")
        else:
            who = self._visibility_text(result.visibility)
        self.status.setText(done.format(self.gpt.name, result.version, result.repo_id) + " " +
                            self.tr("Who can see it: {0}.").format(who))
        lines = [self.tr("Repo: {0}").format(_link(result.repo_url))]
        if result.pr_url:
            text = self.tr("Pull request to list it in the store: {0} (it appears once the store's maintainers "
                           "merge it)") if result.visibility is Visibility.STORE else \
                self.tr("Pull request to remove it from the store: {0}")
            lines.append(text.format(_link(result.pr_url)))
        if result.visibility is not Visibility.PRIVATE:
            lines.append(self.tr("Others can install it by its id: {0}").format(html.escape(result.repo_id)))
        self.links.setText("<br>".join(lines))
        self.links.show()
        self.target = PublishTarget(result.gpt_id, self.target.account if self.target else "", result.repo_id,
                                    result.repo_url, result.version, result.visibility)
        self.published.emit(result)

    @Slot(str)
    def _on_publish_failed(self, message: str) -> None:
        self.status.setText("")
        self.progress.hide()
        self.error.setText(message)
        self.error.show()

    @Slot()
    def _publish_done(self) -> None:
        self.publish_job = None
        self._cancellable = False
        self._update_buttons()
        self.publish_done.emit()

    @Slot()
    def cancel_publish(self) -> None:
        if self.publish_job is not None and self._cancellable:
            self.publish_job.cancel()
            self.status.setText(self.tr("Stopping…"))

    def reject(self) -> None:  # noqa: D102 - Esc and Close: stop first (a commit under way runs to its end)
        if self.publish_job is not None:
            self.cancel_publish()
            return
        if self.lookup_job is not None:
            self.lookup_job.cancel()
        super().reject()

    def _update_buttons(self) -> None:
        busy = self.publish_job is not None
        self.publish_button.setEnabled(not busy and self.lookup_job is None and self.target is not None)
        again = self.published_result is not None
        self.publish_button.setText(self.tr("Publish again") if again else self.tr("Publish"))
        for radio in self.radios.values():
            radio.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy and self._cancellable)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(not busy)


def _link(url: str) -> str:
    safe = html.escape(url, quote=True)
    return f'<a href="{safe}">{safe}</a>'
