"""How many cores other processes leave free, so that llama.cpp never runs more threads than there are.

llama.cpp's CPU threads meet at a barrier after every operation of the graph (hundreds a token). When
one of them shares its core with another busy process, every barrier waits for that thread's next time
slice, and decoding collapses: Gemma 3 270M on this project's 2-core machine went from 37 tokens/s to
0.7 with one other process busy on one core (measured before this module). With one thread fewer it
runs at about half speed instead. So the engine measures the other processes' CPU use (all busy CPU
time less its own) since it last looked, and sets the context's thread count to the cores they leave
(``llama_set_n_threads``, which costs nothing), before each request and every half second of a reply.

The app's own process counts as another: a store sync parsing on one core would starve a second
llama.cpp thread just the same (the engine runs at a lower priority than the window, see worker.py).
Used only when the thread count is automatic; a count the person set is kept as it is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import NamedTuple

import psutil

MIN_INTERVAL = 0.5
"""Seconds between two looks: shorter windows are noise (a time slice is several ms)."""


class Times(NamedTuple):
    """CPU seconds since boot over all cores (``busy``, ``total``) and this process's own (``own``)."""

    busy: float
    total: float
    own: float


def read_times() -> Times:
    system = psutil.cpu_times()
    total = sum(system) - getattr(system, "guest", 0.0) - getattr(system, "guest_nice", 0.0)  # inside user/nice
    idle = system.idle + getattr(system, "iowait", 0.0)
    mine = os.times()
    return Times(busy=total - idle, total=total, own=mine.user + mine.system)


class CpuShare:
    """The other processes' use of the CPU, in cores, and the thread count that leaves them theirs."""

    def __init__(self, cores: int, *, read: Callable[[], Times] = read_times,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cores = max(1, cores)
        self._read = read
        self._clock = clock
        self._last = read()
        self._last_at = clock()
        self.others = 0.0
        """Cores' worth of CPU the other processes used in the last window."""

    def look(self) -> bool:
        """Measure again if the last look is old enough; True if it did."""
        now = self._clock()
        if now - self._last_at < MIN_INTERVAL:
            return False
        times = self._read()
        spent = times.total - self._last.total
        if spent > 0:
            others = (times.busy - self._last.busy) - (times.own - self._last.own)
            self.others = min(max(others / spent * self.cores, 0.0), float(self.cores))
        self._last, self._last_at = times, now
        return True

    def threads(self, most: int) -> int:
        """At most ``most``, at least 1: the cores left when the others' use is rounded to whole cores."""
        free = int(self.cores - self.others + 0.5)
        return max(1, min(most, free))
