"""The training child: ``python -m app.finetune.runner RUN_FOLDER`` (see :mod:`app.finetune.job`).

It loads the base GGUF with transformers (dequantized to f32), wraps it in a PEFT LoRA, and trains on the
folder's token ids with AdamW, a short linear warm-up and a cosine decay. The loop is written out rather
than handed to ``transformers.Trainer`` so that every step can report, a cancel is seen between steps, and a
checkpoint holds exactly what a resume needs (LoRA weights, optimizer, step, RNG).

Progress is one JSON object a line on stdout (and appended to ``progress.jsonl``); everything else,
transformers' chatter included, goes to stderr.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.core.errors import KnownError
from app.finetune.export import BaseShape, LoraPair, write_adapter
from app.finetune.job import RunFolder, RunSpec, TrainingEvent, TrainingOptions

log = logging.getLogger("app.finetune.runner")


class Reporter:
    """Writes events to stdout (the parent reads them) and to the folder's ``progress.jsonl``."""

    def __init__(self, folder: RunFolder, out: Any) -> None:
        self._folder = folder
        self._out = out

    def __call__(self, event: TrainingEvent) -> None:
        line = json.dumps({k: v for k, v in asdict(event).items() if v not in (None, "")})
        with self._folder.progress.open("a", encoding="utf-8") as progress:
            progress.write(line + "\n")
        self._out.write(line + "\n")
        self._out.flush()


def pick_device(torch: Any) -> Any:
    """CUDA, else Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def load_base(path: Path, device: Any) -> Any:
    """The GGUF base as a transformers model in f32 (transformers dequantizes every tensor)."""
    import torch  # noqa: PLC0415 - the optional extra
    from transformers import AutoModelForCausalLM  # noqa: PLC0415

    model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32)
    return model.to(device)


def lora_model(base: Any, options: TrainingOptions) -> Any:
    from peft import LoraConfig, get_peft_model  # noqa: PLC0415 - the optional extra

    config = LoraConfig(r=options.rank, lora_alpha=options.alpha, lora_dropout=options.dropout,
                        target_modules=list(options.target_modules), bias="none", task_type="CAUSAL_LM")
    return get_peft_model(base, config)


def lora_pairs(model: Any) -> list[LoraPair]:
    """Every adapted layer's A and B as numpy arrays, named by the base model's module."""
    pairs = []
    for name, module in model.named_modules():
        if hasattr(module, "lora_A") and "default" in getattr(module, "lora_A", {}):
            a = module.lora_A["default"].weight.detach().float().cpu().numpy()
            b = module.lora_B["default"].weight.detach().float().cpu().numpy()
            pairs.append(LoraPair(name.removeprefix("base_model.model."), a, b))
    return pairs


def collate(torch: Any, rows: list[tuple[list[int], list[int]]], pad: int, device: Any) -> dict[str, Any]:
    """Right-padded ids, attention mask and labels (-100 on padding) for one batch."""
    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (row_ids, row_labels) in enumerate(rows):
        ids[i, :len(row_ids)] = torch.tensor(row_ids)
        labels[i, :len(row_labels)] = torch.tensor(row_labels)
        mask[i, :len(row_ids)] = 1
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device), "labels": labels.to(device)}


def validation_loss(torch: Any, model: Any, rows: list[tuple[list[int], list[int]]], pad: int, device: Any,
                    batch_size: int) -> float:
    """Mean loss per trained token over the validation rows (dropout off)."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(rows), batch_size):
            batch = collate(torch, rows[start:start + batch_size], pad, device)
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            shifted = batch["labels"][:, 1:]
            losses = torch.nn.functional.cross_entropy(logits[:, :-1].transpose(1, 2).float(), shifted,
                                                       ignore_index=-100, reduction="sum")
            total += float(losses)
            count += int((shifted != -100).sum())
    model.train()
    return total / max(count, 1)


