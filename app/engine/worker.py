"""The engine child process: the only place where llama.cpp is loaded (through :mod:`app.engine.native`).

It serves one request at a time from a pipe. Cancelling is a shared event the parent sets: it is
checked between tokens and, through llama.cpp's abort callback, inside a long prompt evaluation.
llama.cpp's own log and llama-cpp-python's chatter go into ``logging`` (forwarded to the parent);
file descriptors 1 and 2 are never touched, so a native crash still leaves its message on stderr.
"""

from __future__ import annotations

import codecs
import ctypes
import faulthandler
import logging
import logging.handlers
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from app.core.entities import (
    ChatChunk, ChatMessage, ChatResult, EngineInfo, FinishReason, LoadedModel, Role, ScoreResult,
)
from app.core.errors import EngineError, KnownError
from app.core.settings import GpuMode
from app.engine import devices
from app.engine.cpu_share import CpuShare
from app.engine.lora import LoraAdapter
from app.engine.native import ModelOptions, NativeModel, bindings, version
from app.engine.protocol import (
    Ask, ChatRequest, EmbedRequest, Embeddings, LoadSpec, Reply, ScoreRequest, WorkerError,
)
from app.engine.session import Session
from app.engine.stops import StopScanner
from app.engine.templates import render_chat

log = logging.getLogger("app.engine.worker")

Send = Callable[[Reply, Any], None]


def main(conn: Connection, cancel: Any, log_pipe: Connection, level: int) -> None:
    """Entry point of the spawned process."""
    # Ctrl-C in a terminal reaches the whole process group; stopping a reply is the parent's call.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _yield_to_the_window()
    _route_logging(log_pipe, level)
    faulthandler.enable(file=sys.__stderr__)
    llama_cpp = bindings()  # here, so the parent never loads llama.cpp

    bridge = _LlamaLogBridge(llama_cpp, cancelled=lambda: bool(cancel.value))
    worker = _Worker(llama_cpp, cancel, bridge)
    conn.send((Reply.READY, os.getpid()))
    while True:
        try:
            ask, payload = conn.recv()
        except (EOFError, OSError):
            break
        if ask is Ask.STOP:
            worker.unload()
            break
        try:
            worker.handle(ask, payload, lambda reply, value: conn.send((reply, value)))
        except KnownError as exc:
            conn.send((Reply.ERROR, WorkerError(str(exc), known=True)))
        except Exception as exc:  # noqa: BLE001 - a bug: reported with its traceback, the process lives on
            log.exception("engine request %s failed", ask)
            conn.send((Reply.ERROR, WorkerError(f"{type(exc).__name__}: {exc}", known=False,
                                                detail=traceback.format_exc())))
    del bridge


