"""LoRA fine-tuning end to end on a tiny f32 llama: the loss falls, the exported GGUF adapter loads in llama.cpp
and gives the same logits as the PEFT model in torch, and the validation perplexity through llama.cpp falls.

The logits comparison is the proof that the export is right (names, A/B layout, alpha, the llama q/k row
permutation). Tolerance: every logit within 5e-3 of the largest logit's magnitude, and the same top token at
every position. With an f32 base the two differ only by rounding, mostly llama.cpp's f16 KV cache (0.3e-3 to
2e-3 measured, growing with the adapter's size); without the q/k permutation the error is about 0.26 and the
top tokens agree at about half the positions. The adapter itself moves the logits by more than 20 times the
tolerance, so the match is no accident.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.core.entities import GenerationParams
from app.core.settings import GpuMode, GpuOffload
from app.engine.client import EngineClient
from app.engine.protocol import LoadSpec, ScoreRequest
from app.finetune.base import missing_packages
from app.services.finetune import RunFolder
from tests.integration.finetune.conftest import TrainedRun

pytestmark = pytest.mark.skipif(bool(missing_packages()), reason="needs the finetune extra (torch, transformers, peft)")


LOGIT_TOLERANCE = 5e-3


def losses(run: TrainedRun) -> list[float]:
    return [e.loss for e in run.events if e.kind == "step" and e.loss is not None]


def test_the_run_reports_every_step_and_finishes_with_an_adapter(trained: TrainedRun):
    steps = [e for e in trained.events if e.kind == "step"]
    assert [e.step for e in steps] == list(range(1, trained.prepared.steps + 1))
    assert trained.events[-1].kind == "done"
    assert Path(trained.events[-1].adapter) == trained.prepared.folder.adapter
    assert all(e.tokens_per_s and e.tokens_per_s > 0 and e.eta_s is not None for e in steps)
    assert [e.step for e in steps if e.val_loss is not None] == [
        s for s in range(1, trained.prepared.steps + 1) if s % 4 == 0 or s == trained.prepared.steps]


def test_training_loss_falls(trained: TrainedRun):
    seen = losses(trained)
    assert np.mean(seen[-4:]) < np.mean(seen[:4]) - 0.1
    validation = [e.val_loss for e in trained.events if e.kind == "step" and e.val_loss is not None]
    assert validation[-1] < validation[0]


def test_validation_perplexity_through_llama_cpp_is_lower_with_the_adapter(trained: TrainedRun):
    evaluation = trained.evaluation
    assert evaluation.tokens == sum(1 for _, labels in trained.prepared.folder.sequences("validation")
                                    for label in labels[1:] if label != -100)
    assert evaluation.after < evaluation.before


def peft_logits(folder: RunFolder, tokens: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Logits of the base alone and of base + the run's PEFT adapter, in torch."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(str(folder.path), gguf_file=folder.base.name, dtype=torch.float32)
    base.eval()
    with torch.no_grad():
        plain = base(torch.tensor([tokens])).logits[0].numpy()
        tuned = PeftModel.from_pretrained(base, str(folder.peft)).eval()
        adapted = tuned(torch.tensor([tokens])).logits[0].numpy()
    return plain, adapted


def llama_logits(folder: RunFolder, tokens: list[int], adapter: Path | None) -> np.ndarray:
    engine = EngineClient()
    try:
        engine.load(LoadSpec(path=str(folder.base.resolve()), adapter_path=str(adapter) if adapter else None,
                             n_ctx=256, gpu=GpuOffload(GpuMode.OFF), threads=2))
        result = engine.score(ScoreRequest((tuple(tokens),), (tuple(True for _ in tokens),), logits=True))
    finally:
        engine.close()
    assert result.logits is not None
    return np.array(result.logits[0])


def test_llama_cpp_logits_with_the_adapter_match_peft_in_torch(trained: TrainedRun):
    folder = trained.prepared.folder
    ids, _ = folder.sequences("validation")[0]
    torch_base, torch_tuned = peft_logits(folder, ids)
    llama_tuned = llama_logits(folder, ids, folder.adapter)
    llama_base = llama_logits(folder, ids, None)
    scale = np.abs(torch_tuned).max()
    assert np.abs(llama_tuned - torch_tuned).max() <= LOGIT_TOLERANCE * scale
    assert (llama_tuned.argmax(axis=1) == torch_tuned.argmax(axis=1)).all()
    # Without the adapter both sides agree too, and are far from the tuned logits.
    assert np.abs(llama_base - torch_base).max() <= LOGIT_TOLERANCE * np.abs(torch_base).max()
    assert np.abs(torch_tuned - torch_base).max() > 20 * LOGIT_TOLERANCE * scale


def test_the_adapter_becomes_part_of_a_gpt_with_its_base(trained: TrainedRun):
    services = trained.services
    adapter = services.finetune.install_adapter(trained.prepared.folder, "Colours adapter")
    gpt = services.gpts.create("Colours", trained.model_sha256, adapter=adapter.sha256)
    assert (gpt.adapter_sha256, gpt.adapter_scale) == (adapter.sha256, 1.0)
    manifest, files = services.packages.manifest_for(gpt)
    assert manifest.adapter is not None
    assert (manifest.adapter.sha256, manifest.adapter.base_sha256) == (adapter.sha256, trained.model_sha256)
    assert Path(files[manifest.adapter.file]).read_bytes() == trained.prepared.folder.adapter.read_bytes()


def _eval_set(path: Path, cases: list[dict]) -> Path:
    path.write_text(json.dumps({"schema": "gptshelf/evals@1", "seed": 11, "cases": cases}), encoding="utf-8")
    return path


def test_the_eval_set_runs_before_and_after_training_on_the_same_seed(trained: TrainedRun, tmp_path: Path):
    """The checks are built from what each side actually answers (a probe run first), so the expected flips
    follow from the adapter changing the answer, not from constants."""
    services, prompt = trained.services, "colour of item 7?"
    adapter = services.finetune.install_adapter(trained.prepared.folder, "Colours adapter")
    gpt = services.gpts.create("Colours evals", trained.model_sha256,
                               params=GenerationParams(temperature=0.7, max_tokens=12, context_length=512))
    probe, probe_sha = services.evals.read_eval_set(_eval_set(tmp_path / "probe.json", [
        {"id": "probe", "prompt": prompt, "checks": [{"type": "max_length", "chars": 100000}]}]))
    plain = services.evals.draft(gpt)
    runs = services.evals.start(probe, [plain, services.evals.with_adapter(plain, adapter.sha256)],
                                evals_sha256=probe_sha, keep=False).run()
    base_answer, tuned_answer = (run.cases[0].output for run in runs)
    assert base_answer.strip() and tuned_answer.strip() and base_answer != tuned_answer  # the adapter matters

    gpt = services.gpts.edit(gpt.id, evals=_eval_set(tmp_path / "evals.json", [
        {"id": "base-answer", "prompt": prompt, "checks": [{"type": "exact", "text": base_answer}]},
        {"id": "tuned-answer", "prompt": prompt, "checks": [{"type": "exact", "text": tuned_answer}]},
        {"id": "short", "prompt": prompt, "checks": [{"type": "max_length", "chars": len(base_answer)}]},
    ]))
    seen = []
    result = services.finetune.compare_evals(gpt, adapter.sha256, progress=seen.append)
    assert result is not None
    before, after = result.before, result.after
    assert (before.label, before.adapter, after.label, after.adapter) == ("before training", False,
                                                                        "after training", True)
    assert before.seed == after.seed == 11
    assert [c.output for c in before.cases] == [base_answer] * 3  # same seed: the probe's answers again
    assert [c.output for c in after.cases] == [tuned_answer] * 3
    short_after = len(tuned_answer) <= len(base_answer)
    assert (result.passed_before, result.passed_after, result.total) == (2, 1 + short_after, 3)
    assert result.regressions == ("base-answer",) + (() if short_after else ("short",))
    assert result.fixed == ("tuned-answer",)
    assert result.as_dict()["passed_after"] == result.passed_after
    assert [p.done for p in seen if p.result is not None] == list(range(1, 7)) and seen[-1].total == 6
    assert services.evals.history(gpt.id) == []  # a candidate adapter is no saved version: nothing kept

    evaluation = trained.evaluation.with_evals(result)
    assert evaluation.before == trained.evaluation.before and evaluation.evals is result
    no_set = services.gpts.create("Colours plain", trained.model_sha256)
    assert services.finetune.compare_evals(no_set, adapter.sha256) is None
