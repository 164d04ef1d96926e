"""Which models are loaded, in which child processes.

Keeping a model loaded between turns lets llama.cpp reuse the KV cache of the shared prompt prefix;
loading another model beyond ``capacity`` closes the least recently used one.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

from app.core.entities import LoadedModel
from app.engine.client import EngineClient
from app.engine.protocol import LoadSpec

log = logging.getLogger(__name__)


class EnginePool:
    def __init__(self, *, capacity: int = 1, factory: Callable[[], EngineClient] = EngineClient) -> None:
        self._capacity = max(1, capacity)
        self._factory = factory
        self._engines: OrderedDict[str, EngineClient] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, spec: LoadSpec) -> tuple[EngineClient, LoadedModel]:
        """The engine holding ``spec``'s model, started and loaded if needed (slow: call off the GUI thread)."""
        key = spec.path
        with self._lock:
            engine = self._engines.pop(key, None)
            if engine is None:
                while len(self._engines) >= self._capacity:
                    _, oldest = self._engines.popitem(last=False)
                    oldest.close()
                engine = self._factory()
            self._engines[key] = engine
        return engine, engine.load(spec)

    def engines(self) -> list[EngineClient]:
        with self._lock:
            return list(self._engines.values())

    def cancel_all(self) -> None:
        for engine in self.engines():
            engine.cancel()

    def close(self) -> None:
        with self._lock:
            engines, self._engines = list(self._engines.values()), OrderedDict()
        for engine in engines:
            engine.close()
