"""Per-model slots: waiting, giving up while queued, the waiting limit, idle unload, the loaded-model cap.

The pools here never start a model process: a pool counts as loaded once it holds an engine, so these
tests give it a stand-in engine object that records being closed (the real engine is in the integration
tests)."""

from __future__ import annotations

import threading

import pytest

from app.server.slots import Abandoned, ModelSlots, QueueFull
from app.services.engines import EnginePool


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Engine:
    """A stand-in for an engine process: only closing it matters here."""

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def cancel(self) -> None:
        pass


def load(pool: EnginePool) -> Engine:
    engine = Engine()
    pool._engines["model.gguf"] = engine  # what EnginePool.acquire leaves behind after loading a model
    return engine


def test_a_second_request_waits_for_the_only_slot_and_gets_it_when_freed():
    slots = ModelSlots(slots_per_model=1)
    order = []
    release = threading.Event()

    def second() -> None:
        with slots.slot("m", threading.Event()):
            order.append("second")
            release.wait(10)

    with slots.slot("m", threading.Event()):
        waiter = threading.Thread(target=second)
        waiter.start()
        assert _until(lambda: slots.state()["m"].waiting == 1)
        order.append("first done")
    assert _until(lambda: order == ["first done", "second"])
    assert slots.state()["m"].busy == 1  # the waiter holds it now
    release.set()
    waiter.join(10)
    assert slots.state()["m"].busy == 0


def test_a_request_given_up_while_queued_leaves_the_queue():
    slots = ModelSlots(slots_per_model=1)
    abandoned = threading.Event()
    caught = []

    def wait() -> None:
        try:
            with slots.slot("m", abandoned):
                caught.append("got a slot")
        except Abandoned:
            caught.append("abandoned")

    with slots.slot("m", threading.Event()):
        waiter = threading.Thread(target=wait)
        waiter.start()
        assert _until(lambda: slots.state()["m"].waiting == 1)
        abandoned.set()
        waiter.join(10)
        assert caught == ["abandoned"] and slots.state()["m"].waiting == 0


def test_past_the_waiting_limit_a_request_is_refused():
    slots = ModelSlots(slots_per_model=1, max_waiting=0)
    with slots.slot("m", threading.Event()), pytest.raises(QueueFull):
        with slots.slot("m", threading.Event()):
            pass


def test_two_slots_serve_two_at_once_and_prefer_a_loaded_one():
    slots = ModelSlots(slots_per_model=2)
    with slots.slot("m", threading.Event()) as first:
        load(first.pool)
    with slots.slot("m", threading.Event()) as again, slots.slot("m", threading.Event()) as other:
        assert again is first and other is not first
        assert slots.state()["m"].busy == 2


def test_idle_models_are_unloaded_and_busy_ones_never():
    clock = Clock()
    slots = ModelSlots(slots_per_model=2, idle_seconds=60, clock=clock)
    holding = slots.slot("m", threading.Event())
    busy = load(holding.__enter__().pool)
    with slots.slot("m", threading.Event()) as idle_slot:
        idle = load(idle_slot.pool)
    try:
        clock.now = 61
        assert slots.unload_idle() == 1
        assert idle.closed and not busy.closed
    finally:
        holding.__exit__(None, None, None)
    clock.now = 90
    assert slots.unload_idle() == 0  # the other was used at 61
    clock.now = 200
    assert slots.unload_idle() == 1 and busy.closed
    assert slots.state()["m"].loaded == 0


def test_an_idle_time_of_zero_keeps_models_loaded():
    clock = Clock()
    slots = ModelSlots(idle_seconds=0, clock=clock)
    with slots.slot("m", threading.Event()) as slot:
        engine = load(slot.pool)
    clock.now = 10**6
    assert slots.unload_idle() == 0 and not engine.closed


def test_loading_a_model_past_max_models_unloads_the_least_recently_used_idle_one():
    clock = Clock()
    slots = ModelSlots(max_models=2, clock=clock)
    engines = {}
    for now, key in ((1, "a"), (2, "b")):
        clock.now = now
        with slots.slot(key, threading.Event()) as slot:
            engines[key] = load(slot.pool)
    clock.now = 3
    with slots.slot("c", threading.Event()) as slot:
        engines["c"] = load(slot.pool)
    assert engines["a"].closed and not engines["b"].closed
    assert {k: s.loaded for k, s in slots.state().items()} == {"a": 0, "b": 1, "c": 1}


def _until(condition, timeout: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False
