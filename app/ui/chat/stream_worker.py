"""One reply generated off the GUI thread, its text handed to the GUI in batches.

A reply streams hundreds of tokens a second; a queued signal per token would flood the GUI's event
loop and a repaint per token would stall it (DESIGN §5: one repaint every 30–50 ms). So the worker
only appends each piece to a locked buffer, and a GUI-thread timer drains that buffer every
``FLUSH_MS`` and emits the batch once. The reply is created in the worker as well (``ChatService``
commits the person's message there), so even those writes never touch the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.core.entities import ChatChunk, ChatResult, Conversation, Message, MessageStatus
from app.core.errors import KnownError
from app.core.knowledge import Source
from app.services.chat import ReplyStream
from app.services.history import History
from app.ui.jobs import Job, Jobs

log = logging.getLogger(__name__)

FLUSH_MS = 40
"""How often streamed text reaches the screen: fast enough to look live, slow enough to stay smooth."""


@dataclass
class ReplyOutcome:
    """How a reply ended, with the conversation as stored afterwards (read in the worker)."""

    conversation: Conversation | None = None
    messages: list[Message] = field(default_factory=list)
    result: ChatResult | None = None
    status: MessageStatus = MessageStatus.FAILED
    error: str | None = None
    notices: list[str] = field(default_factory=list)
    sources: dict[int, list[Source]] = field(default_factory=dict)
    """The knowledge passages each reply of the conversation was given, by message id."""


class TextBatcher(QObject):
    """Pieces of text added from a worker thread, emitted on the GUI thread as one batch every FLUSH_MS.

    Signal: text(str), never empty.
    """

    text = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: list[str] = []
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)

    def add(self, piece: str) -> None:
        """Any thread: queue a piece for the next batch."""
        with self._lock:
            self._pending.append(piece)

    def pump(self, stream: Iterable[object], cancel: threading.Event) -> None:
        """Worker thread: iterate a reply stream to its end, its text into the batches.

        The job's cancel flag (a Stop, or ``Jobs.cancel_all()`` at exit) reaches the engine through the
        stream's own ``cancel``, checked before the first item and at every item after.
        """
        if cancel.is_set():
            stream.cancel()  # type: ignore[attr-defined]
        for item in stream:
            if cancel.is_set():
                stream.cancel()  # type: ignore[attr-defined]
            if isinstance(item, ChatChunk):
                self.add(item.text)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        """Emit what is left and stop the timer (GUI thread)."""
        self.flush()
        self._timer.stop()

    @Slot()
    def flush(self) -> None:
        with self._lock:
            batch, self._pending = "".join(self._pending), []
        if batch:
            self.text.emit(batch)


class ReplyRunner(QObject):
    """Runs ``make_stream()`` then iterates the stream in a :class:`Job`.

    Signals:
        started(object): the ReplyStream, once the person's message is stored (GUI thread)
        first_text(): the first piece of the reply arrived (the model is loaded)
        text(str): a batch of reply text, at most every FLUSH_MS
        finished(object): a :class:`ReplyOutcome`, after the last ``text``
    """

    started = Signal(object)
    first_text = Signal()
    text = Signal(str)
    finished = Signal(object)

    def __init__(self, make_stream: Callable[[], ReplyStream], history: History, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make_stream = make_stream
        self._history = history
        self._stream: ReplyStream | None = None
        self._seen_text = False
        self._batcher = TextBatcher(self)
        self._batcher.text.connect(self._on_text)
        self.job = Job(self._work, name="chat reply")
        self.job.signals.progress.connect(self._on_progress)
        self.job.signals.finished.connect(self._on_finished)
        self.job.signals.failed.connect(self._on_failed)
        self.done = False

    def start(self, jobs: Jobs) -> None:
        self._batcher.start()
        jobs.start(self.job)

    def cancel(self) -> None:
        """Stop the reply; thread-safe on both sides (whichever of us comes second sees the other)."""
        self.job.cancel()
        stream = self._stream
        if stream is not None:
            stream.cancel()

    # --- worker thread ---------------------------------------------------------------------------

    def _work(self, report: Callable[[object], None], cancel: threading.Event) -> ReplyOutcome:
        outcome = ReplyOutcome()
        stream: ReplyStream | None = None
        try:
            stream = self._make_stream()
            self._stream = stream
            report(stream)
            self._batcher.pump(stream, cancel)
            outcome.result = stream.result
        except KnownError as exc:
            outcome.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a bug: logged, shown briefly, the page goes on
            log.exception("chat reply failed")
            outcome.error = f"Internal error ({type(exc).__name__}); details are in the log."
        if stream is not None:
            outcome.notices = list(stream.notices)
            outcome.status = stream.reply_message.status
            outcome.conversation, outcome.messages = self._history.show(stream.conversation.id)
            outcome.sources = self._history.sources(m.id for m in outcome.messages)
        return outcome

    # --- GUI thread --------------------------------------------------------------------------------

    @Slot(object)
    def _on_progress(self, stream: object) -> None:
        self.started.emit(stream)

    @Slot(str)
    def _on_text(self, batch: str) -> None:
        if not self._seen_text:
            self._seen_text = True
            self.first_text.emit()
        self.text.emit(batch)

    @Slot(object)
    def _on_finished(self, outcome: ReplyOutcome) -> None:
        self._end(outcome)

    @Slot(str)
    def _on_failed(self, sentence: str) -> None:
        self._end(ReplyOutcome(error=sentence))

    def _end(self, outcome: ReplyOutcome) -> None:
        self._batcher.stop()
        self.done = True
        self.finished.emit(outcome)
