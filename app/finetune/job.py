"""A training run: its options, its folder, and the child process that trains (:mod:`app.finetune.runner`).

Training runs in a child Python process, never in the app: torch takes gigabytes and every core, and a crash
or an out-of-memory kill must not take the window with it. The child reads its folder and reports progress
as one JSON object a line on stdout (``step``, ``eval``, ``checkpoint``, ``done``, ``cancelled``, ``error``);
its log goes to stderr, which is forwarded into ``logging``.

Everything a run needs is in its folder, so it can stop and go on later:

- ``options.json``: the :class:`TrainingOptions` and the base model it trains;
- ``tokens.json``: the training and validation token ids with their loss labels (made by the app, so the
  evaluation through llama.cpp scores the very same tokens);
- ``checkpoint.pt``: the LoRA weights, optimizer and position, written every ``checkpoint_every`` steps and
  when cancelled; a new start of the same folder resumes from it;
- ``progress.jsonl``: every event so far (a resumed run's curve starts where the last one ended);
- ``adapter.gguf`` and ``peft/`` once done.

Cancelling creates the file ``cancel``: the child notices it between steps, saves a checkpoint and exits.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from app.core.errors import KnownError
from app.finetune.data import Tokenized

log = logging.getLogger(__name__)

DEFAULT_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj")


@dataclass(frozen=True)
class TrainingOptions:
    """LoRA hyper-parameters; the defaults suit small (sub-1B) models on a CPU."""

    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.05
    target_modules: tuple[str, ...] = DEFAULT_TARGETS
    learning_rate: float = 2e-4
    epochs: int = 3
    batch_size: int = 4
    accumulation: int = 1
    max_length: int = 512
    validation_share: float = 0.1
    eval_every: int = 10
    checkpoint_every: int = 10
    max_steps: int = 0
    """Stop after this many optimizer steps (0: train every epoch)."""
    warmup_share: float = 0.05
    seed: int = 0
    threads: int = 0
    """CPU threads for torch (0: all cores)."""

    def check(self) -> None:
        problems = [name for name, bad in (
            ("rank", self.rank < 1), ("alpha", self.alpha <= 0), ("dropout", not 0 <= self.dropout < 1),
            ("target modules", not self.target_modules), ("learning rate", not 0 < self.learning_rate < 1),
            ("epochs", self.epochs < 1), ("batch size", self.batch_size < 1), ("accumulation", self.accumulation < 1),
            ("max length", self.max_length < 8), ("validation share", not 0 < self.validation_share < 1),
            ("eval every", self.eval_every < 1), ("checkpoint every", self.checkpoint_every < 1),
            ("max steps", self.max_steps < 0), ("threads", self.threads < 0)) if bad]
        if problems:
            raise KnownError(f"These training options are out of range: {', '.join(problems)}.")

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainingOptions:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in values.items() if k in known}
        if "target_modules" in values:
            values["target_modules"] = tuple(values["target_modules"])
        return cls(**values)


@dataclass(frozen=True)
class RunSpec:
    """What the child trains: the base GGUF, its shape (for the export) and the options."""

    base_path: str
    architecture: str
    block_count: int
    head_count: int
    head_count_kv: int
    options: TrainingOptions = field(default_factory=TrainingOptions)


@dataclass(frozen=True)
class TrainingEvent:
    """One line of the child's progress; the fields that do not apply to its ``kind`` stay at their defaults."""

    kind: str
    step: int = 0
    steps: int = 0
    epoch: float = 0.0
    loss: float | None = None
    val_loss: float | None = None
    tokens_per_s: float | None = None
    eta_s: float | None = None
    message: str = ""
    adapter: str = ""

    @classmethod
    def parse(cls, line: str) -> TrainingEvent | None:
        try:
            values = json.loads(line)
        except json.JSONDecodeError:
            return None
        if not isinstance(values, dict) or "kind" not in values:
            return None
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


