"""Fine-tune a GPT's base model on a person's data, measure the result, and make the adapter part of the GPT.

The steps, each a call the wizard and the CLI make in turn:

1. :meth:`FinetuneService.prepare` checks the extra is installed, refuses a base it cannot train (architecture,
   memory), reads and checks the data (every bad line named), splits it, renders it through the GPT's chat
   template, counts tokens with the base's own tokenizer, and writes a run folder with an estimate of time;
2. :meth:`FinetuneService.job` starts (or resumes) the training child on that folder;
3. :meth:`FinetuneService.evaluate` scores the validation tokens through llama.cpp with and without the new
   adapter (perplexity before and after), in an engine process of its own;
4. :meth:`FinetuneService.install_adapter` stores the adapter like a model file, so a GPT can carry it
   (``adapter_sha256``; its manifest records the base's sha256 beside it);
5. when the GPT has an eval set, :meth:`FinetuneService.evals_job` runs it on the GPT as it is and with the
   new adapter, same cases, same seed (:class:`EvalsBeforeAfter`: passes before and after, regressions, fixes),
   so perplexity is not the only figure a person judges the adapter by.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.catalog import Catalog
from app.core.entities import GPT, ModelFile
from app.core.errors import InvalidInput
from app.core.evals import EvalComparison, EvalRun
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.finetune.base import BaseCheck, check_base, estimate_seconds, missing_packages, require_extra
from app.finetune.data import DataReport
from app.finetune.job import FinetuneJob, RunFolder, RunSpec, TrainingEvent, TrainingOptions
from app.services.gpts import GPTLibrary
from app.services.models import ModelLibrary

if TYPE_CHECKING:
    from app.engine.client import EngineClient
    from app.services.evals import EvalJob, EvalProgress, EvalService

log = logging.getLogger(__name__)

__all__ = ["DataReport", "Evaluation", "EvalsBeforeAfter", "FinetuneService", "PreparedRun", "RunFolder", "TrainingEvent",
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
class EvalsBeforeAfter:
    """The GPT's eval set run before training (the GPT as it is) and after (with the new adapter)."""

    comparison: EvalComparison

    @classmethod
    def of(cls, runs: list[EvalRun]) -> EvalsBeforeAfter:
        """From an :meth:`FinetuneService.evals_job`'s runs (before, then after)."""
        before, after = runs
        return cls(EvalComparison(current=after, baseline=before))

    @property
    def before(self) -> EvalRun:
        assert self.comparison.baseline is not None
        return self.comparison.baseline

    @property
    def after(self) -> EvalRun:
        return self.comparison.current

    @property
    def total(self) -> int:
        return self.after.total_cases

    @property
    def passed_before(self) -> int:
        return self.before.passed_cases

    @property
    def passed_after(self) -> int:
        return self.after.passed_cases

    @property
    def regressions(self) -> tuple[str, ...]:
        """Cases that passed before training and fail with the adapter."""
        return self.comparison.regressions

    @property
    def fixed(self) -> tuple[str, ...]:
        return self.comparison.fixed

    def as_dict(self) -> dict[str, object]:
        """The figures as JSON-ready values (the CLI's ``--json``)."""
        return {"total": self.total, "passed_before": self.passed_before, "passed_after": self.passed_after,
                "checks_before": self.before.passed_checks, "checks_after": self.after.passed_checks,
                "total_checks": self.after.total_checks, "regressions": list(self.regressions),
                "fixed": list(self.fixed), "seed": self.after.seed, "evals_sha256": self.after.evals_sha256}


@dataclass(frozen=True)
class Evaluation:
    """Validation perplexity through llama.cpp on the same tokens, without and with the adapter, and the
    eval set before and after when the GPT has one."""

    before: float
    after: float
    tokens: int
    evals: EvalsBeforeAfter | None = None

    def with_evals(self, evals: EvalsBeforeAfter | None) -> Evaluation:
        return replace(self, evals=evals)


@dataclass
class FinetuneService:
    catalog: Catalog
    models: ModelLibrary
    gpts: GPTLibrary
    paths: AppPaths
    settings: Callable[[], Settings]
    engine: Callable[[], EngineClient]
    available_memory: Callable[[], int]
    evals: Callable[[], EvalService] | None = None
    """The eval runner (the container's, built when first used); None: no eval comparison."""

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

    def evals_job(self, gpt: GPT, adapter_sha256: str, *, eval_file: Path | None = None) -> EvalJob | None:
        """The eval set of ``gpt`` (or ``eval_file``) on ``gpt`` as it is, then with the adapter ``adapter_sha256``
        (stored, see :meth:`install_adapter`), same seed; None when there is no eval set. :meth:`EvalJob.run`
        it on a worker (``EvalJob.cancel`` from anywhere) and read the runs with :meth:`EvalsBeforeAfter.of`.

        ``gpt`` may be a draft (the wizard's). Neither run is kept in the eval history: the candidate is no
        saved version yet, and the baseline is only there to be compared with it.
        """
        if self.evals is None or (gpt.evals is None and eval_file is None):
            return None
        evals = self.evals()
        eval_set, sha256 = evals.read_eval_set(eval_file) if eval_file is not None else evals.eval_set_of(gpt)
        before = evals.draft(gpt, label="before training")
        after = evals.with_adapter(before, adapter_sha256, label="after training")
        return evals.start(eval_set, [before, after], evals_sha256=sha256, keep=False)

    def compare_evals(self, gpt: GPT, adapter_sha256: str, *, eval_file: Path | None = None,
                      progress: Callable[[EvalProgress], None] | None = None) -> EvalsBeforeAfter | None:
        """:meth:`evals_job` run to its end (slow: off the GUI thread); None when there is no eval set."""
        job = self.evals_job(gpt, adapter_sha256, eval_file=eval_file)
        if job is None:
            return None
        result = EvalsBeforeAfter.of(job.run(progress))
        log.info("eval set before/after training: %d/%d -> %d/%d cases (%d regressions)", result.passed_before,
                 result.total, result.passed_after, result.total, len(result.regressions))
        return result

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
