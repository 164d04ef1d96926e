"""Print a benchmark Section as a plain table (each module's ``python -m bench.X`` entry point)."""

from __future__ import annotations

from bench.harness import Section


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def print_section(section: Section) -> None:
    print(f"## {section.title}")
    if section.skipped:
        print(f"skipped: {section.skipped}")
        return
    width = max((len(r.figure) for r in section.rows), default=10)
    print(f"{'figure':<{width}}  {'ratio':>8}  {'goal':>10}  {'met':>4}  {'ours':>10}  {'baseline':>10}  unit / note")
    for row in section.rows:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        print(f"{row.figure:<{width}}  {_number(row.ratio):>8}  {row.goal:>10}  {met:>4}  {_number(row.ours):>10}  "
              f"{_number(row.baseline):>10}  {row.unit}{' — ' + row.note if row.note else ''}")
    if section.text:
        print()
        print(section.text)
