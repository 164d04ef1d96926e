"""`make bench`: run every benchmark, print one table, rewrite docs/benchmarks.md.

    python -m bench.run_all                 # everything; rewrites docs/benchmarks.md
    python -m bench.run_all --only chat_speed [--write]

Each benchmark module has ``run() -> Section`` (see :mod:`bench.harness`); they are listed here
explicitly, in the order the report shows them. A module that does not have ``run`` yet is skipped with a
message, as is one that cannot run here (the reason goes into the report). The report's header says what
the figures were measured on: machine, Python, the llama.cpp commit and build flags, models, date.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib
import logging
import os
import platform
import re
import sys
import tempfile
import traceback
from pathlib import Path

from app.core.errors import KnownError
from bench.harness import Row, Section

MODULES = (
    "bench.chat_speed",
    "bench.search_latency",
    "bench.knowledge",
    "bench.download_throughput",
    "bench.gui_stall",
    "bench.cold_start",
    "bench.memory",
    "bench.finetune",
    "bench.bundle",
    "bench.api",
)
REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def collect(only: str | None = None) -> list[Section]:
    sections = []
    for name in MODULES:
        if only and short(name) != only:
            continue
        print(f"== {short(name)}", flush=True)
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            sections.append(Section(short(name), skipped=f"it could not be imported ({exc})"))
            continue
        run = getattr(module, "run", None)
        if run is None:
            print(f"   skipped: {name} has no run() yet", flush=True)
            sections.append(Section(short(name), skipped="it has no run() yet"))
            continue
        try:
            section = run()
        except KnownError as exc:
            section = Section(short(name), skipped=str(exc))
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others' figures
            traceback.print_exc()
            section = Section(short(name), skipped=f"it failed: {type(exc).__name__}: {exc}")
        if section.skipped:
            print(f"   skipped: {section.skipped}", flush=True)
        sections.append(section)
    return sections


# --- the table --------------------------------------------------------------------------------
def number(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) < 1:
        return f"{value:.{digits}g}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"  # 1.44 and 1.38 are not both "1.4"


def met_text(row: Row) -> str:
    return {True: "yes", False: "**no**", None: "—"}[row.met]


def print_table(sections: list[Section]) -> None:
    rows = [row for section in sections for row in section.rows]
    width = min(max((len(row.figure) for row in rows), default=10), 90)
    header = f"{'figure':<{width}} {'ratio':>7} {'goal':>7} {'met':>4} {'ours':>10} {'baseline':>10} unit"
    print("\n" + header + "\n" + "-" * len(header))
    for section in sections:
        if section.skipped:
            print(f"{section.title}: skipped — {section.skipped}")
            continue
        for row in section.rows:
            met = {True: "yes", False: "NO", None: "-"}[row.met]
            print(f"{row.figure[:width]:<{width}} {number(row.ratio):>7} {row.goal or '-':>7} {met:>4} "
                  f"{number(row.ours):>10} {number(row.baseline):>10} {row.unit}")


def markdown(sections: list[Section], header: list[str]) -> str:
    lines = ["# Benchmarks", "",
             "Written by `make bench` (`python -m bench.run_all`); do not edit by hand. Every figure is a ratio "
             "against a baseline measured in the same run, interleaved (A B A B …), the median of at least five "
             "pairs; absolute values are beside it for information.", "", *header, ""]
    for section in sections:
        lines += [f"## {section.title}", ""]
        if section.skipped:
            lines += [f"Skipped: {section.skipped}.", ""]
            continue
        lines += ["| Figure | Ratio | Goal | Met | Ours | Baseline | Unit | Pairs |",
                  "|---|---:|---:|:---:|---:|---:|---|---|"]
        for row in section.rows:
            lines.append(f"| {row.figure} | {number(row.ratio)} | {row.goal or '—'} | {met_text(row)} | "
                         f"{number(row.ours)} | {number(row.baseline)} | {row.unit} | {row.note} |")
        lines += ["", section.text, ""] if section.text else [""]
    return "\n".join(lines).rstrip() + "\n"


def split_sections(text: str) -> tuple[str, dict[str, str]]:
    """A report's head (up to the first ``## ``) and its sections by title, in order."""
    head, *parts = re.split(r"(?m)^(?=## )", text)
    return head, {part.splitlines()[0][3:].strip(): part for part in parts}


