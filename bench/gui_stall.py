"""Figure 4: GUI-thread stalls while a reply streams, a download runs and a sync applies 100,000 listings.

    python -m bench.gui_stall [--pairs 5] [--tokens 2000] [--mib 256]

The main window runs offscreen on a data folder with 100,000 store listings and 1,000 conversations
(bench.catalog_data). A 16 ms precise QTimer on the GUI thread records how late each tick comes (gap −
16 ms). Each pair: 2 s with the window idle (the baseline), then a busy episode, in which at once the
Chat page streams replies of up to ``--tokens`` tokens each (the starter model when installed, else a tiny
generated GGUF), the store's downloader fetches a ``--mib`` MiB file from a loopback HTTP server in
another process, and a worker thread applies 100,000 changed listings to the catalog in one transaction
(made in that thread, as a store sync parses and applies them), after which the Store page refreshes on
the GUI thread as it does when a sync finishes. The chat is opened as the Store's and the Library's
"Chat" buttons open it (``MainWindow.open_chat``: the Chat page is shown, so the streaming reply is laid
out and painted, offscreen). The episode lasts until all three are done; a reply that ends (at the
model's end of text) before ``--tokens`` tokens is followed by "Go on." as its own event, so that every
episode streams at least that many. The episode's starts (a new chat, sending the message, starting the
download and the sync) each come as their own event, as a person's clicks and the app's jobs do, not all
in one. Also counted: how often the reply's text reaches the view while it streams (repaints per
second).
Goals: p99 lateness ≤ 50 ms, max ≤ 100 ms, repaint ≤ 30 Hz; ratio = busy p99 ÷ idle p99.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.gcpause import collector_paused, drop_in_steps  # noqa: E402
from bench.catalog_data import prepare_home  # noqa: E402
from bench.harness import Row, Section, percentile  # noqa: E402
from bench.show import print_section  # noqa: E402
from tests.unit.catalog.test_listings import WORDS, make  # noqa: E402

INTERVAL_MS = 16
LISTINGS = 100_000
P99_GOAL, MAX_GOAL, HZ_GOAL = 50.0, 100.0, 30.0
MAX_TURNS = 10
"""Follow-ups an episode may send to reach ``--tokens`` (a reply that keeps ending at once gives up)."""


class Probe:
    """A precise 16 ms timer on the GUI thread; ``lateness`` holds how late each tick came, in ms."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, (now - self._last) * 1000 - INTERVAL_MS))
        self._last = now

    def start(self) -> None:
        self.lateness, self._last = [], time.perf_counter()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.lateness


class Done(QObject):
    """Reports from worker threads, delivered on the GUI thread (queued)."""

    synced = Signal(object)
    downloaded = Signal(object)


