"""Keeping a worker thread's huge heap of objects from freezing the GUI thread: collector and deallocation.

A store sync parses and writes 100,000 listings. Those allocations trigger full (generation 2)
collections, and each one walks every object in the process with the GIL held: 100–580 ms measured in
bench/gui_stall.py, all of it time the GUI thread cannot run (a frozen window). Reference counting still
frees everything as usual while the collector waits; only the search for reference cycles is put off
until the work ends.

Freeing is the other half: dropping the last reference to 100,000 listings frees them in one C-level
cascade with the GIL held throughout (70 ms measured), so :func:`drop_in_steps` frees a big mapping one
entry at a time, with a chance for the GIL to change hands between entries.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cycle collector for the block; it is turned back on only if it was on before.

    The collector is one switch for the whole process, so two overlapping pauses end with the first
    that started: good enough for keeping long collections out of a sync, with no shared counter.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def drop_in_steps(mapping: MutableMapping[object, object]) -> None:
    """Empty ``mapping`` entry by entry (each entry's objects freed on their own, ~1 ms for 1,000 listings).

    Only useful when the caller holds the last reference to what the entries hold.
    """
    while mapping:
        mapping.popitem()
