"""What every benchmark shares: interleaved A/B timing, medians, and the row each one reports.

Every figure of `make bench` is a ratio against a baseline measured in the same run, interleaved
(A B A B …) so that the machine's drift (thermal, page cache, a neighbour on the other core) hits
both sides alike; the median of the pairs' ratios is the figure. Absolute values ride along for
information only.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table.

    ``ratio`` is ours ÷ baseline (or as the figure defines it); ``goal`` is the issue's target as text
    ("≥ 0.90", "≤ 0.10") and ``met`` whether the ratio meets it (None where there is no goal).
    ``ours`` / ``baseline`` are absolute values in ``unit`` for information.
    """

    figure: str
    ratio: float | None
    goal: str = ""
    met: bool | None = None
    ours: float | None = None
    baseline: float | None = None
    unit: str = ""
    note: str = ""


@dataclass
class Section:
    """A benchmark module's result: its rows and the Markdown paragraph that explains them."""

    title: str
    rows: list[Row] = field(default_factory=list)
    text: str = ""
    skipped: str = ""  # why the whole section did not run (e.g. the starter model is absent)


@dataclass(frozen=True)
class Pairs:
    ours: list[float]
    baseline: list[float]

    @property
    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.ours, self.baseline, strict=True) if b]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline)


def interleaved(ours: Callable[[], float], baseline: Callable[[], float], pairs: int = 5) -> Pairs:
    """Run baseline, ours, baseline, ours … ``pairs`` times; each callable returns its own measure.

    The callables measure themselves (tokens/s, seconds, MiB/s) because what counts as the timed part
    differs per figure; the order alternates which side goes first so neither always runs warm.
    """
    a: list[float] = []
    b: list[float] = []
    for index in range(pairs):
        if index % 2 == 0:
            b.append(baseline())
            a.append(ours())
        else:
            a.append(ours())
            b.append(baseline())
    return Pairs(a, b)


def seconds(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def at_least(ratio: float, goal: float) -> tuple[str, bool]:
    return f"≥ {goal:g}", ratio >= goal


def at_most(ratio: float, goal: float) -> tuple[str, bool]:
    return f"≤ {goal:g}", ratio <= goal


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) — enough for latency tables, no numpy needed."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]
