"""Reliability suites (docs/reliability.md): crash, fault and hostile-input trials that each report a figure.

Every test here is marked ``reliability``; ``make test`` runs them at the quick size and
``make test-reliability`` at the full one (tests/reliability/figures.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.figures import WRITE_VARIABLE, Figures

_FIGURES = Figures()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="session")
def figures() -> Figures:
    return _FIGURES


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    if not _FIGURES.items:
        return
    terminalreporter.section("reliability figures")
    for line in _FIGURES.lines():
        terminalreporter.write_line(line)
    target = os.environ.get(WRITE_VARIABLE)
    if target:
        _FIGURES.write(Path(target))
        terminalreporter.write_line(f"(table written to {target})")
