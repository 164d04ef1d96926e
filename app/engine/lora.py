"""A GPT's LoRA adapter, loaded with llama.cpp's own adapter API on a model that is already loaded.

``Llama(lora_path=...)`` would do it in one argument, but llama-cpp-python then turns mmap off: the whole base
model is read into the engine's private memory (253 MB more RSS for the starter model, and no page sharing
between two processes of the same file). llama.cpp itself needs no such thing: an adapter's tensors go into a
buffer of their own and are added to the base weights' products at run time. So the engine loads the base as
usual (mapped) and sets the adapter on the context here; a GPT switching between its adapter and none, or to
another adapter of the same base, keeps the loaded model.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.errors import EngineError

log = logging.getLogger("app.engine.lora")


class LoraAdapter:
    """One adapter loaded for a model and set on its context, at ``scale``; :meth:`remove` undoes both."""

    def __init__(self, lib: Any, llm: Any, path: str, scale: float,
                 last_error: Callable[[], str] = lambda: "") -> None:
        """Load the adapter at ``path`` for ``llm``'s model and set it on ``llm``'s context.

        ``last_error`` gives llama.cpp's last logged error line, which says why a file was refused.
        """
        self._lib = lib
        self._ctx = llm.ctx
        self.path, self.scale = path, scale
        name = Path(path).name
        if not Path(path).is_file():
            raise EngineError(f"The LoRA adapter {name} is missing; reinstall the GPT or pick its adapter again.")
        self._adapter = lib.llama_adapter_lora_init(llm.model, path.encode("utf-8"))
        if not self._adapter:  # a NULL pointer: llama.cpp refused the file
            reason = _reason(last_error())
            raise EngineError(f"llama.cpp could not use the LoRA adapter {name}{reason}. It must be a llama.cpp "
                              "LoRA adapter (GGUF) made for this GPT's base model.")
        adapters = (lib.llama_adapter_lora_p_ctypes * 1)(self._adapter)
        scales = (ctypes.c_float * 1)(scale)
        if lib.llama_set_adapters_lora(self._ctx, adapters, 1, scales) != 0:
            lib.llama_adapter_lora_free(self._adapter)
            self._adapter = None
            raise EngineError(f"llama.cpp could not apply the LoRA adapter {name} to the loaded model.")
        log.info("LoRA adapter %s set at scale %g (the base model stays mapped)", name, scale)

    def remove(self) -> None:
        """Take the adapter off the context and free it; before the model goes (the model would free it too)."""
        if self._adapter is None:
            return
        self._lib.llama_set_adapters_lora(self._ctx, None, 0, None)
        self._lib.llama_adapter_lora_free(self._adapter)
        self._adapter = None


def _reason(line: str) -> str:
    """llama.cpp's reason (after its function name), as a clause for the error sentence."""
    text = line.strip().split(": ", 1)[-1].removeprefix("failed to apply lora adapter: ") if line.strip() else ""
    return f" ({text})" if text else ""