class RunFolder:
    """The files of one run (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.options = self.path / "options.json"
        self.tokens = self.path / "tokens.json"
        self.checkpoint = self.path / "checkpoint.pt"
        self.progress = self.path / "progress.jsonl"
        self.cancel_flag = self.path / "cancel"
        self.adapter = self.path / "adapter.gguf"
        self.peft = self.path / "peft"
        self.base = self.path / "base.gguf"

    def link_base(self, model_file: Path) -> Path:
        """``base.gguf`` in the folder, naming the stored model: transformers reads a GGUF only by that suffix.

        A symbolic link, else a hard link (the store and the runs share the data folder), else a copy.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        self.base.unlink(missing_ok=True)
        try:
            self.base.symlink_to(Path(model_file).resolve())
        except OSError:
            try:
                os.link(model_file, self.base)
            except OSError:
                shutil.copyfile(model_file, self.base)
        return self.base

    def write(self, spec: RunSpec, train: Sequence[Tokenized], validation: Sequence[Tokenized]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.options.write_text(json.dumps(asdict(spec), indent=1), encoding="utf-8")
        self.tokens.write_text(json.dumps({
            "train": [[list(t.ids), list(t.labels)] for t in train],
            "validation": [[list(t.ids), list(t.labels)] for t in validation],
        }), encoding="utf-8")

    def spec(self) -> RunSpec:
        values = json.loads(self.options.read_text(encoding="utf-8"))
        values["options"] = TrainingOptions.from_dict(values.get("options", {}))
        return RunSpec(**values)

    def sequences(self, part: str) -> list[tuple[list[int], list[int]]]:
        return [(ids, labels) for ids, labels in json.loads(self.tokens.read_text(encoding="utf-8"))[part]]

    def events(self) -> list[TrainingEvent]:
        """What earlier starts of this run reported (empty for a new run)."""
        if not self.progress.is_file():
            return []
        lines = self.progress.read_text(encoding="utf-8").splitlines()
        return [e for e in (TrainingEvent.parse(line) for line in lines) if e is not None]

    @property
    def resumable(self) -> bool:
        return self.checkpoint.is_file() and not self.adapter.is_file()


class FinetuneJob:
    """The child process training one run folder; iterate :meth:`events` to drive it."""

    def __init__(self, folder: RunFolder, *, python: str | None = None) -> None:
        self.folder = folder
        self._python = python or sys.executable
        self._process: subprocess.Popen[str] | None = None

    def events(self) -> Iterator[TrainingEvent]:
        """Start the child (resuming from the folder's checkpoint if it has one) and yield its events.

        Ends after ``done``, ``cancelled`` or ``error``; a child that dies without saying why yields an
        ``error`` with its exit status.
        """
        self.folder.cancel_flag.unlink(missing_ok=True)
        self._process = subprocess.Popen(
            [self._python, "-m", "app.finetune.runner", str(self.folder.path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1,
        )
        process = self._process
        assert process.stdout is not None and process.stderr is not None
        errors = threading.Thread(target=_forward_log, args=(process.stderr,), name="finetune-log", daemon=True)
        errors.start()
        final = False
        try:
            for line in process.stdout:
                event = TrainingEvent.parse(line)
                if event is None:
                    log.debug("finetune: %s", line.rstrip())
                    continue
                final = event.kind in ("done", "cancelled", "error")
                yield event
                if final:
                    break
        finally:
            code = process.wait()
            errors.join(5)
        if not final:
            yield TrainingEvent("error", message=f"The training process stopped unexpectedly (exit status {code}); "
                                                 "it may have run out of memory. Start it again to resume.")

    def cancel(self) -> None:
        """Ask the child to save a checkpoint and stop after the current step."""
        self.folder.cancel_flag.touch()

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()


def _forward_log(stream: Any) -> None:
    child = logging.getLogger("app.finetune.runner")
    for line in stream:
        if line.strip():
            child.info("%s", line.rstrip())