def merged(old: str, new: str) -> str:
    """The old report with the sections ``new`` has replaced (``--only --write``); the header notes the date."""
    old_head, old_sections = split_sections(old)
    new_head, new_sections = split_sections(new)
    for title, part in new_sections.items():
        old_sections[title] = part
    note = next((line for line in new_head.splitlines() if line.startswith("- Date:")), "")
    stamp = f"\n- {', '.join(new_sections)}: re-run alone on {note[len('- Date: '):]}\n" if note else ""
    # A section re-run again replaces its earlier stamp (and any other note on that section's line).
    prefix = f"- {', '.join(new_sections)}: "
    old_head = "\n".join(line for line in old_head.splitlines() if not line.startswith(prefix))
    return old_head.rstrip("\n") + stamp + "\n" + "".join(
        part if part.endswith("\n\n") else part.rstrip("\n") + "\n\n" for part in old_sections.values()).rstrip() + "\n"


# --- what it ran on ---------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory = f"{ram:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        memory = "RAM unknown"
    return f"{cpu}, {os.cpu_count()} cores, {memory}, {platform.system()} {platform.release()}"


def llama_cpp_lines() -> list[str]:
    """The llama.cpp the figures ran on (the cached llama-bench build records it; nothing is built here)."""
    from bench import llama_bench  # noqa: PLC0415

    try:
        version = llama_bench.installed_version()
    except KnownError as exc:
        return [f"- llama.cpp: {exc}"]
    stamp = llama_bench.BUILD_ROOT / f"llama-bench-{version}.json"
    if not stamp.exists():
        return [f"- llama-cpp-python {version}; llama-bench not built in this run"]
    import json  # noqa: PLC0415

    built = json.loads(stamp.read_text())
    flags = " ".join(f for f in built["cmake_flags"] if f.startswith("-D"))
    return [f"- llama.cpp: commit `{built['commit']}` (vendored in llama-cpp-python {version}); the app's "
            f"libraries report `{built['app_system_info'].rstrip(' |')}`",
            f"- llama-bench: built from that commit with `{flags}` in {built['build_seconds']:.0f} s (once, "
            f"cached in bench/.build/), run on the app's own libllama/libggml"]


def model_lines() -> list[str]:
    from bench.chat_speed import starter_model  # noqa: PLC0415
    from tests.support.tiny_gguf import CHATML_TEMPLATE, write_tiny_llama  # noqa: PLC0415

    lines = []
    starter = starter_model()
    if starter is None:
        lines.append("- Gemma 3 270M Q4_K_M: not installed (the `starter` extra); its figures were skipped")
    else:
        lines.append(f"- Gemma 3 270M Q4_K_M (starter): {starter.stat().st_size / 2**20:.0f} MiB, "
                     f"sha256 {sha256(starter)[:12]}…")
    with tempfile.TemporaryDirectory() as folder:
        tiny = write_tiny_llama(Path(folder) / "tiny.gguf", chat_template=CHATML_TEMPLATE, context_length=4096)
        lines.append(f"- tiny GGUF (tests/support/tiny_gguf.py, random llama weights): "
                     f"{tiny.stat().st_size / 2**10:.0f} KiB, sha256 {sha256(tiny)[:12]}…")
    return lines


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def header(load: float) -> list[str]:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [f"- Date: {now}", f"- Machine: {machine()}; load average {load:.1f} when the run started "
            "(other work on the same cores moves absolute figures; the interleaved ratios are what to read)",
            f"- Python {platform.python_version()}",
            *llama_cpp_lines(), *model_lines()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=[short(m) for m in MODULES], help="run one benchmark")
    parser.add_argument("--write", action="store_true", help="rewrite docs/benchmarks.md even with --only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("llama_cpp").setLevel(logging.ERROR)  # the engine's load-time chatter
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    sections = collect(args.only)
    print_table(sections)
    if args.only is None or args.write:
        text = markdown(sections, header(load))
        if args.only and REPORT.exists():
            text = merged(REPORT.read_text(encoding="utf-8"), text)
        REPORT.write_text(text, encoding="utf-8")
        print(f"\nwrote {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
