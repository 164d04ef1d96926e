"""Per-model queues for the API: a fixed number of slots per model, loaded on first use, unloaded when idle.

A llama.cpp model process generates one reply at a time, so a slot is a model process of its own (an
:class:`EnginePool` of one, kept apart from the GUI's). Requests for a model wait for one of its slots;
when too many wait, the next is refused (429) rather than queued without end. A request that gives up
while waiting (its client left) leaves the queue at once. A janitor thread unloads the models of slots
unused for ``idle_seconds``; past ``max_models`` loaded models, the least recently used idle one goes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from app.core.entities import FinishReason
from app.services.engines import EnginePool

log = logging.getLogger(__name__)

WAIT_STEP = 0.05
"""How often a waiting request checks whether it was abandoned (seconds)."""


class QueueFull(Exception):
    """Too many requests wait for this model already."""


class Abandoned(Exception):
    """The request was given up (its client left) while it waited for a slot."""


@dataclass
class Slot:
    pool: EnginePool
    busy: bool = False
    last_used: float = 0.0

    @property
    def loaded(self) -> bool:
        return bool(self.pool.engines())


@dataclass
class _Queue:
    slots: list[Slot]
    waiting: int = 0
    last_used: float = 0.0


@dataclass(frozen=True)
class Finished:
    """One generation's end, kept for the server's status (and to show a cancel really stopped it)."""

    key: str
    finish_reason: FinishReason | None
    completion_tokens: int


@dataclass(frozen=True)
class QueueState:
    busy: int
    waiting: int
    loaded: int


@dataclass
class ModelSlots:
    slots_per_model: int = 1
    idle_seconds: float = 600.0
    max_waiting: int = 64
    max_models: int = 2
    pool_factory: Callable[[], EnginePool] = lambda: EnginePool(capacity=1)
    clock: Callable[[], float] = time.monotonic
    recent: deque[Finished] = field(default_factory=lambda: deque(maxlen=256))
    _queues: dict[str, _Queue] = field(default_factory=dict)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _stop: threading.Event = field(default_factory=threading.Event)
    _janitor: threading.Thread | None = None

    def start(self) -> None:
        """Start unloading idle models in the background (not needed when ``idle_seconds`` is 0)."""
        if self.idle_seconds > 0 and self._janitor is None:
            self._janitor = threading.Thread(target=self._sweep_forever, name="api-idle-unload", daemon=True)
            self._janitor.start()

    @contextmanager
    def slot(self, key: str, abandoned: threading.Event) -> Iterator[Slot]:
        """Wait for a free slot of ``key``'s model and hold it; raises QueueFull or Abandoned."""
        victims: list[Slot] = []
        with self._cond:
            queue = self._queues.get(key)
            if queue is None:
                queue = self._queues[key] = _Queue([Slot(self.pool_factory()) for _ in range(self.slots_per_model)])
            if _free(queue) is None and queue.waiting >= self.max_waiting:
                raise QueueFull(key)
            queue.waiting += 1
            try:
                while (slot := _free(queue)) is None:
                    if abandoned.is_set():
                        raise Abandoned(key)
                    self._cond.wait(WAIT_STEP)
            finally:
                queue.waiting -= 1
            slot.busy = True
            queue.last_used = slot.last_used = self.clock()
            if not slot.loaded:
                victims = self._make_room(key)
                for victim in victims:
                    victim.busy = True  # nobody takes a slot while its model is being unloaded
        self._unload(victims)
        try:
            yield slot
        finally:
            with self._cond:
                slot.busy = False
                queue.last_used = slot.last_used = self.clock()
                self._cond.notify_all()

    def record(self, key: str, finish_reason: FinishReason | None, completion_tokens: int) -> None:
        self.recent.append(Finished(key, finish_reason, completion_tokens))

    def state(self) -> dict[str, QueueState]:
        with self._cond:
            return {key: QueueState(sum(s.busy for s in q.slots), q.waiting, sum(s.loaded for s in q.slots))
                    for key, q in self._queues.items()}

    def wait_idle(self, key: str, timeout: float) -> bool:
        """Wait until no slot of ``key`` is busy (tests, and a server stopping); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while any(s.busy for s in self._queues.get(key, _Queue([])).slots):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, WAIT_STEP))
        return True

    def unload_idle(self) -> int:
        """Unload the models of slots unused for ``idle_seconds``; returns how many were unloaded."""
        if self.idle_seconds <= 0:
            return 0
        now = self.clock()
        with self._cond:
            idle = [s for q in self._queues.values() for s in q.slots
                    if not s.busy and s.loaded and now - s.last_used >= self.idle_seconds]
            for slot in idle:
                slot.busy = True
        if idle:
            log.info("unloading %d API model processes unused for %.0f s or more", len(idle), self.idle_seconds)
        self._unload(idle)
        return len(idle)

    def _unload(self, slots: list[Slot]) -> None:
        """Close the model processes of ``slots`` (marked busy by the caller), then free them."""
        try:
            for slot in slots:
                slot.pool.close()
        finally:
            with self._cond:
                for slot in slots:
                    slot.busy = False
                self._cond.notify_all()

    def cancel_all(self) -> None:
        with self._cond:
            pools = [s.pool for q in self._queues.values() for s in q.slots]
        for pool in pools:
            pool.cancel_all()

    def close(self) -> None:
        self._stop.set()
        if self._janitor is not None:
            self._janitor.join(5)
        with self._cond:
            pools = [s.pool for q in self._queues.values() for s in q.slots]
            self._queues.clear()
        for pool in pools:
            pool.close()

    def _make_room(self, key: str) -> list[Slot]:
        """Idle slots of other models to unload so that ``key``'s model is at most the ``max_models``-th loaded."""
        loaded = [(k, q) for k, q in self._queues.items() if k != key and any(s.loaded for s in q.slots)]
        excess = len(loaded) + 1 - self.max_models
        victims: list[Slot] = []
        for _, queue in sorted(loaded, key=lambda kq: kq[1].last_used):
            if excess <= 0:
                break
            if not any(s.busy for s in queue.slots) and queue.waiting == 0:
                victims.extend(s for s in queue.slots if s.loaded)
                excess -= 1
        return victims

    def _sweep_forever(self) -> None:
        step = min(max(self.idle_seconds / 4, 0.5), 30.0)
        while not self._stop.wait(step):
            try:
                self.unload_idle()
            except Exception:  # noqa: BLE001 - the sweep must go on; the failure is logged
                log.exception("unloading idle API models failed")


def _free(queue: _Queue) -> Slot | None:
    """A free slot, one whose model is loaded first (another model process starts only when all are busy)."""
    free = [s for s in queue.slots if not s.busy]
    return next((s for s in free if s.loaded), free[0] if free else None)
