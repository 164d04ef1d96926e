"""The app's handle on one llama.cpp child process.

Requests are sent one at a time (a lock guards the pipe); :meth:`EngineClient.cancel` may be called
from any thread. When the child dies, the waiting call raises :class:`EngineCrashed` with the
reason, and the next request starts a fresh child.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from app.core.entities import ChatChunk, ChatResult, EngineInfo, LoadedModel, ScoreResult
from app.core.errors import EngineCrashed, EngineError
from app.engine.protocol import Ask, ChatRequest, EmbedRequest, Embeddings, LoadSpec, Reply, ScoreRequest, WorkerError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

log = logging.getLogger(__name__)

START_SECONDS = 120.0


class EngineClient:
    """One model's child process. Not started until the first request."""

    def __init__(self, *, log_level: int = logging.INFO) -> None:
        import multiprocessing  # noqa: PLC0415 - with the first engine, not with the GUI's start

        self._context = multiprocessing.get_context("spawn")
        self._log_level = log_level
        self._lock = threading.RLock()
        # A lock-free shared byte, made anew for each child: a multiprocessing.Event holds a lock that a
        # child killed while checking it (llama.cpp's abort callback does, constantly) leaves held forever.
        self._cancel = self._context.RawValue("b", 0)
        self._process: Any = None
        self._conn: Connection | None = None
        self._log_thread: threading.Thread | None = None
        self._spec: LoadSpec | None = None
        self._loaded: LoadedModel | None = None

    # --- life cycle -------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None and self._process.is_alive() else None

    @property
    def loaded(self) -> LoadedModel | None:
        return self._loaded if self.pid else None

    def _ensure_started(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._reap()
        self._cancel = self._context.RawValue("b", 0)
        # Logs come over a pipe of their own, not a multiprocessing.Queue: a Queue's shared lock stays
        # held forever when the child is killed mid-write, and the parent would hang on it.
        log_reader, log_writer = self._context.Pipe(duplex=False)
        parent, child = self._context.Pipe()
        from app.engine import worker  # noqa: PLC0415 - the child's entry point; the parent runs none of it

        self._process = self._context.Process(
            target=worker.main, args=(child, self._cancel, log_writer, self._log_level),
            name="gptshelf-engine", daemon=True,
        )
        with _main_module_left_out():
            self._process.start()
        child.close()
        log_writer.close()
        self._log_thread = threading.Thread(target=_forward_logs, args=(log_reader,), name="engine-logs",
                                            daemon=True)
        self._log_thread.start()
        self._conn = parent
        reply, value = self._receive(timeout=START_SECONDS)
        if reply is not Reply.READY:
            raise EngineError(f"The model process did not start properly ({reply}).")
        log.info("engine process %s started", value)
        return parent

    def close(self) -> None:
        """Ask the child to unload and exit; kill it if it does not."""
        with self._lock:
            if self._process is not None and self._process.is_alive() and self._conn is not None:
                try:
                    self._conn.send((Ask.STOP, None))
                except OSError:
                    pass
                self._process.join(5)
            self._reap()

    def _reap(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
            self._process.close()
        if self._conn is not None:
            self._conn.close()
        if self._log_thread is not None:
            self._log_thread.join(5)  # ends at the end of the child's log pipe
        self._process, self._conn, self._log_thread = None, None, None
        self._loaded = None

    # --- requests ---------------------------------------------------------------------------
    def info(self) -> EngineInfo:
        return self._simple(Ask.INFO, None, Reply.INFO)

    def load(self, spec: LoadSpec) -> LoadedModel:
        with self._lock:
            loaded = self._simple(Ask.LOAD, spec, Reply.LOADED)
            self._spec, self._loaded = spec, loaded
            return loaded

    def unload(self) -> None:
        with self._lock:
            if self.pid:
                self._simple(Ask.UNLOAD, None, Reply.UNLOADED)
            self._loaded = None

    def forget(self, conversation: str | None = None) -> None:
        """Drop the KV cache kept for one conversation (``None``: for all), e.g. when it is deleted."""
        with self._lock:
            if self.pid:
                self._simple(Ask.FORGET, conversation, Reply.FORGOTTEN)

    def embed(self, texts: list[str]) -> Embeddings:
        return self._simple(Ask.EMBED, EmbedRequest(tuple(texts)), Reply.EMBEDDINGS)

    def score(self, request: ScoreRequest) -> ScoreResult:
        """Negative log-likelihood of token sequences under the loaded model (and adapter); cancellable."""
        with self._lock:
            self._cancel.value = 0
            return self._simple(Ask.SCORE, request, Reply.SCORED)

    def chat(self, request: ChatRequest) -> Iterator[ChatChunk | ChatResult]:
        """Stream a reply: text chunks, then one :class:`ChatResult`. Breaking out early cancels it."""
        with self._lock:
            conn = self._ensure_started()
            self._cancel.value = 0
            conn.send((Ask.CHAT, request))
            finished = False
            try:
                while True:
                    reply, value = self._receive()
                    if reply is Reply.CHUNK:
                        yield value
                    elif reply is Reply.DONE:
                        finished = True
                        yield value
                        return
                    else:
                        finished = True
                        self._raise(reply, value)
            finally:
                if not finished and self.pid:
                    self._drain_after_cancel()

    def cancel(self) -> None:
        """Stop the reply in progress at the next token (or inside prompt evaluation)."""
        self._cancel.value = 1

    def kill(self) -> None:
        """Kill the child outright (a stuck model); the waiting request raises EngineCrashed."""
        process = self._process
        if process is not None and process.is_alive():
            process.kill()

    # --- plumbing ---------------------------------------------------------------------------
    def _simple(self, ask: Ask, payload: Any, expected: Reply) -> Any:
        with self._lock:
            conn = self._ensure_started()
            conn.send((ask, payload))
            reply, value = self._receive()
            if reply is not expected:
                self._raise(reply, value)
            return value

    def _drain_after_cancel(self) -> None:
        """The consumer stopped reading mid-stream: cancel and read until the child says it is done."""
        self._cancel.value = 1
        try:
            while True:
                reply, _ = self._receive(timeout=30)
                if reply in (Reply.DONE, Reply.ERROR):
                    return
        except (EngineCrashed, EngineError):
            log.warning("engine did not finish cleanly after a cancel", exc_info=True)

    def _receive(self, timeout: float | None = None) -> tuple[Reply, Any]:
        conn, process = self._conn, self._process
        assert conn is not None and process is not None
        from multiprocessing.connection import wait  # noqa: PLC0415 - see __init__

        ready = wait([conn, process.sentinel], timeout)
        if conn in ready:
            try:
                return conn.recv()
            except (EOFError, OSError):
                pass
        elif not ready:
            self.kill()
            self._reap()
            raise EngineCrashed(f"no answer within {timeout:g} seconds; it was stopped")
        process.join(5)
        reason = describe_exit(process.exitcode)
        log.error("engine process died: %s", reason)
        self._reap()
        raise EngineCrashed(reason)

    @staticmethod
    def _raise(reply: Reply, value: Any) -> None:
        if reply is Reply.ERROR and isinstance(value, WorkerError):
            if value.known:
                raise EngineError(value.message)
            log.error("engine bug: %s\n%s", value.message, value.detail)
            raise EngineError(f"The model process hit an internal error: {value.message}")
        raise EngineError(f"The model process answered out of turn ({reply}).")


def describe_exit(code: int | None) -> str:
    """Turn an exit code into words a person can act on."""
    if code is None:
        return "it stopped answering"
    if code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else f"signal {number}"
        hints = {
            "SIGKILL": "it was killed; the system may have run out of memory",
            "SIGSEGV": "it crashed (segmentation fault); the model file may be damaged or unsupported",
            "SIGABRT": "llama.cpp aborted on an internal check; the model file may be unsupported",
            "SIGBUS": "it crashed reading the model file; the file may have changed or the disk failed",
        }
        return hints.get(name, f"it was stopped by {name}")
    return f"it exited with code {code}"


def _forward_logs(conn: Connection) -> None:
    """Hand records from the child to the parent's loggers, so they land wherever the app logs."""
    with conn:
        while True:
            try:
                record = conn.recv()
            except (EOFError, OSError):
                return
            except Exception:  # noqa: BLE001 - a torn record from a killed child: stop reading
                log.debug("engine log pipe closed mid-record", exc_info=True)
                return
            logger = logging.getLogger(record.name)
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)


@contextmanager
def _main_module_left_out() -> Iterator[None]:
    """Start a *spawn* child without running the parent's main module in it again.

    *spawn* imports the parent's ``__main__`` in the child (as ``__mp_main__``) so that objects pickled from it
    resolve there. The engine child needs nothing from it (its target and arguments live in app.engine), but
    the ``gptshelf`` console script's main imports the whole CLI, and with it the services, SQLite, YAML, the
    Hub client: 26 MiB more RSS in the child for nothing. The preparation data is read in ``start()``, so the
    main module is swapped for a blank one just while the child is started. (A frozen app's child runs its
    entry script, which diverts to multiprocessing before importing anything.)
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main
