"""``gptshelf finetune GPT --data FILE``: train a LoRA on the GPT's model, measure it, make it part of the GPT.

The headless twin of the wizard's Fine-tune step: the data report and estimate first, then one line per
training step (``--json``: the child's JSON events as they come), then the validation perplexity before and
after through llama.cpp, then (when the GPT has an eval set, unless ``--no-evals``) its eval set before and
after training on the same seed, then the adapter saved into the GPT as a new version (``--no-save`` keeps it
in the run folder only). Ctrl-C cancels at the next step with a checkpoint; ``--resume`` continues that run.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.output import Output
from app.core.errors import InvalidInput, KnownError

if TYPE_CHECKING:
    from app.services.container import Services
    from app.services.finetune import TrainingEvent, TrainingOptions


def add_parser(sub: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    tune = sub.add_parser("finetune", help="train a LoRA adapter for a GPT on your own data (needs the finetune "
                                           "extra)")
    tune.add_argument("gpt", help="GPT id or name")
    tune.add_argument("--data", metavar="FILE", help="JSONL chats or prompt/completion, CSV question/answer, or text")
    tune.add_argument("--resume", action="store_true", help="continue this GPT's model's last unfinished run")
    tune.add_argument("--epochs", type=int)
    tune.add_argument("--rank", type=int)
    tune.add_argument("--alpha", type=float)
    tune.add_argument("--dropout", type=float)
    tune.add_argument("--lr", type=float, dest="learning_rate", metavar="RATE")
    tune.add_argument("--batch-size", type=int)
    tune.add_argument("--max-length", type=int, metavar="TOKENS")
    tune.add_argument("--max-steps", type=int, metavar="N", help="stop after N optimizer steps")
    tune.add_argument("--targets", metavar="NAMES", help="comma-separated modules (default q_proj,k_proj,v_proj,o_proj)")
    tune.add_argument("--threads", type=int)
    tune.add_argument("--no-save", action="store_true", help="do not add the adapter to the GPT")
    tune.add_argument("--no-evals", action="store_true", help="do not run the GPT's eval set before and after")
    json_flag(tune)


def options_from(args: argparse.Namespace) -> TrainingOptions:
    from app.services.finetune import TrainingOptions  # noqa: PLC0415 - with the command only

    given = {name: getattr(args, name) for name in ("epochs", "rank", "alpha", "dropout", "learning_rate",
                                                    "batch_size", "max_length", "max_steps", "threads")
             if getattr(args, name) is not None}
    if args.targets:
        given["target_modules"] = tuple(t.strip() for t in args.targets.split(",") if t.strip())
    return replace(TrainingOptions(), **given)


def run(args: argparse.Namespace, services: Services, out: Output) -> int:
    tuner = services.finetune
    gpt = services.gpts.get(args.gpt)
    if args.resume:
        folder = tuner.resumable_run(gpt.model_sha256)
        if folder is None:
            raise InvalidInput(f"{gpt.name} has no unfinished fine-tuning run to resume; start one with --data.")
    elif args.data:
        prepared = tuner.prepare(gpt.model_sha256, Path(args.data), options_from(args), chat_template=gpt.chat_template)
        folder = prepared.folder
        report = prepared.report
        if out.as_json:
            out.write(_line({"kind": "prepared", "folder": str(folder.path), "steps": prepared.steps,
                             "estimate_s": round(prepared.estimate_seconds), "report": asdict(report),
                             "memory_needed": prepared.base.needed_bytes}))
        else:
            out.write(f"{report.source}: {report.examples} {report.format} examples ({report.train} to train, "
                      f"{report.validation} to validate), {report.tokens} tokens ({report.trained_tokens} trained), "
                      f"longest {report.longest}" + (f", {report.truncated} cut to the max length"
                                                     if report.truncated else ""))
            out.write(f"{prepared.steps} steps, about {_duration(prepared.estimate_seconds)}; "
                      f"{prepared.base.needed_bytes / 2**30:.1f} GB of memory")
    else:
        raise InvalidInput("Give the training data with --data FILE (or --resume to continue the last run).")
    if not _train(tuner.job(folder), out):
        return 1
    evaluation = tuner.evaluate(folder)
    if not args.no_evals and gpt.evals is not None:
        adapter = tuner.install_adapter(folder, f"{gpt.name} LoRA")
        if not out.as_json:
            out.write(f"running the eval set before and after training ({gpt.name})")
        evaluation = evaluation.with_evals(tuner.compare_evals(gpt, adapter.sha256))
    gpt_after = None if args.no_save else tuner.attach(gpt.id, folder, note="Fine-tuned adapter")
    if out.as_json:
        out.write(_line({"kind": "evaluated", "perplexity_before": evaluation.before,
                         "perplexity_after": evaluation.after, "tokens": evaluation.tokens,
                         "evals": evaluation.evals.as_dict() if evaluation.evals else None,
                         "adapter": str(folder.adapter), "gpt_version": gpt_after.version if gpt_after else None}))
    else:
        out.write(f"validation perplexity through llama.cpp: {evaluation.before:.3f} -> {evaluation.after:.3f} "
                  f"({evaluation.tokens} tokens)")
        if evaluation.evals is not None:
            out.write(evals_line(evaluation.evals))
        out.write(f"{gpt.name} {gpt_after.version} now uses the adapter" if gpt_after
                  else f"adapter: {folder.adapter}")
    return 0


def _train(job, out: Output) -> bool:  # noqa: ANN001 - a FinetuneJob
    """Show the job's events until it ends; Ctrl-C asks it to stop with a checkpoint. True when it finished."""
    events = job.events()
    last: TrainingEvent | None = None
    while True:
        try:
            event = next(events)
        except StopIteration:
            break
        except KeyboardInterrupt:
            job.cancel()
            out.write("cancelling after this step (a checkpoint is saved; --resume continues)")
            continue
        last = event
        if out.as_json:
            out.write(_line({k: v for k, v in asdict(event).items() if v not in (None, "", 0, 0.0)} | {"kind": event.kind}))
        elif event.kind == "step":
            val = f"  val {event.val_loss:.4f}" if event.val_loss is not None else ""
            out.write(f"step {event.step}/{event.steps}  loss {event.loss:.4f}{val}  "
                      f"{event.tokens_per_s or 0:.0f} tok/s  ETA {_duration(event.eta_s or 0)}")
        elif event.kind in ("resumed", "cancelled"):
            out.write(event.message or f"{event.kind} at step {event.step}")
    if last is not None and last.kind == "error":
        raise KnownError(last.message)
    return last is not None and last.kind == "done"


def evals_line(evals) -> str:  # noqa: ANN001 - an EvalsBeforeAfter
    """``evals: 3/5 before -> 4/5 after (regressions: a; fixed: b, c)``."""
    flips = [f"{name}: {', '.join(cases)}" for name, cases in (("regressions", evals.regressions),
                                                                ("fixed", evals.fixed)) if cases]
    return (f"evals: {evals.passed_before}/{evals.total} before -> {evals.passed_after}/{evals.total} after"
            + (f" ({'; '.join(flips)})" if flips else " (no case changed)"))


def _line(value: dict) -> str:
    import json  # noqa: PLC0415

    return json.dumps(value, ensure_ascii=False)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{seconds // 60} min"
    return f"{seconds / 3600:.1f} h"
