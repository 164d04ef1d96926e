"""Which base models can be fine-tuned here, whether training one fits in memory, and its tokenizer.

The base is the GPT's installed GGUF, loaded for training by transformers' GGUF support (which dequantizes
it to f32). Two refusals come before any heavy work, each with what to do instead:

- an architecture outside :data:`SUPPORTED_ARCHITECTURES` (tested here, and known to transformers' GGUF
  loader and to gguf's tensor-name map, which the adapter export relies on);
- a base whose f32 training footprint (weights, gradients of the LoRA, activations and the loader's copies:
  about :data:`TRAINING_BYTES_PER_PARAMETER` bytes a parameter; 3.2 GB measured for Gemma 3 270M) does not
  fit in the memory that is available now.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.entities import ModelInfo
from app.core.errors import FinetuneUnavailable
from app.core.memory import human
from app.finetune.data import Vocab

SUPPORTED_ARCHITECTURES = ("llama", "qwen2", "qwen3", "gemma2", "gemma3")
TRAINING_BYTES_PER_PARAMETER = 12
EXTRA_PACKAGES = ("torch", "transformers", "peft")
INSTALL_HINT = 'pip install "gptshelf[finetune]"'
TOKENS_PER_SECOND_270M = 75.0
"""LoRA training speed measured on 2 CPU cores for a 268M-parameter base at 256 tokens (f32): the estimate's scale."""


@dataclass(frozen=True)
class BaseCheck:
    """A base that can be trained: its footprint and the memory there is for it."""

    architecture: str
    parameters: int
    needed_bytes: int
    available_bytes: int


def missing_packages(find: Callable[[str], Any] = importlib.util.find_spec) -> list[str]:
    """The packages of the ``finetune`` extra that are not installed (without importing them)."""
    return [name for name in EXTRA_PACKAGES if find(name) is None]


def require_extra(find: Callable[[str], Any] = importlib.util.find_spec) -> None:
    missing = missing_packages(find)
    if missing:
        raise FinetuneUnavailable(f"Fine-tuning needs {', '.join(missing)}, which are not installed. Install them "
                                  f"with: {INSTALL_HINT}")


def training_bytes(parameters: int) -> int:
    return parameters * TRAINING_BYTES_PER_PARAMETER


def check_base(info: ModelInfo, available_bytes: int) -> BaseCheck:
    """Refuse, with the reason and the numbers, a base that cannot be trained here."""
    arch = info.architecture.lower()
    if arch not in SUPPORTED_ARCHITECTURES:
        raise FinetuneUnavailable(f"Fine-tuning does not support {info.architecture!r} models yet; the supported "
                                  f"architectures are {', '.join(SUPPORTED_ARCHITECTURES)}. Pick a GPT whose model "
                                  "is one of them.")
    needed = training_bytes(info.parameter_count)
    if needed > available_bytes:
        raise FinetuneUnavailable(
            f"Training {info.name or 'this model'} ({info.parameter_count / 1e6:.0f}M parameters) needs about "
            f"{human(needed)} of memory ({TRAINING_BYTES_PER_PARAMETER} bytes a parameter in f32), and "
            f"{human(available_bytes)} are available. Close other programs or pick a smaller model.")
    return BaseCheck(arch, info.parameter_count, needed, available_bytes)


def available_memory() -> int:
    import psutil  # noqa: PLC0415 - only when a check is asked for

    return int(psutil.virtual_memory().available)


def estimate_seconds(parameters: int, tokens: int, epochs: int, threads: int) -> float:
    """A rough training time on CPU: the measured speed, scaled by model size and cores."""
    speed = TOKENS_PER_SECOND_270M * (268e6 / max(parameters, 1)) * max(threads, 1) / 2
    return tokens * epochs / speed


def load_tokenizer(gguf_path: Path) -> Any:
    """The base model's own tokenizer, built by transformers from the GGUF's vocabulary."""
    require_extra()
    from transformers import AutoTokenizer  # noqa: PLC0415 - the optional extra

    path = Path(gguf_path)
    return AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)


def vocab_of(tokenizer: Any) -> Vocab:
    """The data module's view of a transformers tokenizer: special tokens parsed, BOS added as the GGUF says."""
    bos = tokenizer.bos_token_id
    add_bos = bos is not None and tokenizer("a")["input_ids"][:1] == [bos]
    return Vocab(tokenize=lambda text: list(tokenizer(text, add_special_tokens=False)["input_ids"]),
                 bos_id=bos, add_bos=add_bos, bos_token=tokenizer.bos_token or "",
                 eos_token=tokenizer.eos_token or "")