class _Worker:
    def __init__(self, llama_cpp: Any, cancel: Any, bridge: _LlamaLogBridge | None = None) -> None:
        self._lib = llama_cpp
        self._cancel = cancel
        self._bridge = bridge
        self._llm: NativeModel | None = None
        self._adapter: LoraAdapter | None = None
        self._spec: LoadSpec | None = None
        self._loaded: LoadedModel | None = None
        self._session: Session | None = None
        self._piece_buffer = ctypes.create_string_buffer(64)
        self._share: CpuShare | None = None
        """Set while the thread count is automatic: it then follows the cores other processes leave."""
        self._threads = self._most_threads = 0

    def handle(self, ask: Ask, payload: Any, send: Send) -> None:
        if ask is Ask.LOAD:
            send(Reply.LOADED, self.load(payload))
        elif ask is Ask.CHAT:
            self.chat(payload, send)
        elif ask is Ask.EMBED:
            send(Reply.EMBEDDINGS, self.embed(payload))
        elif ask is Ask.SCORE:
            send(Reply.SCORED, self.score(payload))
        elif ask is Ask.INFO:
            send(Reply.INFO, self.info())
        elif ask is Ask.UNLOAD:
            self.unload()
            send(Reply.UNLOADED, None)
        elif ask is Ask.FORGET:
            if self._session is not None:
                self._session.forget(payload)
            send(Reply.FORGOTTEN, None)
        else:
            raise EngineError(f"Unknown engine request {ask!r}.")

    def info(self) -> EngineInfo:
        lib_folder = Path(self._lib.__file__).parent / "lib"
        return EngineInfo(
            llama_cpp_version=version(),
            gpu_offload=bool(self._lib.llama_supports_gpu_offload()),
            devices=devices.list_devices(lib_folder),
            system_info=self._lib.llama_print_system_info().decode("utf-8", "replace").strip(),
        )

    def load(self, spec: LoadSpec) -> LoadedModel:
        if self._llm is not None and spec == self._spec and self._loaded is not None:
            return self._loaded
        if self._llm is not None and self._spec is not None and _base(spec) == _base(self._spec):
            return self._swap_adapter(spec)
        self.unload()
        started = time.monotonic()
        layers = self._gpu_layers(spec)
        notices: list[str] = []
        try:
            llm = self._construct(spec, layers)
        except (ValueError, RuntimeError, OSError) as exc:
            if layers == 0:
                raise EngineError(f"llama.cpp could not load {Path(spec.path).name}: {exc}") from exc
            log.warning("GPU load failed, falling back to CPU", exc_info=True)
            notices.append(f"Loading on the GPU failed ({exc}); the model runs on the CPU instead.")
            layers = 0
            try:
                llm = self._construct(spec, 0)
            except (ValueError, RuntimeError, OSError) as exc2:
                raise EngineError(f"llama.cpp could not load {Path(spec.path).name}: {exc2}") from exc2
        self._llm, self._spec = llm, spec
        self._session = Session(self._lib, llm, cancel=self._cancel, cache_bytes=spec.state_cache_bytes)
        if spec.adapter_path:
            try:
                self._adapter = self._attach(spec)
            except EngineError:
                self.unload()
                raise
        self._loaded = LoadedModel(path=spec.path, n_ctx=llm.n_ctx(), n_gpu_layers=layers, on_gpu=layers != 0,
                                   seconds=time.monotonic() - started, notices=tuple(notices))
        log.info("loaded %s (n_ctx=%d, gpu layers=%d) in %.2fs", spec.path, llm.n_ctx(), layers,
                 self._loaded.seconds)
        return self._loaded

    def _swap_adapter(self, spec: LoadSpec) -> LoadedModel:
        """The same base model with another adapter (or none): keep the model and context, change the adapter.

        Every cached KV state was computed with the old adapter's weights, so all of them are forgotten.
        """
        assert self._session is not None and self._loaded is not None  # made with the model
        started = time.monotonic()
        if self._adapter is not None:
            self._adapter.remove()
            self._adapter = None
        self._session.forget()
        self._spec = replace(spec, adapter_path=None, adapter_scale=1.0)  # what the context holds if this fails
        if spec.adapter_path:
            self._adapter = self._attach(spec)
        self._spec = spec
        self._loaded = replace(self._loaded, seconds=time.monotonic() - started)
        log.info("adapter changed to %s without reloading the model", spec.adapter_path or "none")
        return self._loaded

    def _attach(self, spec: LoadSpec) -> LoraAdapter:
        assert spec.adapter_path is not None
        bridge = self._bridge
        if bridge is not None:
            bridge.last_error = ""
        return LoraAdapter(self._lib, self._llm, spec.adapter_path, spec.adapter_scale,
                           last_error=lambda: bridge.last_error if bridge is not None else "")

    def _gpu_layers(self, spec: LoadSpec) -> int:
        if spec.gpu.mode is GpuMode.OFF or not self._lib.llama_supports_gpu_offload():
            return 0
        if spec.gpu.mode is GpuMode.LAYERS:
            return spec.gpu.layers
        found = devices.list_devices(Path(self._lib.__file__).parent / "lib")
        return devices.auto_gpu_layers(found, file_size=spec.file_size, block_count=spec.block_count)

    def _construct(self, spec: LoadSpec, layers: int) -> NativeModel:
        cores = os.cpu_count() or 2
        threads = spec.threads or (cores if cores <= 4 else cores // 2)
        self._threads = self._most_threads = threads
        self._share = None if spec.threads else CpuShare(cores)
        # Flash attention where the device has it (llama.cpp's own default; llama-cpp-python turns it off):
        # on CPU it makes decoding faster and steadier on a busy machine.
        # swa_full=False (llama-server's default): a sliding-window layer keeps its window plus one micro-batch
        # of KV cells (512 + 512 on Gemma 3), not n_ctx of them: Gemma 3 270M's KV cache is 27 MiB instead of 72
        # at 4k context, 111 instead of 576 at 32k. The price: a turn can step back at most ~n_ubatch tokens into a long chat and keep
        # its cache (a regenerate of a reply longer than that evaluates the prompt again); the session checks
        # this (Session._truncate), as llama-server does. Embedding loads keep llama.cpp's full-size default:
        # they run many sequences at once, where a pruned window can be slow.
        # The LoRA adapter is set afterwards (app.engine.lora), so that the model stays mapped.
        return NativeModel(self._lib, spec.path, ModelOptions(
            n_ctx=spec.n_ctx, n_gpu_layers=layers, n_threads=threads, embedding=spec.embedding,
            swa_full=spec.embedding, extra_weight_buffers=self._extra_weight_buffers(), flash_attn=None))

    def _follow_cpu(self) -> None:
        """Run as many threads as the cores other processes leave free (see :mod:`app.engine.cpu_share`)."""
        share, llm = self._share, self._llm
        if share is None or llm is None or not share.look():
            return
        threads = share.threads(self._most_threads)
        if threads != self._threads:
            self._lib.llama_set_n_threads(llm.ctx, threads, threads)
            log.info("other processes use %.1f of %d cores: llama.cpp runs %d thread(s) now (at most %d)",
                     share.others, share.cores, threads, self._most_threads)
            self._threads = threads

    def _extra_weight_buffers(self) -> bool:
        """Whether weights may be repacked into the CPU backend's extra buffer types: not where AMX is one.

        ggml's AMX matrix multiply crashes the process on some Xeons (ggml-org/llama.cpp#20824: Q4_K models
        segfault on the first prompt; seen on this project's test machine) and is no faster on Sapphire
        Rapids (ollama/ollama#9203). llama.cpp can only turn the extra types off all together.
        """
        kinds = devices.cpu_weight_buffers(Path(self._lib.__file__).parent / "lib")
        if "AMX" in kinds:
            log.info("the CPU offers AMX weight buffers; extra weight buffers are off (ggml's AMX path is unsafe)")
            return False
        return True

    def unload(self) -> None:
        self._session = None  # its saved states and sampler buffers go before the context they belong to
        if self._adapter is not None:
            self._adapter.remove()
            self._adapter = None
        if self._llm is not None:
            self._llm.close()
        self._llm, self._spec, self._loaded = None, None, None

    def _require(self) -> NativeModel:
        if self._llm is None:
            raise EngineError("No model is loaded in the engine.")
        return self._llm

    def embed(self, request: EmbedRequest) -> Embeddings:
        llm = self._require()
        if self._spec is None or not self._spec.embedding:
            raise EngineError("This model was loaded for chat; load it for embeddings to embed text.")
        embedded = llm.embed(request.texts)
        if self._session is not None:
            self._session.forget()  # embedding cleared the KV cache under the session's feet
        return embedded

    def score(self, request: ScoreRequest) -> ScoreResult:
        from app.engine.scoring import score  # noqa: PLC0415 - numpy work only fine-tuning asks for

        llm = self._require()
        if self._session is not None:
            self._session.forget()  # scoring uses the cache from empty and leaves it so
        return score(self._lib, llm, request, self._cancel)

    def chat(self, request: ChatRequest, send: Send) -> None:
        llm = self._require()
        session = self._session
        assert session is not None  # made with the model
        started = time.monotonic()
        bos = llm.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
        eos = llm.token_get_text(llm.token_eos()) if llm.token_eos() >= 0 else ""
        prompt, dropped = self._fit(request, llm, bos, eos)
        params = request.params
        # Under a grammar the reply ends where the grammar does; a template's end text inside a JSON string
        # must not cut it short.
        stops = (*(() if request.grammar else request.template.stop), *params.stop)
        scanner = StopScanner(stops)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        limit = min(params.max_tokens, max(llm.n_ctx() - len(prompt), 0))
        produced, reused, finish = 0, 0, FinishReason.LENGTH
        self._follow_cpu()
        if limit > 0:
            prepared = session.prepare(request.conversation, prompt)
            reused = prepared.reused
            if prepared.cancelled:
                finish = FinishReason.CANCELLED
            else:
                produced, finish = self._reply(session, request, limit, stops, scanner, decoder, send)
        rest = scanner.feed(decoder.decode(b"", final=True)) + scanner.flush()
        if rest:
            send(Reply.CHUNK, ChatChunk(rest))
        send(Reply.DONE, ChatResult(finish_reason=finish, prompt_tokens=len(prompt), completion_tokens=produced,
                                    dropped_messages=dropped, seconds=time.monotonic() - started,
                                    cached_tokens=reused))

    def _reply(self, session: Session, request: ChatRequest, limit: int, stops: tuple[str, ...],
               scanner: StopScanner, decoder: Any, send: Send) -> tuple[int, FinishReason]:
        """Sample until an end: end-of-generation token, stop string, control token opening a turn, limit, cancel.

        Per token: one incremental UTF-8 step and a stop scan of the held-back tail, never of the whole reply.
        """
        llm = self._require()
        lib, vocab, cancel = self._lib, llm.vocab, self._cancel
        control = lib.LLAMA_TOKEN_ATTR_CONTROL
        produced = 0
        tokens = session.generate(request.params, grammar=request.grammar)
        try:
            for token in tokens:
                if cancel.value:
                    return produced, FinishReason.CANCELLED
                if lib.llama_vocab_is_eog(vocab, token):
                    return produced, FinishReason.STOP
                produced += 1
                if produced % 16 == 0:
                    self._follow_cpu()
                if lib.llama_vocab_get_attr(vocab, token) & control:
                    # Control tokens print as nothing, but one that opens a new turn ends the reply.
                    if llm.token_get_text(token) in stops:
                        return produced, FinishReason.STOP
                else:
                    text = scanner.feed(decoder.decode(self._piece(vocab, token)))
                    if text:  # one message a token: the window batches its repaints itself
                        send(Reply.CHUNK, ChatChunk(text))
                    if scanner.stopped:
                        return produced, FinishReason.STOP
                if produced >= limit:
                    return produced, FinishReason.LENGTH
        finally:
            tokens.close()
        return produced, FinishReason.LENGTH

    def _fit(self, request: ChatRequest, llm: NativeModel, bos: str, eos: str) -> tuple[list[int], int]:
        """Render the prompt, dropping the oldest unpinned turns until it leaves room for a reply."""
        n_ctx = llm.n_ctx()
        reserve = min(request.params.max_tokens, n_ctx // 2)
        messages = list(request.messages)
        pinned = min(request.pinned, max(len(messages) - 1, 0))
        dropped = 0
        while True:
            prompt = render_chat(request.template, messages, bos_token=bos, eos_token=eos).text
            tokens = self._tokenize(llm, prompt)
            if len(tokens) + reserve <= n_ctx:
                return tokens, dropped
            if len(messages) - pinned <= 1:
                if len(tokens) < n_ctx - 8:
                    return tokens, dropped
                raise EngineError(
                    f"The message does not fit in this model's context of {n_ctx} tokens (the prompt needs "
                    f"{len(tokens)}). Shorten it, or raise the GPT's context length.")
            dropped += _drop_oldest(messages, pinned)

    def _piece(self, vocab: Any, token: int) -> bytes:
        """The bytes of one token (llama-cpp-python's own helper returns its whole 32-byte buffer)."""
        size = self._lib.llama_token_to_piece(vocab, token, self._piece_buffer, len(self._piece_buffer), 0, False)
        if size < 0:
            self._piece_buffer = ctypes.create_string_buffer(-size)
            size = self._lib.llama_token_to_piece(vocab, token, self._piece_buffer, -size, 0, False)
        return self._piece_buffer.raw[:size]

    def _tokenize(self, llm: NativeModel, prompt: str) -> list[int]:
        tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        bos = llm.token_bos()
        if llm.add_bos_token() and bos >= 0 and (not tokens or tokens[0] != bos):
            tokens.insert(0, bos)
        return tokens


ENGINE_NICENESS = 5
"""How much lower than the app's own the engine's CPU priority is (POSIX ``nice``)."""


def _yield_to_the_window() -> None:
    """Let the window's process win the CPU when both want it.

    Decoding keeps every core busy; on a 2-core machine the GUI thread, a download and a store sync then
    wait for the scheduler behind the engine's threads, and the window stalls for hundreds of ms
    (bench/gui_stall.py). One step lower priority costs the engine nothing when the rest of the machine is
    idle (the speed figures are measured so) and gives the window its turn when it is not. Windows has no
    ``nice``; the engine keeps normal priority there.
    """
    if hasattr(os, "nice"):
        try:
            os.nice(ENGINE_NICENESS)
        except OSError:
            log.debug("could not lower the engine's priority", exc_info=True)


def _base(spec: LoadSpec) -> LoadSpec:
    """What decides the loaded model and context: the spec less its adapter (set on the context afterwards)."""
    return replace(spec, adapter_path=None, adapter_scale=1.0)


def _drop_oldest(messages: list[ChatMessage], pinned: int) -> int:
    """Drop the oldest unpinned turn, and the reply that answered it, so roles keep alternating."""
    del messages[pinned]
    if len(messages) - pinned > 1 and messages[pinned].role is Role.ASSISTANT:
        del messages[pinned]
        return 2
    return 1


class _PipeHandler(logging.Handler):
    """Send records to the parent; a lock of this process only, so a kill can't leave it held elsewhere."""

    def __init__(self, pipe: Connection) -> None:
        super().__init__()
        self._pipe = pipe
        self._send_lock = threading.Lock()
        self._preparer = logging.handlers.QueueHandler(None)  # type: ignore[arg-type]

    def emit(self, record: logging.LogRecord) -> None:
        try:
            prepared = self._preparer.prepare(record)
            with self._send_lock:
                self._pipe.send(prepared)
        except (OSError, ValueError):
            pass  # the parent is gone; nobody to tell


def _route_logging(pipe: Connection, level: int) -> None:
    root = logging.getLogger()
    root.handlers[:] = [_PipeHandler(pipe)]
    root.setLevel(level)
    # llama-cpp-python prints its own chatter with print(file=sys.stderr) when verbose; send the
    # Python-level stream into logging instead (the real fd 2 stays untouched for native crashes).
    sys.stderr = _LineLogger(logging.getLogger("llama_cpp.python"))


class _LineLogger:
    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            if line.strip():
                self._logger.debug("%s", line)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("not a real stream")


class _LlamaLogBridge:
    """llama.cpp's log callback, line-buffered into the ``llama_cpp`` logger (the parent re-emits it)."""

    # ggml's levels: NONE=0, DEBUG=1, INFO=2, WARN=3, ERROR=4, CONT=5 (llama-cpp-python's own table predates this).
    # llama.cpp's INFO is load-time detail, kept at DEBUG so the app's INFO stays readable.
    _LEVELS = {0: logging.DEBUG, 1: logging.DEBUG, 2: logging.DEBUG, 3: logging.WARNING, 4: logging.ERROR}

    def __init__(self, llama_cpp: Any, cancelled: Callable[[], bool] = lambda: False) -> None:
        self._logger = logging.getLogger("llama_cpp")
        self._cancelled = cancelled
        self._buffer = ""
        self._level = logging.DEBUG
        self.last_error = ""
        """The last line llama.cpp logged as an error (some API calls say why they failed only there)."""
        self._callback = llama_cpp.llama_log_callback(self._on_log)
        llama_cpp.llama_log_set(self._callback, None)

    def _on_log(self, level: int, text: bytes, _data: Any) -> None:
        if level != 5:  # 5 continues the previous line at its level
            self._level = self._LEVELS.get(level, logging.DEBUG)
        self._buffer += text.decode("utf-8", "replace")
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            if line.strip():
                level = self._level
                if level >= logging.ERROR and self._cancelled():
                    # A stop aborts the graph between two nodes, and llama.cpp reports that as a failed
                    # compute and decode: the outcome asked for, not an error.
                    level = logging.DEBUG
                self._logger.log(level, "%s", line)
                if self._level >= logging.ERROR:
                    self.last_error = line
