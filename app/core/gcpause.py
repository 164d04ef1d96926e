"""Python's cycle collector held off while a worker thread builds and drops a huge heap of objects.

A store sync parses and writes 100,000 listings. Those allocations trigger full (generation 2)
collections, and each one walks every object in the process with the GIL held: 100–580 ms measured in
bench/gui_stall.py, all of it time the GUI thread cannot run (a frozen window). Reference counting still
frees everything as usual while the collector waits; only the search for reference cycles is put off
until the work ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
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