def learning_rate(step: int, steps: int, options: TrainingOptions) -> float:
    """Linear warm-up over the first ``warmup_share`` of steps, then cosine down to a tenth."""
    warmup = max(1, int(steps * options.warmup_share))
    if step < warmup:
        return options.learning_rate * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return options.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def train(folder: RunFolder, report: Reporter) -> None:
    import torch  # noqa: PLC0415 - the optional extra

    spec: RunSpec = folder.spec()
    options = spec.options
    device = pick_device(torch)
    if device.type == "cpu":
        torch.set_num_threads(options.threads or os.cpu_count() or 1)
    train_rows, val_rows = folder.sequences("train"), folder.sequences("validation")
    torch.manual_seed(options.seed)
    log.info("loading %s on %s", spec.base_path, device)
    model = lora_model(load_base(Path(spec.base_path), device), options)
    pad = model.config.pad_token_id if model.config.pad_token_id is not None else 0
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=options.learning_rate, weight_decay=0.0)
    per_step = options.batch_size * options.accumulation
    steps_per_epoch = max(1, math.ceil(len(train_rows) / per_step))
    steps = steps_per_epoch * options.epochs
    if options.max_steps:
        steps = min(steps, options.max_steps)
    step = 0
    if folder.checkpoint.is_file():
        state = torch.load(folder.checkpoint, map_location=device, weights_only=False)
        model.load_state_dict(state["lora"], strict=False)
        optimizer.load_state_dict(state["optimizer"])
        step = int(state["step"])
        random.setstate(state["random"])
        torch.set_rng_state(state["torch_random"])
        report(TrainingEvent("resumed", step=step, steps=steps))
        log.info("resumed from step %d", step)

    def save() -> None:
        lora = {k: v for k, v in model.state_dict().items() if "lora_" in k}
        partial = folder.checkpoint.with_suffix(".partial")
        torch.save({"lora": lora, "optimizer": optimizer.state_dict(), "step": step, "random": random.getstate(),
                    "torch_random": torch.get_rng_state()}, partial)
        partial.replace(folder.checkpoint)
        report(TrainingEvent("checkpoint", step=step, steps=steps))

    model.train()
    started, done_tokens, first = time.monotonic(), 0, step  # the ETA counts the steps this process timed
    last_val: float | None = None
    while step < steps:
        if folder.cancel_flag.exists():
            save()
            report(TrainingEvent("cancelled", step=step, steps=steps, message="Training was cancelled; start it "
                                 "again to resume from this step."))
            return
        epoch, within = divmod(step, steps_per_epoch)
        order = list(range(len(train_rows)))
        random.Random(options.seed + epoch).shuffle(order)
        chosen = [train_rows[i] for i in order[within * per_step:(within + 1) * per_step]]
        for group in range(options.accumulation):
            for g in optimizer.param_groups:
                g["lr"] = learning_rate(step, steps, options)
            rows = chosen[group * options.batch_size:(group + 1) * options.batch_size]
            if not rows:
                continue
            batch = collate(torch, rows, pad, device)
            loss = model(**batch).loss / options.accumulation
            loss.backward()
            done_tokens += int(batch["attention_mask"].sum())
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        elapsed = max(time.monotonic() - started, 1e-6)
        speed = done_tokens / elapsed
        evaluated = step % options.eval_every == 0 or step == steps
        if evaluated:
            last_val = validation_loss(torch, model, val_rows, pad, device, options.batch_size)
        report(TrainingEvent("step", step=step, steps=steps, epoch=round(step / steps_per_epoch, 3),
                             loss=round(float(loss) * options.accumulation, 5),
                             val_loss=round(last_val, 5) if evaluated and last_val is not None else None,
                             tokens_per_s=round(speed, 1),
                             eta_s=round(elapsed / max(step - first, 1) * (steps - step), 1)))
        if step % options.checkpoint_every == 0 and step < steps:
            save()
    save()
    shape = BaseShape(spec.architecture, spec.block_count, spec.head_count, spec.head_count_kv)
    write_adapter(folder.adapter, shape, lora_pairs(model), options.alpha)
    model.save_pretrained(str(folder.peft))
    report(TrainingEvent("done", step=step, steps=steps, val_loss=last_val, adapter=str(folder.adapter)))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    folder = RunFolder(Path(args[0]))
    report = Reporter(folder, sys.stdout)
    try:
        train(folder, report)
    except KnownError as exc:
        report(TrainingEvent("error", message=str(exc)))
        return 1
    except MemoryError:
        report(TrainingEvent("error", message="Training ran out of memory; lower the batch size or max length."))
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug: its traceback goes to the log, a sentence to the app
        log.exception("training failed")
        report(TrainingEvent("error", message=f"Training failed: {type(exc).__name__}: {exc}"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
