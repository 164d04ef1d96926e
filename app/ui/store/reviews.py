"""The social side of a store listing: its likes on the hub, your reviews, and the hub's reviews.

A person expects an app store to show what others think and to let them like and review. Your own
reviews are one small catalog read or write, so they stay on the GUI thread and show at once; everything
that talks to the hub (the like count and whether you like it, liking, the hub's reviews, publishing a
review) runs as a Job (DESIGN §5). Every answer carries the listing it is about, so one that arrives after
the person opened another GPT is dropped. Failures are shown inline, next to what failed, with a sentence
that says what to do; publishing failing never loses the review kept on this computer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QLocale, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from app.core.entities import Listing
from app.core.errors import KnownError
from app.services.container import Services
from app.services.store import HubOffline, HubReview, HubUnauthorized, LikeState, TokenMissing
from app.ui.jobs import Job, Jobs
from app.ui.widgets import error_label

log = logging.getLogger(__name__)

LOGIN, OFFLINE, FAILED = "login", "offline", "failed"
"""Why a hub call failed, as far as the panel words it differently."""


@dataclass(frozen=True)
class HubAnswer:
    """What a hub Job returns: the value, or why there is none. Known errors come back as a result (not
    through ``failed``) because the panel words a missing login or a lost connection its own way."""

    listing_id: str
    value: Any = None
    problem: str = ""
    message: str = ""


def ask_hub(listing_id: str, call: Callable[[], Any]) -> Callable[[Callable[[Any], None], threading.Event], HubAnswer]:
    """Job work that runs ``call`` and sorts its known errors; bugs still reach ``failed`` (and the log)."""

    def work(_report: Callable[[Any], None], _cancel: threading.Event) -> HubAnswer:
        try:
            return HubAnswer(listing_id, call())
        except (TokenMissing, HubUnauthorized) as exc:
            return HubAnswer(listing_id, problem=LOGIN, message=str(exc))
        except HubOffline as exc:
            return HubAnswer(listing_id, problem=OFFLINE, message=str(exc))
        except KnownError as exc:
            return HubAnswer(listing_id, problem=FAILED, message=str(exc))

    return work


def stars_text(stars: int) -> str:
    stars = max(0, min(5, stars))
    return "★" * stars + "☆" * (5 - stars)


class ReviewsPanel(QWidget):
    """Like button, your reviews with the review form, and the hub's reviews below them.

    Signals (each once the panel shows the hub's answer about the listing shown, success or failure;
    answers about a listing no longer shown are dropped silently):
        like_answered(): the like count and state read when the listing opened, or a like/unlike sent
        hub_reviews_answered(): the hub's reviews, loaded or failed
        publish_answered(): a review published, or not
    """

    like_answered = Signal()
    hub_reviews_answered = Signal()
    publish_answered = Signal()

    def __init__(self, services: Services, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._jobs = jobs
        self.listing_id = ""
        self._likes: int | None = None
        self._liked = False
        self._liking = False
        self._unpublished: tuple[int, str] | None = None  # (stars, text) of a review whose publishing failed
        self.like_state_job: Job | None = None
        self.like_job: Job | None = None
        self.hub_job: Job | None = None
        self.publish_job: Job | None = None

        self.like_button = QPushButton()
        self.like_button.setCheckable(True)
        self.like_button.setAccessibleName(self.tr("Like on the hub"))
        self.like_button.clicked.connect(self.toggle_like)
        self.like_status = error_label()

        self.local_list = QListWidget()
        self.local_list.setAccessibleName(self.tr("Your reviews"))
        self.local_list.setMinimumHeight(90)
        self.review_stars = QSpinBox()
        self.review_stars.setRange(1, 5)
        self.review_stars.setValue(5)
        self.review_stars.setSuffix(self.tr(" ★"))
        self.review_stars.setAccessibleName(self.tr("Stars"))
        self.review_text = QLineEdit()
        self.review_text.setPlaceholderText(self.tr("What did you think of it?"))
        self.review_text.setAccessibleName(self.tr("Review text"))
        self.publish_box = QCheckBox(self.tr("Also publish to the hub"))
        self.publish_box.setToolTip(self.tr("Posts the review as a discussion on the GPT's hub page; needs a hub "
                                            "token in Settings."))
        self.review_button = QPushButton(self.tr("Post review"))
        self.review_button.clicked.connect(self.submit_review)
        self.review_text.returnPressed.connect(self.submit_review)
        self.review_status = QLabel()
        self.review_status.setWordWrap(True)
        self.publish_error = error_label()
        self.publish_retry_button = QPushButton(self.tr("Publish again"))
        self.publish_retry_button.clicked.connect(self.publish_again)
        self.publish_retry_button.hide()

        self.hub_status = QLabel()
        self.hub_status.setObjectName("pageNote")
        self.hub_status.setWordWrap(True)
        self.hub_error = error_label()
        self.hub_retry_button = QPushButton(self.tr("Retry"))
        self.hub_retry_button.clicked.connect(self.load_hub_reviews)
        self.hub_retry_button.hide()
        self.hub_list = QListWidget()
        self.hub_list.setAccessibleName(self.tr("Reviews on the hub"))
        self.hub_list.setWordWrap(True)
        self.hub_list.setMinimumHeight(120)
        self.hub_list.hide()

        like_row = QHBoxLayout()
        like_row.addWidget(self.like_button)
        like_row.addWidget(self.like_status, 1)
        form = QHBoxLayout()
        form.addWidget(self.review_stars)
        form.addWidget(self.review_text, 1)
        form.addWidget(self.publish_box)
        form.addWidget(self.review_button)
        publish_row = QHBoxLayout()
        publish_row.addWidget(self.publish_error, 1)
        publish_row.addWidget(self.publish_retry_button)
        hub_row = QHBoxLayout()
        hub_row.addWidget(self.hub_status, 1)
        hub_row.addWidget(self.hub_error, 1)
        hub_row.addWidget(self.hub_retry_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(like_row)
        layout.addWidget(QLabel(self.tr("Reviews")))
        layout.addWidget(self.local_list)
        layout.addLayout(form)
        layout.addWidget(self.review_status)
        layout.addLayout(publish_row)
        layout.addWidget(QLabel(self.tr("On the hub")))
        layout.addLayout(hub_row)
        layout.addWidget(self.hub_list)
        self._show_like()

    # --- what the panel is about ---------------------------------------------------------------
    def set_listing(self, listing: Listing) -> None:
        """Show a listing: its likes as last synced and your reviews at once, the hub's side from Jobs."""
        self.listing_id = listing.id
        self._likes, self._liked, self._liking = listing.likes, False, False
        self._unpublished = None
        self.like_status.hide()
        self.like_button.setEnabled(True)
        self.like_button.setToolTip("")
        self._show_like()
        self.hub_list.clear()  # another GPT's reviews must not show while this one's load
        self.hub_list.hide()
        self.review_status.clear()
        self.review_button.setEnabled(True)
        self._hide_publish_error()
        self.fill_local(self._services.catalog.list_reviews(listing.id))
        listing_id, store = listing.id, self._services.store
        self.like_state_job = self._start(ask_hub(listing_id, lambda: store.like_state(listing_id)),
                                          self._on_like_state, self._on_like_state_bug, f"like state {listing_id}")
        self.load_hub_reviews()

    def _start(self, work: Callable, on_answer: Callable[[object], None], on_bug: Callable[[str], None],
               name: str) -> Job:
        """Start a hub Job; ``on_bug`` hears the "internal error" sentence of a bug (logged already)."""
        job = Job(work, name=name)
        job.signals.finished.connect(on_answer)
        job.signals.failed.connect(on_bug)
        return self._jobs.start(job)

    def _current(self, answer: object) -> HubAnswer | None:
        """The answer if it is about the listing shown now; None for a stale one."""
        if isinstance(answer, HubAnswer) and answer.listing_id == self.listing_id:
            return answer
        return None

    # --- likes ---------------------------------------------------------------------------------
    def _show_like(self) -> None:
        liked, likes = self._liked, self._likes
        if likes is None:
            text = self.tr("♥ Liked") if liked else self.tr("♡ Like")
        else:
            count = QLocale().toString(likes)
            text = (self.tr("♥ Liked · {0}") if liked else self.tr("♡ Like · {0}")).format(count)
        self.like_button.setText(text)
        self.like_button.setChecked(liked)
        self.like_button.setAccessibleDescription(
            self.tr("{0} likes on the hub").format(likes) if likes is not None else "")

    @Slot(object)
    def _on_like_state(self, answer: object) -> None:
        current = self._current(answer)
        if current is None:
            return
        if not self._liking:  # else a like was sent meanwhile: its answer is newer
            self._show_like_state(current)
        self.like_answered.emit()

    def _show_like_state(self, current: HubAnswer) -> None:
        if current.problem:
            log.info("like state of %s unknown: %s", current.listing_id, current.message)
            self.like_button.setToolTip(self.tr("The hub's like count could not be read: {0}").format(
                current.message))
            return
        state: LikeState = current.value
        self._likes = state.likes
        self._liked = bool(state.liked)
        self.like_button.setToolTip("")
        self._show_like()

    @Slot(str)
    def _on_like_state_bug(self, message: str) -> None:
        self._on_like_state(HubAnswer(self.listing_id, problem=FAILED, message=message))

    @Slot()
    def toggle_like(self) -> None:
        """Send the like (or unlike) from a Job; the button shows the wish at once and goes back on failure."""
        if not self.listing_id or self._liking:
            self._show_like()
            return
        wanted = self.like_button.isChecked()
        listing_id, store = self.listing_id, self._services.store
        self._liking = True
        self.like_button.setEnabled(False)
        self.like_status.hide()
        self.like_button.setText(self.tr("♥ Liking…") if wanted else self.tr("♡ Unliking…"))
        self.like_job = self._start(ask_hub(listing_id, lambda: store.like(listing_id, liked=wanted)),
                                    self._on_liked, self._on_like_bug, f"like {listing_id}")

    @Slot(object)
    def _on_liked(self, answer: object) -> None:
        current = self._current(answer)
        if current is None:
            return
        self._show_liked(current)
        self.like_answered.emit()

    def _show_liked(self, current: HubAnswer) -> None:
        self._liking = False
        self.like_button.setEnabled(True)
        if not current.problem:
            state: LikeState = current.value
            self._likes, self._liked = state.likes, bool(state.liked)
            self._show_like()
            return
        self._show_like()  # back to what the hub still has
        if current.problem == LOGIN:
            text = self.tr("Log in to the hub in Settings to like GPTs.")
        elif current.problem == OFFLINE:
            text = self.tr("The hub cannot be reached, so nothing was sent. Check your connection and try again.")
        else:
            text = self.tr("The like was not sent: {0}").format(current.message)
        self.like_status.setText(text)
        self.like_status.setToolTip(current.message)
        self.like_status.show()

    @Slot(str)
    def _on_like_bug(self, message: str) -> None:
        self._on_liked(HubAnswer(self.listing_id, problem=FAILED, message=message))

    # --- your reviews --------------------------------------------------------------------------
    def fill_local(self, reviews: list) -> None:
        self.local_list.clear()
        for review in reviews:
            self.local_list.addItem(f"{stars_text(review.stars)}  {review.text}".rstrip())
        if not reviews:
            self.local_list.addItem(self.tr("No reviews yet. Be the first."))

    @Slot()
    def submit_review(self) -> None:
        """Keep the review on this computer (one small catalog write) and show it at once; publishing, if
        asked for, follows from a Job and cannot undo the local save."""
        if not self.listing_id or not self.review_button.isEnabled():
            return  # disabled while a review is being published
        stars, text = self.review_stars.value(), self.review_text.text().strip()
        try:
            self._services.store.review(self.listing_id, stars, text)
        except KnownError as exc:
            self.review_status.setText(self.tr("Could not save the review: {0}").format(exc))
            return
        self.review_text.clear()
        self.fill_local(self._services.catalog.list_reviews(self.listing_id))
        self._hide_publish_error()
        if self.publish_box.isChecked():
            self._publish(stars, text)
        else:
            self.review_status.setText(self.tr("Thanks, your review is saved."))

    @Slot()
    def publish_again(self) -> None:
        if self._unpublished is not None:
            self._hide_publish_error()
            self._publish(*self._unpublished)

    def _publish(self, stars: int, text: str) -> None:
        listing_id, store = self.listing_id, self._services.store
        self._unpublished = (stars, text)
        self.review_button.setEnabled(False)
        self.review_status.setText(self.tr("Saved here; publishing to the hub…"))
        self.publish_job = self._start(ask_hub(listing_id, lambda: store.publish_review(listing_id, stars, text)),
                                       self._on_published, self._on_publish_bug, f"publish review {listing_id}")

    @Slot(object)
    def _on_published(self, answer: object) -> None:
        current = self._current(answer)
        if current is None:
            return
        self._show_published(current)
        self.publish_answered.emit()

    def _show_published(self, current: HubAnswer) -> None:
        self.review_button.setEnabled(True)
        if not current.problem:
            self._unpublished = None
            self.review_status.setText(self.tr("Saved here and published to the hub."))
            self.load_hub_reviews()
            return
        self.review_status.setText(self.tr("Your review is saved on this computer."))
        if current.problem == LOGIN:
            text = self.tr("It was not published: log in to the hub in Settings to publish reviews.")
        elif current.problem == OFFLINE:
            text = self.tr("It was not published: the hub cannot be reached. Publish again when you are online.")
        else:
            text = self.tr("It was not published: {0}").format(current.message)
        self.publish_error.setText(text)
        self.publish_error.setToolTip(current.message)
        self.publish_error.show()
        self.publish_retry_button.show()

    @Slot(str)
    def _on_publish_bug(self, message: str) -> None:
        self._on_published(HubAnswer(self.listing_id, problem=FAILED, message=message))

    def _hide_publish_error(self) -> None:
        self.publish_error.hide()
        self.publish_retry_button.hide()

    # --- the hub's reviews ---------------------------------------------------------------------
    @Slot()
    def load_hub_reviews(self) -> None:
        """Fetch the hub's reviews of the shown listing (again, after Retry or publishing)."""
        if not self.listing_id:
            return
        listing_id, store = self.listing_id, self._services.store
        self.hub_error.hide()
        self.hub_retry_button.hide()
        self.hub_status.setText(self.tr("Loading reviews from the hub…"))
        self.hub_status.show()
        self.hub_job = self._start(ask_hub(listing_id, lambda: store.hub_reviews(listing_id)),
                                   self._on_hub_reviews, self._on_hub_bug, f"hub reviews {listing_id}")

    @Slot(object)
    def _on_hub_reviews(self, answer: object) -> None:
        current = self._current(answer)
        if current is None:
            return
        self._show_hub_reviews(current)
        self.hub_reviews_answered.emit()

    def _show_hub_reviews(self, current: HubAnswer) -> None:
        if current.problem:
            if current.problem == LOGIN:
                text = self.tr("The hub refused your token, so its reviews could not be loaded. Log in again "
                               "in Settings.")
            elif current.problem == OFFLINE:
                text = self.tr("You seem to be offline: the hub's reviews could not be loaded.")
            else:
                text = self.tr("The hub's reviews could not be loaded: {0}").format(current.message)
            self.hub_status.hide()
            self.hub_list.hide()
            self.hub_error.setText(text)
            self.hub_error.setToolTip(current.message)
            self.hub_error.show()
            self.hub_retry_button.show()
            return
        reviews: list[HubReview] = list(current.value or [])
        self.hub_list.clear()
        for review in reviews:
            self.hub_list.addItem(self._hub_item_text(review))
        self.hub_list.setVisible(bool(reviews))
        self.hub_status.setText("" if reviews else self.tr("No reviews on the hub yet."))
        self.hub_status.setVisible(not reviews)

    @Slot(str)
    def _on_hub_bug(self, message: str) -> None:
        self._on_hub_reviews(HubAnswer(self.listing_id, problem=FAILED, message=message))

    def _hub_item_text(self, review: HubReview) -> str:
        first = f"{stars_text(review.stars)}  {review.text}".rstrip()
        date = self._date(review.created_at)
        byline = self.tr("— {0}, {1}").format(review.author, date) if date else self.tr("— {0}").format(review.author)
        return f"{first}\n{byline}"

    @staticmethod
    def _date(iso: str) -> str:
        """An ISO 8601 time as a short local date; "" when there is none or it cannot be read."""
        try:
            when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
        except ValueError:
            return ""
        return QLocale().toString(QDate(when.year, when.month, when.day), QLocale.FormatType.ShortFormat)
