"""Running a GPT's eval set: one version, two side by side, or with and without its adapter.

Every case is answered through :meth:`ChatService.preview` (nothing lands in a conversation) with the
eval set's seed in place of the GPT's, so two runs of one version give the same answers, and two
versions are compared on the same cases with the same sampling draws. Before each case the engine
forgets every cached prompt: llama.cpp's numbers for a prompt evaluated in one batch and for one that
reuses a cached prefix can differ in the last bits, and a case must not depend on what ran before it.

A run is kept in the catalog (:mod:`app.catalog.eval_runs`) unless asked not to, so the next run shows the
trend and names the **regressions**: cases that passed in the baseline and fail now.

The API a caller needs (the CLI, the window, and the fine-tuning step, which runs the set with and
without a freshly trained adapter):

    evals = services.evals
    eval_set, sha256 = evals.eval_set_of(gpt)                     # or evals.read_eval_set(path)
    job = evals.start(eval_set, [evals.version(gpt.id, "0.1.0"), evals.current(gpt.id)], evals_sha256=sha256)
    runs = job.run(progress)                                      # on a worker; job.cancel() from anywhere
    comparison = EvalComparison(current=runs[1], baseline=runs[0])

or :meth:`EvalService.compare` for the two-target case in one call.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.catalog import Catalog
from app.core.entities import GPT, ChatChunk, ChatResult, FinishReason
from app.core.errors import InvalidInput, KnownError
from app.core.evals import CaseResult, EvalComparison, EvalRun
from app.core.paths import AppPaths
from app.services.chat import ChatService, PreviewStream

if TYPE_CHECKING:  # names for annotations only: pydantic stays off the GUI's start path
    from app.manifest.evalset import EvalCase, EvalSet

log = logging.getLogger(__name__)

EVAL_SESSION = "eval"
"""The engine cache key eval answers are generated under (forgotten before every case)."""


@dataclass(frozen=True)
class EvalTarget:
    """One GPT as it is judged: saved version, the current one, a draft, with or without its adapter."""

    label: str
    """How tables and the history name it: ``0.2.0``, ``draft``, ``0.2.0 without adapter``."""
    gpt: GPT
    keep: bool = True
    """Whether its runs go into the history (a draft's and an unsaved adapter's do not: they are no version)."""

    @property
    def adapter(self) -> bool:
        return self.gpt.adapter_sha256 is not None


@dataclass(frozen=True)
class EvalProgress:
    """Where a run is: ``done`` of ``total`` answers (cases times targets), the one being answered now."""

    done: int
    total: int
    target: str
    case_id: str
    result: CaseResult | None = None
    """The answer just finished (None when a case starts)."""


class EvalStopped(KnownError):
    """A run was cancelled before every case was answered."""

    def __init__(self) -> None:
        super().__init__("The eval run was stopped; nothing was kept.")


@dataclass
class EvalService:
    catalog: Catalog
    chat: ChatService
    paths: AppPaths

    # --- the eval set ---------------------------------------------------------------------------
    def eval_set_of(self, gpt: GPT) -> tuple[EvalSet, str]:
        """The GPT's own eval set and its sha256; :class:`InvalidInput` when it has none."""
        if gpt.evals is None:
            raise InvalidInput(f"{gpt.name!r} has no eval set yet. Add one with: gptshelf gpts edit {gpt.id} "
                               "--evals FILE (docs/evals.md shows the format).")
        path = self.paths.blob(gpt.evals.sha256)
        if not path.is_file():
            raise KnownError(f"The eval set of {gpt.name!r} is missing from the data folder {self.paths.home}; "
                             "add it again with: gptshelf gpts edit --evals FILE.")
        return self.read_eval_set(path, name=gpt.evals.path)

    def read_eval_set(self, path: Path, *, name: str | None = None) -> tuple[EvalSet, str]:
        """An eval set file (checked) and its sha256."""
        from app.manifest.evalset import parse_eval_set  # noqa: PLC0415 - pydantic: not on the GUI's start path

        path = Path(path).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"{path} cannot be read ({exc.strerror or exc}).") from None
        return parse_eval_set(data, source=name or path.name), hashlib.sha256(data).hexdigest()

    # --- targets --------------------------------------------------------------------------------
    def current(self, gpt_key: str) -> EvalTarget:
        gpt = self.catalog.get_gpt(gpt_key)
        return EvalTarget(gpt.version, gpt)

    def version(self, gpt_key: str, version: str) -> EvalTarget:
        """A saved version of a GPT (its snapshot); its model must still be installed to run it."""
        gpt = self.catalog.get_gpt(gpt_key)
        known = [v.version for v in self.catalog.gpt_version_list(gpt.id)]
        if version not in known:
            raise InvalidInput(f"{gpt.name} has no version {version!r}; it has {', '.join(known)}.")
        return EvalTarget(version, self.catalog.get_gpt_version(gpt.id, version))

    @staticmethod
    def draft(gpt: GPT, label: str = "draft") -> EvalTarget:
        """A GPT that is not saved (the wizard's draft, a fine-tuning candidate); its runs are not kept."""
        return EvalTarget(label, gpt, keep=False)

    @staticmethod
    def without_adapter(target: EvalTarget) -> EvalTarget:
        if target.gpt.adapter_sha256 is None:
            raise InvalidInput(f"{target.gpt.name} {target.label} has no adapter to leave out.")
        return EvalTarget(f"{target.label} without adapter", replace(target.gpt, adapter_sha256=None), target.keep)

    @staticmethod
    def with_adapter(target: EvalTarget, adapter_sha256: str, *, scale: float = 1.0,
                     label: str | None = None) -> EvalTarget:
        """The target with another adapter (a model record in the catalog), e.g. one just trained; such a
        candidate is no saved version, so its runs are not kept."""
        gpt = replace(target.gpt, adapter_sha256=adapter_sha256, adapter_scale=scale)
        return EvalTarget(label or f"{target.label} with adapter", gpt, keep=False)

    # --- running --------------------------------------------------------------------------------
    def start(self, eval_set: EvalSet, targets: Sequence[EvalTarget], *, evals_sha256: str,
              seed: int | None = None, keep: bool = True) -> EvalJob:
        """A run of ``eval_set`` on each target in turn, not begun; ``keep`` stores each run in the catalog
        (but never a draft's: :attr:`EvalTarget.keep`)."""
        if not targets:
            raise InvalidInput("Choose at least one GPT version to run the eval set on.")
        return EvalJob(self, eval_set, tuple(targets), evals_sha256, eval_set.seed if seed is None else seed, keep)

    def compare(self, eval_set: EvalSet, baseline: EvalTarget, current: EvalTarget, *, evals_sha256: str,
                seed: int | None = None, keep: bool = True,
                progress: Callable[[EvalProgress], None] | None = None) -> EvalComparison:
        """Both targets on the same cases with the same seed (slow: call off the GUI thread)."""
        runs = self.start(eval_set, [baseline, current], evals_sha256=evals_sha256, seed=seed, keep=keep).run(progress)
        return EvalComparison(current=runs[1], baseline=runs[0])

    def against_last(self, eval_set: EvalSet, target: EvalTarget, *, evals_sha256: str, keep: bool = True,
                     progress: Callable[[EvalProgress], None] | None = None) -> EvalComparison:
        """``target`` now, compared with the last kept run of the same eval set on the same GPT (if any)."""
        before = self.catalog.last_eval_run(target.gpt.id, evals_sha256)
        run = self.start(eval_set, [target], evals_sha256=evals_sha256, keep=keep).run(progress)[0]
        return EvalComparison(current=run, baseline=before)

    def history(self, gpt_key: str, *, limit: int = 100) -> list[EvalRun]:
        """The GPT's kept runs, newest first, with totals only (the trend)."""
        return self.catalog.list_eval_runs(self.catalog.get_gpt(gpt_key).id, limit=limit)

    def answer(self, target: EvalTarget, case: EvalCase, seed: int, cancelled: threading.Event | None = None,
               watch: Callable[[PreviewStream | None], None] | None = None) -> CaseResult:
        """One case answered by one target and judged (slow). ``watch`` is told the reply stream while it
        runs (and None after), so a job can cancel exactly this reply and no other chat."""
        from app.services.eval_checks import judge  # noqa: PLC0415 - the scoring libraries, with the first case

        gpt = replace(target.gpt, params=replace(target.gpt.params, seed=seed))
        engine, _loaded = self.chat.engines.acquire(self.chat.load_spec(gpt))
        engine.forget(None)  # every case from an empty cache: see the module's docstring
        stream = self.chat.preview(gpt, case.turns(), session=EVAL_SESSION)
        if watch is not None:
            watch(stream)
        parts: list[str] = []
        result: ChatResult | None = None
        started = time.monotonic()
        try:
            for item in stream:
                if cancelled is not None and cancelled.is_set():
                    stream.cancel()
                if isinstance(item, ChatChunk):
                    parts.append(item.text)
                elif isinstance(item, ChatResult):
                    result = item
        except KnownError as exc:
            return CaseResult(case.id, "".join(parts), error=str(exc), seconds=time.monotonic() - started)
        finally:
            if watch is not None:
                watch(None)
        if result is None or result.finish_reason is FinishReason.CANCELLED:
            raise EvalStopped()
        output = "".join(parts)
        return CaseResult(case.id, output, tuple(judge(check, output) for check in case.checks),
                          seconds=time.monotonic() - started, tokens=result.completion_tokens)


