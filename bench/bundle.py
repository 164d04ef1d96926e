"""The packaged app (issue #6): the PyInstaller bundle's size and its cold start to the main window.

    python -m bench.bundle [--pairs 5]

Needs ``make package`` first (dist/gptshelf and the .deb); skipped with that message otherwise. The cold
start is what the bundled app's own ``--self-test`` reports for its "window" check: seconds from the
process's creation (as the OS records it) to the main window shown, offscreen, with a fresh data folder.
The baseline is the same self-test run from the development venv (``python -m app --self-test``), so the
ratio shows what bundling costs or saves (PyInstaller unpacks nothing in one-dir mode, but its bootloader
and archive imports differ from a venv's). Interleaved pairs, median ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from bench.harness import Row, Section, interleaved
from bench.show import print_section

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "gptshelf"
WINDOW = re.compile(r"main window shown .*?([\d.]+) s after the process started")


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of everything under ``folder``, links not followed."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def window_seconds(command: list[str]) -> float:
    """Run a self-test; the seconds its "window" check reports from process start to the window shown."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1")
    env.pop("GPTSHELF_HOME", None)
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    found = WINDOW.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{command[0]} --self-test failed (exit {done.returncode}): "
                           f"{(done.stdout + done.stderr)[-2000:]}")
    return float(found.group(1))


def run(pairs: int = 5) -> Section:
    section = Section("Packaged app (issue #6)")
    binary = BUNDLE / ("gptshelf.exe" if sys.platform == "win32" else "gptshelf")
    if not binary.exists():
        section.skipped = f"no bundle at {BUNDLE.relative_to(ROOT)}; build it with `make package`"
        return section
    size, files = folder_size(BUNDLE)
    section.rows.append(Row(figure="bundle size (dist/gptshelf, PyInstaller one-dir)", ratio=None,
                            ours=size / 2**20, unit="MiB", note=f"{files} files"))
    for deb in sorted(BUNDLE.parent.glob("*.deb")):
        section.rows.append(Row(figure=f"Linux package {deb.name}", ratio=None, ours=deb.stat().st_size / 2**20,
                                unit="MiB", note="gzip, as `make package` builds it"))
    bundled = [str(binary), "--self-test"]
    venv = [sys.executable, "-m", "app", "--self-test"]
    window_seconds(bundled), window_seconds(venv)  # warm the page cache for both
    measured = interleaved(lambda: window_seconds(bundled), lambda: window_seconds(venv), pairs)
    section.rows.append(Row(
        figure="bundle cold start to the main window ÷ the same from the venv", ratio=measured.ratio,
        ours=measured.ours_median, baseline=measured.baseline_median, unit="s",
        note=f"{pairs} pairs; self-test's window check, fresh data folder, offscreen"))
    section.text = ("Sizes as built here by `make package` (see docs/install.md for what takes the space). Cold start: "
                    "seconds from the process's creation to the main window shown, as the bundled app's own "
                    "`--self-test` reports it, against the same self-test from the development venv; interleaved, "
                    "warm page cache.")
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args(argv)
    print_section(run(args.pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
