"""Fine-tune a GPT's base model on a person's data, measure the result, and make the adapter part of the GPT.

The steps, each a call the wizard and the CLI make in turn:

1. :meth:`FinetuneService.prepare` checks the extra is installed, refuses a base it cannot train (architecture,
   memory), reads and checks the data (every bad line named), splits it, renders it through the GPT's chat
   template, counts tokens with the base's own tokenizer, and writes a run folder with an estimate of time;
2. :meth:`FinetuneService.job` starts (or resumes) the training child on that folder;
3. :meth:`FinetuneService.evaluate` scores the validation tokens through llama.cpp with and without the new
   adapter (perplexity before and after), in an engine process of its own;
4. :meth:`FinetuneService.install_adapter` stores the adapter like a model file, so a GPT can carry it
   (``adapter_sha256``; its manifest records the base's sha256 beside it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.catalog import Catalog
from app.core.entities import GPT, ModelFile
from app.core.errors import InvalidInput
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.finetune.base import BaseCheck, check_base, estimate_seconds, missing_packages, require_extra
from app.finetune.data import DataReport
from app.finetune.job import FinetuneJob, RunFolder, RunSpec, TrainingEvent, TrainingOptions
from app.services.gpts import GPTLibrary
from app.services.models import ModelLibrary

if TYPE_CHECKING:
    from app.engine.client import EngineClient

log = logging.getLogger(__name__)

__all__ = ["DataReport", "Evaluation", "FinetuneService", "PreparedRun", "RunFolder", "TrainingEvent",
           "TrainingOptions"]


@dataclass(frozen=True)
class PreparedRun:
    """A run folder ready to train, with what the person sees before starting it."""

    folder: RunFolder
    model_sha256: str
    report: DataReport
    base: BaseCheck
    steps: int
    estimate_seconds: float


@dataclass(frozen=True)
class Evaluation:
    """Validation perplexity through llama.cpp on the same tokens, without and with the adapter."""

    before: float
    after: float
    tokens: int


@dataclass
class FinetuneService:
    catalog: Catalog
    models: ModelLibrary
    gpts: GPTLibrary
    paths: AppPaths
    settings: Callable[[], Settings]
    engine: Callable[[], EngineClient]
    available_memory: Callable[[], int]

    def missing_packages(self) -> list[str]:
        """The packages of the ``finetune`` extra that are not installed (empty: fine-tuning is available)."""
        return missing_packages()

    @property
    def runs_folder(self) -> Path:
        return self.paths.home / "finetune"

    def prepare(self, model_key: str, data: Path, options: TrainingOptions | None = None, *,
                chat_template: str | None = None) -> PreparedRun:
        """Check everything that can be checked before training, and write the run folder."""
        from app.engine.templates import choose_template  # noqa: PLC0415 - jinja2, only when used
        from app.finetune import base as bases  # noqa: PLC0415
        from app.finetune import data as datasets  # noqa: PLC0415

        options = options or TrainingOptions()
        options.check()
        require_extra()
        model = self.models.get(model_key)
        info = model.info
        if info is None:
            raise InvalidInput(f"{model.display_name} has no recorded GGUF details; import it again.")
        checked = check_base(info, self.available_memory())
        loaded = datasets.load_data(Path(data))
        parts = datasets.split(loaded, options.validation_share, options.seed)
        folder = RunFolder(self.runs_folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{model.sha256[:8]}")
        base_file = folder.link_base(self.models.file_of(model))
        vocab = bases.vocab_of(bases.load_tokenizer(base_file))
        template = choose_template(info, chat_template or None)
        train = datasets.tokenize_all(parts.train, vocab, template, options.max_length)
        validation = datasets.tokenize_all(parts.validation, vocab, template, options.max_length)
        report = datasets.report(loaded, parts, train, validation)
        folder.write(RunSpec(str(base_file), checked.architecture, info.block_count or 0, info.head_count or 0,
                             info.head_count_kv or info.head_count or 0, options), train, validation)
        per_step = options.batch_size * options.accumulation
        steps = -(-len(train) // per_step) * options.epochs
        if options.max_steps:
            steps = min(steps, options.max_steps)
        tokens = sum(len(t.ids) for t in train) * min(1.0, steps * per_step / max(len(train) * options.epochs, 1))
        seconds = estimate_seconds(info.parameter_count, int(tokens), options.epochs, options.threads or _cores())
        log.info("prepared fine-tuning run %s: %d train / %d validation examples, %d steps", folder.path,
                 report.train, report.validation, steps)
        return PreparedRun(folder, model.sha256, report, checked, steps, seconds)

    def job(self, folder: RunFolder) -> FinetuneJob:
        """The training child for ``folder``; iterating its events starts it (resuming from a checkpoint)."""
        require_extra()
        return FinetuneJob(folder)

    def runs(self) -> list[RunFolder]:
        """Run folders, newest first."""
        if not self.runs_folder.is_dir():
            return []
        return [RunFolder(p) for p in sorted(self.runs_folder.iterdir(), reverse=True) if (p / "options.json").is_file()]

    def discard(self, folder: RunFolder) -> None:
        """Remove a run folder (one that was checked and then replaced, or is no longer wanted)."""
        import shutil  # noqa: PLC0415

        if folder.path.resolve().parent == self.runs_folder.resolve():
            shutil.rmtree(folder.path, ignore_errors=True)

    def evaluate(self, folder: RunFolder) -> Evaluation:
        """Validation perplexity through llama.cpp, base alone then base + adapter (the GPU as the settings say)."""
        from app.engine.protocol import LoadSpec, ScoreRequest  # noqa: PLC0415 - the engine's types, when used

        if not folder.adapter.is_file():
            raise InvalidInput("This run has no adapter yet; train it to the end first.")
        rows = folder.sequences("validation")
        request = ScoreRequest(tuple(tuple(ids) for ids, _ in rows),
                               tuple(tuple(label != -100 for label in labels) for _, labels in rows))
        settings = self.settings()
        base = str(Path(folder.spec().base_path).resolve())
        n_ctx = max(256, max((len(ids) for ids, _ in rows), default=0) + 16)
        spec = LoadSpec(path=base, n_ctx=n_ctx, gpu=settings.gpu_offload, threads=settings.threads)
        engine = self.engine()
        try:
            engine.load(spec)
            before = engine.score(request)
            engine.load(LoadSpec(path=base, adapter_path=str(folder.adapter), n_ctx=n_ctx, gpu=settings.gpu_offload,
                                 threads=settings.threads))
            after = engine.score(request)
        finally:
            engine.close()
        log.info("validation perplexity %.3f -> %.3f over %d tokens", before.perplexity, after.perplexity,
                 before.tokens)
        return Evaluation(before.perplexity, after.perplexity, before.tokens)

    def install_adapter(self, folder: RunFolder, name: str) -> ModelFile:
        """Put the run's adapter into the store (checked and hashed like a model) so a GPT can use it."""
        from app.services.models import ImportMode  # noqa: PLC0415

        if not folder.adapter.is_file():
            raise InvalidInput("This run has no adapter yet; train it to the end first.")
        return self.models.import_gguf(folder.adapter, mode=ImportMode.COPY, name=name)

    def attach(self, gpt_key: str, folder: RunFolder, *, scale: float = 1.0, note: str = "") -> GPT:
        """Make the run's adapter part of a saved GPT, as a new version (its base must be the GPT's model)."""
        gpt = self.gpts.get(gpt_key)
        base = Path(folder.spec().base_path).resolve()
        if base != self.models.file_of(self.models.get(gpt.model_sha256)).resolve():
            raise InvalidInput(f"This adapter was trained on another model than {gpt.name!r} uses; fine-tune "
                               "that GPT's own model.")
        adapter = self.install_adapter(folder, f"{gpt.name} LoRA")
        return self.gpts.edit(gpt.id, adapter=adapter.sha256, adapter_scale=scale,
                              changelog=note or "Fine-tuned adapter")

    def resumable_run(self, model_key: str) -> RunFolder | None:
        """The newest run of this model that stopped before its end (cancelled or crashed), if any."""
        base = self.models.file_of(self.models.get(model_key)).resolve()
        for folder in self.runs():
            if folder.resumable and Path(folder.spec().base_path).resolve() == base:
                return folder
        return None


def _cores() -> int:
    import os  # noqa: PLC0415

    return os.cpu_count() or 1
