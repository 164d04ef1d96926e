"""Helpers for the whole-window flows in test_flows.py: driving the sidebar, publishing a GPT whose
replies run long enough to stop halfway, and sending a message the way a person does."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
from PySide6.QtCore import Qt, QTimer

from app.core.entities import ChatChunk
from app.engine.client import EngineClient
from app.ui.main_window import MainWindow
from tests.support.fake_hub import FakeHub
from tests.support.store_data import listing_line

REPLY_TIMEOUT_MS = 60_000
JOB_TIMEOUT_MS = 30_000

INSTRUCTIONS = "Answer briefly."
"""With these instructions, temperature 0 and the tiny "chatml" model, ``LONG_PROMPT`` gets a reply of
about 1,100 tokens that ends by itself (the model's end token) well before ``MAX_TOKENS``. The tiny
model writes thousands of tokens a second, so a test that must act mid-reply freezes the engine
(:class:`EngineFreezer`) instead of racing it."""
LONG_PROMPT = "go on"
MAX_TOKENS = 3000
CONTEXT = 4096


def click_sidebar(qtbot, window: MainWindow, key: str) -> None:
    """Click the sidebar item of a section, like a person with a mouse, and check its page shows."""
    for row in range(window.sidebar.count()):
        item = window.sidebar.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == key:
            rect = window.sidebar.visualItemRect(item)
            qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            assert window.stack.currentWidget() is window.pages[key], f"the sidebar did not open {key}"
            return
    raise KeyError(key)


def click(qtbot, button) -> None:
    """Click a button once it shows and is enabled (a widget added to a shown page shows a moment
    later, from the event loop, the way Qt lays out new children)."""
    qtbot.waitUntil(lambda: button.isVisible() and button.isEnabled(), timeout=5_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def publish_long_gpt(hub: FakeHub, model: Path, *, gpt_id: str = "alice/tiny-helper",
                     model_repo: str = "alice/tiny-GGUF") -> dict[str, Any]:
    """Like ``store_data.publish_tiny_gpt`` but with room for a long reply; returns its listing line."""
    data = model.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    model_revision = hub.add_repo(model_repo, {"tiny.Q4_K_M.gguf": data})
    variant = {"file": "tiny.Q4_K_M.gguf", "quant": "Q4_K_M", "size": len(data), "sha256": sha256}
    params = {"temperature": 0.0, "max_tokens": MAX_TOKENS, "context_length": CONTEXT}
    manifest = {
        "schema": "gptshelf/gpt@1", "id": gpt_id, "version": "1.0.0", "name": "Tiny Helper",
        "description": "A tiny test GPT.", "instructions": INSTRUCTIONS, "conversation_starters": ["Say hello"],
        "model": {"repo": model_repo, "revision": model_revision, "default_variant": "Q4_K_M", "variants": [variant]},
        "parameters": params,
    }
    revision = hub.add_repo(gpt_id, {"gpt.json": json.dumps(manifest).encode(),
                                     "README.md": b"---\ntags: [gptshelf]\n---\n# Tiny Helper\n"})
    line = listing_line(0, name="Tiny Helper", model_repo=model_repo, model_revision=model_revision,
                        file="tiny.Q4_K_M.gguf", size=len(data), sha256=sha256, manifest_file="gpt.json",
                        repo=gpt_id, revision=revision, instructions=INSTRUCTIONS, parameters=params)
    line["id"] = gpt_id
    return line


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound (so nothing else takes it) but not listening."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def start_typing_and_send(qtbot, page, text: str) -> None:
    """Type into the composer and press Enter (returns at once; the reply streams in a job)."""
    qtbot.keyClicks(page.composer.edit, text)
    qtbot.keyClick(page.composer.edit, Qt.Key.Key_Return)
    assert page.busy, "Enter did not start a reply"


def wait_for_streamed_text(qtbot, page) -> None:
    """Wait until the reply being written shows some text (the model is loaded and generating)."""
    qtbot.waitUntil(lambda: page.busy and page.messages.last() is not None and bool(page.messages.last().text)
                    and page.messages.last().message is None, timeout=REPLY_TIMEOUT_MS)


def send_and_wait(qtbot, page, text: str):
    """Type, press Enter and wait for the reply to end; returns its ReplyOutcome."""
    qtbot.keyClicks(page.composer.edit, text)
    with qtbot.waitSignal(page.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        qtbot.keyClick(page.composer.edit, Qt.Key.Key_Return)
    return finished.args[0]


class TimerGaps:
    """Every gap between two ticks of a precise GUI-thread timer, from ``start`` to ``stop``.

    A stalled GUI thread shows as a long gap: the timer's tick waits for the event loop.
    """

    def __init__(self, interval_ms: int = 10) -> None:
        self.gaps: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def worst(self) -> float:
        return max(self.gaps)


class EngineFreezer:
    """Pause the real engine process as soon as the next reply's first piece of text arrives.

    A person presses Stop, or an engine dies, while a reply is being written; the tiny test model
    writes a whole reply in a fraction of a second, so without this a test would race it. The engine
    is stopped in the worker thread, before that piece reaches the page, so the reply is surely still
    in progress when the test acts; ``resume`` lets it go on (and notice a cancel). psutil suspends
    and resumes (SIGSTOP/SIGCONT on POSIX, NtSuspendProcess on Windows). One-shot: ``arm()`` before
    each reply to freeze.
    """

    def __init__(self, monkeypatch) -> None:
        self._armed = threading.Event()
        self.frozen = threading.Event()
        self.pid: int | None = None
        real_chat = EngineClient.chat
        freezer = self

        def chat(client: EngineClient, request):
            stream = real_chat(client, request)
            try:
                for item in stream:
                    if isinstance(item, ChatChunk) and freezer._armed.is_set():
                        freezer._armed.clear()
                        freezer.pid = client.pid
                        psutil.Process(freezer.pid).suspend()
                        freezer.frozen.set()
                    yield item
            finally:
                stream.close()

        monkeypatch.setattr(EngineClient, "chat", chat)

    def arm(self) -> None:
        self.frozen.clear()
        self._armed.set()

    def resume(self) -> None:
        self._armed.clear()
        if self.pid is not None:
            try:
                psutil.Process(self.pid).resume()
            except psutil.NoSuchProcess:
                pass  # it was killed while frozen
            self.pid = None
