"""The reliability suites' figures: each suite records what it measured; the run prints them and can write the table.

A figure is one line of docs/reliability.md: the suite, what was counted, the value seen, the target,
whether it held and at which size (``quick`` in ``make test``, ``full`` in ``make test-reliability``).
``GPTSHELF_RELIABILITY=full`` picks the full size; ``GPTSHELF_RELIABILITY_WRITE=docs/reliability.md``
makes the run rewrite the table between the markers of that file (``make test-reliability`` does both).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SIZE_VARIABLE = "GPTSHELF_RELIABILITY"
WRITE_VARIABLE = "GPTSHELF_RELIABILITY_WRITE"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"


@dataclass(frozen=True)
class Figure:
    suite: str
    measure: str
    value: str
    target: str
    holds: bool
    size: str


def full() -> bool:
    return os.environ.get(SIZE_VARIABLE, "").lower() == "full"


def size(quick: int, full_size: int) -> int:
    """How many times a suite repeats its trial: ``quick`` under ``make test``, ``full_size`` under the full run."""
    return full_size if full() else quick


class Figures:
    """Collects the figures of one pytest run (a session fixture hands it to the suites)."""

    def __init__(self) -> None:
        self.items: list[Figure] = []

    def record(self, suite: str, measure: str, value: object, target: str, holds: bool) -> Figure:
        figure = Figure(suite, measure, str(value), target, bool(holds), "full" if full() else "quick")
        self.items.append(figure)
        sys.stderr.write(f"\nRELIABILITY {suite} | {measure}: {value} (target {target}) "
                         f"{'holds' if holds else 'FAILS'}\n")
        return figure

    def lines(self) -> list[str]:
        return [f"{f.suite} | {f.measure}: {f.value} (target {f.target}) {'holds' if f.holds else 'FAILS'} [{f.size}]"
                for f in self.items]

    def table(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        rows = ["| Suite | What was counted | Seen | Target | Holds | Size |", "|---|---|---|---|---|---|"]
        rows += [f"| {f.suite} | {f.measure} | {f.value} | {f.target} | {'yes' if f.holds else '**no**'} | {f.size} |"
                 for f in self.items]
        sizes = sorted({f.size for f in self.items})
        return "\n".join([f"Measured {stamp}, size: {', '.join(sizes)}.", "", *rows])

    def write(self, path: Path) -> None:
        """Replace the table between the markers of ``path`` (the rest of the page is left alone)."""
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
        if not pattern.search(text):
            raise ValueError(f"{path} has no {START} ... {END} markers")
        path.write_text(pattern.sub(lambda _m: f"{START}\n{self.table()}\n{END}", text), encoding="utf-8")
