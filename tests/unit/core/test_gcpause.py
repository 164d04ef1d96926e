"""The cycle collector is off inside a sync's pause and back as it was afterwards, even on an error."""

from __future__ import annotations

import gc

import pytest

from app.core.gcpause import collector_paused


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_off_inside_and_on_again_after(collector):
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on(collector):
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("sync failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_a_big_mapping_is_freed_one_entry_at_a_time():
    from app.core.gcpause import drop_in_steps  # noqa: PLC0415

    sizes_seen: list[int] = []
    mapping: dict[int, object] = {}

    class Held:
        def __del__(self) -> None:
            sizes_seen.append(len(mapping))

    mapping.update({i: [Held(), Held()] for i in range(3)})
    drop_in_steps(mapping)
    assert mapping == {}
    assert sorted(sizes_seen, reverse=True) == [2, 2, 1, 1, 0, 0], "each entry freed on its own, while others wait"