@dataclass
class EvalJob:
    """One eval run over several targets; :meth:`run` it on a worker thread, :meth:`cancel` it from any other."""

    service: EvalService
    eval_set: EvalSet
    targets: tuple[EvalTarget, ...]
    evals_sha256: str
    seed: int
    keep: bool = True
    _cancelled: threading.Event = field(default_factory=threading.Event)
    _stream: PreviewStream | None = None

    @property
    def total(self) -> int:
        return len(self.targets) * len(self.eval_set.cases)

    def cancel(self) -> None:
        """Stop at the next token; :meth:`run` raises :class:`EvalStopped` and keeps nothing."""
        self._cancelled.set()
        stream = self._stream
        if stream is not None:
            stream.cancel()

    def _watch(self, stream: PreviewStream | None) -> None:
        self._stream = stream
        if stream is not None and self._cancelled.is_set():
            stream.cancel()

    def run(self, progress: Callable[[EvalProgress], None] | None = None) -> list[EvalRun]:
        """Each target's run, in order (kept in the catalog when ``keep``); :class:`EvalStopped` if cancelled."""
        results: list[tuple[EvalTarget, tuple[CaseResult, ...]]] = []
        done = 0
        for target in self.targets:
            cases: list[CaseResult] = []
            for case in self.eval_set.cases:
                if self._cancelled.is_set():
                    raise EvalStopped()
                if progress is not None:
                    progress(EvalProgress(done, self.total, target.label, case.id))
                answered = self.service.answer(target, case, self.seed, self._cancelled, self._watch)
                if self._cancelled.is_set():
                    raise EvalStopped()
                cases.append(answered)
                done += 1
                if progress is not None:
                    progress(EvalProgress(done, self.total, target.label, case.id, answered))
            results.append((target, tuple(cases)))
        runs = []
        for target, cases in results:
            run = EvalRun.of(cases, gpt_id=target.gpt.id, label=target.label, version=target.gpt.version,
                             evals_sha256=self.evals_sha256, seed=self.seed, adapter=target.adapter)
            runs.append(self.service.catalog.save_eval_run(run) if self.keep and target.keep else run)
        for run in runs:
            log.info("eval %s %s: %d/%d cases passed", run.gpt_id, run.label, run.passed_cases, run.total_cases)
        return runs