def _wait(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _wait_until(condition, limit: float = 600.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        _wait(0.05)


def one_event_each(actions: list) -> None:
    """Run each action in its own turn of the event loop, one after another, as a person's clicks and the
    app's own starts of a download and a sync arrive: each still counts in full as the timer's lateness."""
    if actions:  # a timer, not a posted event: the probe's tick, if due, comes first
        QTimer.singleShot(1, lambda: (actions[0](), one_event_each(actions[1:])))


def _http_server(folder: Path) -> tuple[subprocess.Popen, str]:
    """`python -m http.server` in a process of its own (a download's server is never in the app)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def _changed_listings(episode: int) -> dict:
    """100,000 listings whose names changed (full-text rows rewritten too), in the hub's 1,000-listing shards."""
    listings = [make(i, name=f"GPT {WORDS[i % 8]} {i} edition {episode}") for i in range(LISTINGS)]
    return {f"shards/{n:05d}.jsonl.gz": (hashlib.sha256(f"{episode}/{n}".encode()).hexdigest(),
                                         listings[n * 1000:(n + 1) * 1000]) for n in range(LISTINGS // 1000)}


def run(pairs: int = 5, tokens: int = 2000, mib: int = 256) -> Section:
    from app.core.entities import GenerationParams  # noqa: PLC0415
    from app.core.paths import AppPaths  # noqa: PLC0415
    from app.hub.download import DownloadRequest  # noqa: PLC0415
    from app.services.container import open_services  # noqa: PLC0415
    from app.ui.main_window import MainWindow  # noqa: PLC0415

    from app.ui.application import share_the_gil_quickly  # noqa: PLC0415

    app = QApplication.instance() or QApplication(sys.argv[:1])
    share_the_gil_quickly()  # as the app does at start (app.ui.application.run_gui)
    section = Section("GUI-thread stalls (figure 4)")
    idle_p99: list[float] = []
    busy: list[float] = []
    ratios: list[float] = []
    rates: list[float] = []
    streamed: list[int] = []
    turn_counts: list[int] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        gpt_id = prepare_home(home)
        served = Path(folder) / "served"
        served.mkdir()
        blob = served / "blob.bin"
        blob.write_bytes(os.urandom(mib * 2**20))
        digest = hashlib.sha256(blob.read_bytes()).hexdigest()
        server, base = _http_server(served)
        try:
            with open_services(AppPaths(home), install_starter=False) as services:
                gpt = services.gpts.get(gpt_id)
                services.gpts.update(gpt, params=GenerationParams(temperature=0.8, max_tokens=tokens,
                                                                  context_length=4096))
                window = MainWindow(services)
                window.show()
                gc.freeze()  # as the app does once its window has painted (run_gui's start_background)
                chat, store = window.pages["chats"], window.pages["store"]
                probe, done = Probe(), Done()
                state: dict[str, object] = {}
                refreshes: list[float] = []

                def synced(seconds: float) -> None:
                    started = time.perf_counter()
                    store.refresh()  # on the GUI thread, as when a sync finishes
                    refreshes.append((time.perf_counter() - started) * 1000)
                    state.update(synced=seconds)

                done.synced.connect(synced)
                done.downloaded.connect(lambda seconds: state.update(downloaded=seconds))
                turns: list[int] = []
                turn_texts: list[float] = []

                def send(text: str) -> None:
                    chat.send(text)
                    chat.runner.text.connect(lambda _batch: turn_texts.append(time.perf_counter()))

                def finished(outcome) -> None:  # noqa: ANN001
                    turns.append(outcome.result.completion_tokens if outcome.result is not None else 0)
                    if len(turn_texts) > 1:
                        rates.append((len(turn_texts) - 1) / (turn_texts[-1] - turn_texts[0]))
                    turn_texts.clear()
                    if outcome.result is not None and sum(turns) < tokens and len(turns) < MAX_TURNS:
                        QTimer.singleShot(0, lambda: send("Go on."))  # as a person asking for more
                    else:
                        state.update(reply=outcome)

                chat.reply_finished.connect(finished)
                _wait(1.0)
                for episode in range(pairs):
                    target = services.paths.blob(digest)
                    target.unlink(missing_ok=True)
                    services.store.installer.downloader.discard(f"bench/{episode}")
                    request = DownloadRequest(key=f"bench/{episode}", url=f"{base}/blob.bin", target=target,
                                              expected_sha256=digest, expected_size=blob.stat().st_size)

                    def sync(episode=episode) -> None:  # noqa: ANN001
                        started = time.perf_counter()
                        # As Store.sync: the listings are made (parsed, there) and applied in the worker, with
                        # the cycle collector paused until they are gone, and freed a shard at a time.
                        with collector_paused():
                            shards = _changed_listings(episode)
                            services.catalog.apply_shards("hub", shards, keep=shards)
                            drop_in_steps(shards)
                        done.synced.emit(time.perf_counter() - started)

                    def download(request=request) -> None:  # noqa: ANN001
                        started = time.perf_counter()
                        services.store.installer.downloader.download(request)
                        done.downloaded.emit(time.perf_counter() - started)

                    probe.start()
                    _wait(2.0)
                    idle = probe.stop()
                    state.clear()
                    turns.clear()
                    threads = [threading.Thread(target=sync), threading.Thread(target=download)]
                    probe.start()
                    one_event_each([lambda: window.open_chat(gpt_id),
                                    lambda: send("Tell me a long story about a lighthouse keeper and the ships "
                                                 "she saved."),
                                    *(thread.start for thread in threads)])
                    _wait_until(lambda: {"reply", "synced", "downloaded"} <= set(state))
                    lateness = probe.stop()
                    for thread in threads:
                        thread.join()
                    streamed.append(sum(turns))
                    turn_counts.append(len(turns))
                    busy += lateness
                    idle_p99.append(percentile(idle, 99))
                    ratios.append(percentile(lateness, 99) / max(percentile(idle, 99), 0.1))
                    notes.append(f"sync {state['synced']:.1f} s, store refresh {refreshes[-1]:.0f} ms, download "
                                 f"{mib / state['downloaded']:.0f} MiB/s")
                window.jobs.cancel_all()
                window.jobs.wait()
                window.close()
        finally:
            server.terminate()
            server.wait()
    p99, worst = percentile(busy, 99), max(busy)
    ratio = sorted(ratios)[len(ratios) // 2]
    hz = sorted(rates)[len(rates) // 2] if rates else None
    tokens_note = (f"{min(streamed)}–{max(streamed)} tokens streamed per episode in {min(turn_counts)}–"
                   f"{max(turn_counts)} replies (one that ends early is followed by “Go on.”)")
    section.rows += [
        Row(figure="4 GUI timer lateness p99 while streaming + downloading + syncing 100k", ratio=ratio,
            goal=f"p99 ≤ {P99_GOAL:g} ms", met=p99 <= P99_GOAL, ours=p99,
            baseline=sorted(idle_p99)[len(idle_p99) // 2], unit="ms late (16 ms timer)",
            note=f"ratio: busy p99 ÷ idle p99, median of {pairs} pairs; {tokens_note}"),
        Row(figure="4 GUI timer lateness max (same episodes)", ratio=None, goal=f"max ≤ {MAX_GOAL:g} ms",
            met=worst <= MAX_GOAL, ours=worst, unit="ms late", note="; ".join(notes)),
        Row(figure="4 reply repaint rate while streaming", ratio=None, goal=f"≤ {HZ_GOAL:g} Hz",
            met=None if hz is None else hz <= HZ_GOAL, ours=hz, unit="text updates per second"),
    ]
    section.text = ("Lateness of a 16 ms precise timer on the GUI thread, pooled over all busy episodes; idle "
                    "baseline: 2 s before each episode. The chat is opened as the app's \"Chat\" buttons open it, "
                    "so the Chat page is shown and the reply is laid out and painted (offscreen); runs before "
                    "2026-11-29 20:30 UTC streamed into a Chat page that was never shown, and let a reply that "
                    "ended early end the episode's streaming.")
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--mib", type=int, default=256)
    args = parser.parse_args(argv)
    print_section(run(args.pairs, args.tokens, args.mib))
    return 0


if __name__ == "__main__":
    sys.exit(main())
