"""The GUI's start path stays light (figure 5, cold start, in docs/benchmarks.md).

``gptshelf`` is started in a subprocess, as a person starts it, on each section it may remember; at
its first paint the probe reports what the process had imported and which pages it had built. The
heavy libraries (llama.cpp, the hub client, pydantic, jinja2, gguf/numpy, keyring...) and the pages
not shown must wait until they are used: importing them before the first paint is what made the start
nine times slower than a bare PySide6 window. No timing is asserted; the benchmark measures that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("chats", "store", "library", "models", "settings")

NOT_BEFORE_THE_FIRST_PAINT = (
    "llama_cpp",  # never in the GUI process: the engine is a child process
    "huggingface_hub", "httpx", "httpx2",  # the hub, on the first hub call
    "pydantic", "pydantic_core",  # the manifest models, when a GPT is checked, imported or published
    "jinja2",  # chat templates, with the first reply or template preview
    "gguf", "numpy", "yaml",  # the GGUF check, when a model is imported or installed
    "keyring",  # the hub token, read on a worker thread once the window has painted
    "psutil",  # free memory, asked on a worker thread once the window has painted
    "multiprocessing.context",  # the engine's process, when a model loads or devices are asked for
    "app.engine.worker", "app.engine.templates", "app.ggufcheck", "app.manifest.models",
    "app.hub.publish", "app.services.publish", "app.services.gpt_package", "app.cli.commands",
)

PROBE = """
import json, os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])

class Probe(QObject):
    seen = False

    def eventFilter(self, watched, event):
        if not self.seen and event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            self.seen = True
            QTimer.singleShot(0, lambda: self.report(watched))
        return False

    def report(self, window):
        built = [key for key in window.pages if window.pages.built(key) is not None]
        current = next(key for key in built if window.pages.built(key) is window.stack.currentWidget())
        print(json.dumps({"modules": sorted(sys.modules), "built": built, "current": current}), flush=True)
        os._exit(0)  # the report is all this probe is for; nothing after the first paint is measured

probe = Probe()
app.installEventFilter(probe)
from app.cli.main import main
sys.exit(main([]))
"""


def _start(home: Path) -> dict:
    env = dict(os.environ, GPTSHELF_HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    reports = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert reports, f"the GUI did not paint (exit {done.returncode}): {done.stderr[-3000:]}"
    return json.loads(reports[-1])


@pytest.mark.parametrize("section", SECTIONS)
def test_the_first_paint_builds_one_page_and_imports_nothing_heavy(gptshelf_home: Path, section: str):
    from app.core.paths import AppPaths
    from app.services.container import open_services

    # As on any start but the very first: the catalog exists (with the shipped store listings, which the
    # first start parses) and was closed cleanly; the window remembers a section.
    open_services(AppPaths(gptshelf_home), install_starter=False).close()
    (gptshelf_home / "window.ini").write_text(f"[General]\nsection={section}\n", encoding="utf-8")
    report = _start(gptshelf_home)
    assert report["current"] == section, "the last section is still the one shown first"
    assert report["built"] == [section], "the other pages are built when first shown"
    loaded = set(report["modules"])
    early = [name for name in NOT_BEFORE_THE_FIRST_PAINT if name in loaded]
    assert not early, f"imported before the first paint on {section}: {early}"


def test_a_command_line_of_only_global_options_reads_as_the_full_parser_reads_it():
    from app.cli.main import build_parser, parse_args

    for argv in ([], ["-v"], ["--home", "/x"], ["--home=/x", "--verbose"], ["--ho", "/x"], ["--self-test"],
                 ["info"], ["--home", "/x", "models", "list", "--json"], ["-v", "gpts", "list"]):
        assert vars(parse_args(argv)) == vars(build_parser().parse_args(argv)), argv
    for argv in (["--bogus"], ["--home"], ["-h"], ["--version"]):  # the full parser reports, helps, exits
        with pytest.raises(SystemExit):
            parse_args(argv)


def test_the_publish_command_offers_every_visibility():
    from app.cli.gpt_hub_commands import VISIBILITIES
    from app.services.publish import Visibility

    assert VISIBILITIES == tuple(v.value for v in Visibility)
