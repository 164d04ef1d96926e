"""Figure 5: cold start, `gptshelf` to the main window painted, ÷ a bare PySide6 window in the same venv.

    python -m bench.cold_start [--pairs 7]

The data folder holds 100,000 store listings and 1,000 conversations (bench.catalog_data). Both sides
run as new processes through bench.app_probe, which times from the parent's spawn to the end of the
main window's first paint; the OS page cache is warm for both (a first run of each is discarded), as
on a second start of the day. Interleaved pairs; the ratio is ours ÷ bare, median of the pairs.
Goal ≤ 2.5. ``--imports`` also prints what the start path imports, slowest first (python -X importtime).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.catalog_data import prepare_home
from bench.harness import Row, Section, at_most, interleaved
from bench.show import print_section

ROOT = Path(__file__).resolve().parent.parent
GOAL = 2.5


def probe_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Bytecode may be written (the first, discarded run of each side writes it), as an installed app has
    # it: with PYTHONDONTWRITEBYTECODE set, every start would compile the app's modules from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(GPTSHELF_HOME=str(home), QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1")
    return env


def start(kind: str, home: Path, *, idle: float = 0.0) -> dict:
    """Spawn the probe; returns its report with ``seconds`` from spawn to the end of the first paint."""
    command = [sys.executable, "-m", "bench.app_probe", kind]
    if idle:
        command += ["--idle", str(idle)]
    spawned = time.monotonic()
    done = subprocess.run(command, env=probe_env(home), cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"the {kind} probe reported nothing (exit {done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(lines[-1])
    report["seconds"] = report["painted"] - spawned
    return report


def import_profile(home: Path, top: int = 25) -> list[tuple[float, str]]:
    """(cumulative ms, module) of the GUI start path's imports, slowest first, top-level packages only."""
    code = "import app.cli.main, app.ui.application"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=probe_env(home), cwd=ROOT,
                          capture_output=True, text=True, check=True)
    found = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        if depth <= 3:
            found.append((int(cumulative) / 1000, name.strip()))
    return sorted(found, reverse=True)[:top]


def run(pairs: int = 7) -> Section:
    section = Section("Cold start (figure 5)")
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        prepare_home(home)
        start("bare", home)
        start("gptshelf", home)  # warm the page cache and .pyc files for both
        measured = interleaved(lambda: start("gptshelf", home)["seconds"], lambda: start("bare", home)["seconds"],
                               pairs)
    goal, met = at_most(measured.ratio, GOAL)
    section.rows.append(Row(
        figure="5 cold start: gptshelf ÷ bare PySide6 window (to first paint)", ratio=measured.ratio, goal=goal,
        met=met, ours=measured.ours_median, baseline=measured.baseline_median, unit="s",
        note="100,000 listings, 1,000 conversations; offscreen"))
    section.text = (f"Process spawn to the end of the main window's first paint, {pairs} interleaved pairs, warm "
                    "page cache; ratio = median of ours ÷ bare.")
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--imports", action="store_true", help="print the start path's slowest imports")
    args = parser.parse_args(argv)
    if args.imports:
        with tempfile.TemporaryDirectory() as folder:
            for ms, name in import_profile(Path(folder)):
                print(f"{ms:8.1f} ms  {name}")
        return 0
    print_section(run(args.pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
