"""llama.cpp's log lines in the engine child: levels, and the errors a requested stop makes llama.cpp print."""

from __future__ import annotations

import logging

from app.engine.worker import _LlamaLogBridge


class _Lib:
    """The two names the bridge uses from the bindings: the callback type and the setter."""

    def __init__(self) -> None:
        self.installed = None

    def llama_log_callback(self, function):  # noqa: ANN001, ANN201
        return function

    def llama_log_set(self, callback, _data) -> None:  # noqa: ANN001
        self.installed = callback


ABORT_LINES = (b"graph_compute: ggml_backend_sched_graph_compute_async failed with error 1\n",
               b"llama_decode: failed to decode, ret = 2\n")


def test_errors_stay_errors_and_lines_are_joined(caplog):
    lib = _Lib()
    bridge = _LlamaLogBridge(lib)
    with caplog.at_level(logging.DEBUG, logger="llama_cpp"):
        lib.installed(4, b"failed to load ", None)
        lib.installed(5, b"the adapter\n", None)
        lib.installed(2, b"load time detail\n", None)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.ERROR, "failed to load the adapter"), (logging.DEBUG, "load time detail")]
    assert bridge.last_error == "failed to load the adapter"


def test_the_failed_compute_of_a_requested_stop_is_not_logged_as_an_error(caplog):
    stopping = {"now": False}
    lib = _Lib()
    _LlamaLogBridge(lib, cancelled=lambda: stopping["now"])
    with caplog.at_level(logging.DEBUG, logger="llama_cpp"):
        stopping["now"] = True
        for line in ABORT_LINES:
            lib.installed(4, line, None)
        stopping["now"] = False
        lib.installed(4, ABORT_LINES[1], None)
    assert [r.levelno for r in caplog.records] == [logging.DEBUG, logging.DEBUG, logging.ERROR]
