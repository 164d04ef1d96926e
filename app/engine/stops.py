"""Stop strings in a token stream.

Text that might be the beginning of a stop string is held back until the next piece shows whether it
is, so a reply never ends with half of ``<|im_end|>`` printed.
"""

from __future__ import annotations

from collections.abc import Sequence


class StopScanner:
    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """Add text; return what can be shown now. After a stop string, everything else is dropped."""
        if self.stopped:
            return ""
        held = self._held + text
        cut = min((i for i in (held.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            self._held = ""
            return held[:cut]
        keep = self._longest_partial(held)
        self._held = held[len(held) - keep:] if keep else ""
        return held[: len(held) - keep]

    def flush(self) -> str:
        """The end of the stream: whatever was held back is real text after all."""
        held, self._held = self._held, ""
        return "" if self.stopped else held

    def _longest_partial(self, text: str) -> int:
        best = 0
        for stop in self._stops:
            for size in range(min(len(stop) - 1, len(text)), best, -1):
                if text.endswith(stop[:size]):
                    best = size
                    break
        return best
