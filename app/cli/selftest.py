"""``gptshelf --self-test``: prove that this installation works, end to end, in seconds.

Installers run it right after building (CI) and a person can run it when something seems broken. It
exercises what a bundle most often gets wrong, in the order a first start would: the SQLite catalog is
created and migrated, the real main window is shown (Qt plugins), every module of the app imports
(nothing left out of the bundle), a tiny GGUF that it writes itself is imported, one chat reply streams from
llama.cpp in the engine's child process (in a frozen app: the executable re-entering itself through
``multiprocessing.freeze_support``), llama.cpp names its build, and the reply is read back from the
catalog after reopening it.

Everything happens in a new temporary data folder, so a person's own catalog, models and settings are
never touched. It prints one line per check (``ok`` or ``FAILED`` with the reason) and exits 0 only if
every check passed; on a failure the folder and its log are kept and their path printed.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

import app
from app import __version__
from app.cli.llama_build import describe_build, recorded_build
from app.cli.output import Output
from app.cli.selftest_gguf import write_tiny_model
from app.core.entities import ChatChunk, ChatResult, GenerationParams, MessageStatus
from app.core.paths import AppPaths
from app.services.container import Services, open_services

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 300.0
"""The whole self-test; a tiny model answers in well under a second, so this only catches a hang."""

GPT_NAME = "Self-test"
PROMPT = "Say hello."
SKIPPED_MODULES = ("app.__main__",)  # importing it would run the app


class CheckFailed(Exception):
    """A check found something wrong; the message says what, for the report line."""


@dataclass
class _State:
    paths: AppPaths
    services: Services | None = None
    gpt_id: str | None = None
    conversation_id: int | None = None
    reply_text: str = ""
    engine_info: Any = None
    failed: list[str] = field(default_factory=list)


def run(configure_logging: Callable[[AppPaths], None], out: Output | None = None, *,
        timeout: float = TIMEOUT_SECONDS) -> int:
    """Run every check in a temporary data folder; 0 if all passed, 1 otherwise."""
    out = out or Output()
    started = time.monotonic()
    process_started = psutil.Process().create_time()
    home = Path(tempfile.mkdtemp(prefix="gptshelf-selftest-"))
    state = _State(AppPaths(home.resolve()))
    configure_logging(state.paths)
    where = f"bundled app in {Path(sys.executable).parent}" if getattr(sys, "frozen", False) else "from source"
    out.write(f"GPT Shelf {__version__} self-test ({where}), in the temporary data folder {home}")
    current = {"check": "start"}
    watchdog = threading.Timer(timeout, _give_up, args=(out, state, current, timeout))
    watchdog.daemon = True
    watchdog.start()

    def window() -> str:
        from app.ui.selftest import open_main_window  # noqa: PLC0415 - Qt only for this check

        shown = open_main_window(_services(state))
        return (f"main window shown on Qt platform '{shown.platform}' with {shown.sections} sections, "
                f"{shown.opened_at - process_started:.2f} s after the process started")

    checks: list[tuple[str, Callable[[], str], tuple[str, ...]]] = [
        ("catalog", lambda: _catalog(state), ()),
        ("window", window, ("catalog",)),  # before "modules": its time is a first start's, not an import-all's
        ("modules", _modules, ()),
        ("model", lambda: _model(state), ("catalog",)),
        ("chat", lambda: _chat(state), ("model",)),
        ("llama.cpp", lambda: _llama(state), ("chat",)),
        ("history", lambda: _history(state), ("chat",)),
    ]
    try:
        for name, check, needs in checks:
            current["check"] = name
            missing = [n for n in needs if n in state.failed]
            if missing:
                state.failed.append(name)
                out.write(f"{'skipped':8}{name:10}needs {', '.join(missing)}, which failed")
                continue
            began = time.monotonic()
            try:
                detail = check()
            except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the report
                state.failed.append(name)
                out.write(f"{'FAILED':8}{name:10}{_reason(exc)}")
                _log_failure(name)
            else:
                out.write(f"{'ok':8}{name:10}{detail} [{time.monotonic() - began:.2f} s]")
    finally:
        watchdog.cancel()
        if state.services is not None:
            state.services.close()
    elapsed = time.monotonic() - started
    if state.failed:
        out.write(f"self-test FAILED: {', '.join(state.failed)} ({len(state.failed)} of {len(checks)} checks) "
                  f"in {elapsed:.1f} s. The data folder and its log are kept for a bug report: "
                  f"{state.paths.logs / 'gptshelf.log'}")
        _print_log_tail(out, state.paths)
        return 1
    shutil.rmtree(home, ignore_errors=True)
    out.write(f"self-test passed: {len(checks)} checks in {elapsed:.1f} s")
    return 0


def _services(state: _State) -> Services:
    if state.services is None:
        raise CheckFailed("the catalog is not open")
    return state.services


def _modules() -> str:
    """Import every module of the app: a bundle that left one out fails here, not when a person clicks."""
    names = [info.name for info in pkgutil.walk_packages(app.__path__, "app.")
             if info.name not in SKIPPED_MODULES]
    if len(names) < 10:  # a frozen importer that cannot list the package would make this check vacuous
        raise CheckFailed(f"only {len(names)} app modules could be listed; the bundle's module index is broken")
    broken = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - collect them all
            broken.append(f"{name} ({type(exc).__name__}: {exc})")
    if broken:
        raise CheckFailed(f"{len(broken)} of {len(names)} modules do not import: {'; '.join(broken[:5])}")
    return f"{len(names)} app modules import"


def _catalog(state: _State) -> str:
    state.services = open_services(state.paths, install_starter=False)
    settings = state.services.settings()
    state.services.catalog.save_settings(settings.updated(welcome_done=True))
    if not state.services.settings().welcome_done:
        raise CheckFailed("a setting written to the catalog did not read back")
    return f"created, migrated, a setting written and read back ({state.paths.database.name})"


def _model(state: _State) -> str:
    services = _services(state)
    path = write_tiny_model(state.paths.home / "self-test.gguf")
    model = services.models.import_gguf(path, name="self-test tiny llama")
    gpt = services.gpts.create(GPT_NAME, model.sha256, instructions="You are a test.",
                               params=GenerationParams(max_tokens=16, context_length=512, seed=7))
    state.gpt_id = gpt.id
    return (f"tiny GGUF written ({path.stat().st_size / 1024:.0f} KiB), checked, imported as "
            f"{model.sha256[:12]}, GPT {gpt.id!r} saved")


def _chat(state: _State) -> str:
    services = _services(state)
    if state.gpt_id is None:
        raise CheckFailed("no GPT to chat with")
    stream = services.chat.send(state.gpt_id, PROMPT)
    state.conversation_id = stream.conversation.id
    began = time.monotonic()
    chunks, result = 0, None
    for item in stream:
        if isinstance(item, ChatChunk):
            chunks += 1
        elif isinstance(item, ChatResult):
            result = item
    seconds = time.monotonic() - began
    engines = services.engines.engines()
    child = engines[0].pid if engines else None
    if result is None:
        raise CheckFailed("the reply ended without a result from the engine")
    if child is None or child == psutil.Process().pid:
        raise CheckFailed("the reply did not come from a separate engine process")
    if chunks == 0 or result.completion_tokens == 0:
        raise CheckFailed(f"the engine streamed nothing (finish reason {result.finish_reason})")
    state.reply_text = stream.text
    state.engine_info = engines[0].info()
    try:
        program = Path(psutil.Process(child).exe()).name  # a frozen app's child is the app's own executable
    except psutil.Error:
        program = "?"
    return (f"{result.completion_tokens} tokens in {chunks} chunks streamed from engine process {child} "
            f"({program}) in {seconds:.2f} s ({result.finish_reason})")


def _llama(state: _State) -> str:
    info = state.engine_info
    if info is None:
        raise CheckFailed("the engine did not describe itself")
    offload = "GPU offload available" if info.gpu_offload else "CPU only"
    devices = ", ".join(d.name for d in info.devices) or "no device list"
    return (f"llama-cpp-python {info.llama_cpp_version}, {offload}, devices: {devices}; "
            f"{describe_build(info.system_info, recorded_build())}")


def _history(state: _State) -> str:
    """Close the catalog and open it again, so the check reads what was written to disk."""
    _services(state).close()
    state.services = open_services(state.paths, install_starter=False)
    if state.conversation_id is None:
        raise CheckFailed("no conversation was stored")
    messages = state.services.catalog.list_messages(state.conversation_id)
    if [m.role.value for m in messages] != ["user", "assistant"]:
        raise CheckFailed(f"expected the message and its reply, found roles {[m.role.value for m in messages]}")
    reply = messages[1]
    if reply.status is not MessageStatus.COMPLETE or reply.content != state.reply_text:
        raise CheckFailed(f"the stored reply is {reply.status.value} with {len(reply.content)} characters, "
                          f"not the complete {len(state.reply_text)}-character reply streamed")
    if state.services.gpts.get(GPT_NAME).id != state.gpt_id:
        raise CheckFailed("the GPT did not read back")
    return f"catalog reopened: the GPT, the message and its complete reply ({len(reply.content)} characters) read back"


def _reason(exc: BaseException) -> str:
    text = str(exc) or "(no message)"
    return text if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {text}"


def _log_failure(name: str) -> None:
    log.error("self-test check %s failed\n%s", name, traceback.format_exc())


def _print_log_tail(out: Output, paths: AppPaths, lines: int = 30) -> None:
    log_file = paths.logs / "gptshelf.log"
    try:
        tail = log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return
    out.write(f"--- last {len(tail)} lines of {log_file} ---")
    for line in tail:
        out.write(line)


def _give_up(out: Output, state: _State, current: dict[str, str], timeout: float) -> None:
    """The watchdog: a hung check (a stuck engine, a window that never shows) must not hang an installer."""
    out.write(f"{'FAILED':8}{current['check']:10}no result within {timeout:g} s; the data folder is kept: "
              f"{state.paths.home}")
    _print_log_tail(out, state.paths)
    os._exit(1)
