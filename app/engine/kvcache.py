"""How much of a new prompt the engine already holds, and which other conversations it keeps.

A chat turn re-sends the whole conversation, but almost all of it was evaluated last turn: llama.cpp's KV
cache still holds it. Keeping the tokens the cache holds beside it lets the engine evaluate only the new
suffix (a follow-up costs its own few tokens, not the whole history). When the person switches to another
chat, the state of the one they leave is saved here (a copy of its KV cells), so coming back restores it
instead of evaluating the history again. Pure bookkeeping: the llama.cpp calls live in
:mod:`app.engine.session`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens two sequences share."""
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return index
    return min(len(a), len(b))


def reusable(cached: Sequence[int], prompt: Sequence[int]) -> int:
    """How many cached tokens a prompt can keep: the shared prefix, less one when it covers the whole prompt.

    The last prompt token is always evaluated again, because sampling needs the logits it produces.
    """
    shared = common_prefix(cached, prompt)
    return min(shared, max(len(prompt) - 1, 0))


@dataclass(frozen=True)
class SavedState:
    """A copy of one conversation's KV cells (``data``, ``size`` bytes) and the tokens they hold."""

    key: str | None
    tokens: tuple[int, ...]
    data: Any
    size: int


class StateCache:
    """Saved states of recently used conversations, bounded in bytes; the least recently used go first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(capacity, 0)
        self._states: OrderedDict[str | None, SavedState] = OrderedDict()

    def __len__(self) -> int:
        return len(self._states)

    @property
    def size(self) -> int:
        return sum(state.size for state in self._states.values())

    def keys(self) -> list[str | None]:
        return list(self._states)

    def put(self, state: SavedState) -> bool:
        """Keep ``state`` (replacing its conversation's older one); False when it alone exceeds the budget."""
        self._states.pop(state.key, None)
        if state.size > self.capacity:
            return False
        while self._states and self.size + state.size > self.capacity:
            self._states.popitem(last=False)
        self._states[state.key] = state
        return True

    def best(self, key: str | None, prompt: Sequence[int]) -> tuple[SavedState | None, int]:
        """The saved state sharing the longest prefix with ``prompt`` (the conversation's own on a tie)."""
        found, length = None, 0
        for state in sorted(self._states.values(), key=lambda s: s.key != key):
            shared = reusable(state.tokens, prompt)
            if shared > length:
                found, length = state, shared
        if found is not None:
            self._states.move_to_end(found.key)
        return found, length

    def pop(self, key: str | None) -> SavedState | None:
        return self._states.pop(key, None)

    def clear(self) -> None:
        self._states.clear()
