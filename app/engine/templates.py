"""Chat templates: choosing one and rendering it safely.

A template is code shipped inside an untrusted file (CVE-2024-34359 turned one into remote code
execution), so it is only ever rendered in Jinja's ``ImmutableSandboxedEnvironment``, with caps on
its size, its output, string/list multiplication and its running time. When a GGUF carries no
template, one is chosen from the model's architecture and special tokens: llama-cpp-python's own
fallback ("llama-2") makes models such as Gemma 3 answer with nothing.
"""

from __future__ import annotations

import ctypes
import datetime
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import psutil
from jinja2.ext import loopcontrols

from app.core.entities import ChatMessage, ModelInfo, Role
from app.core.errors import TemplateError
from app.engine.template_caps import MAX_OUTPUT_CHARS, MAX_RENDER_BYTES, CappedSandbox, cap_filters

MAX_TEMPLATE_BYTES = 64 * 1024
RENDER_SECONDS = 2.0
MAX_RANGE = 10_000

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
LLAMA3 = (
    "{{ bos_token }}{% for message in messages %}<|start_header_id|>{{ message.role }}<|end_header_id|>\n\n"
    "{{ message.content | trim }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)
GEMMA = (
    "{{ bos_token }}{% for message in messages %}"
    "{% if message.role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
    "<start_of_turn>{{ 'model' if message.role == 'assistant' else 'user' }}\n"
    "{{ message.content | trim }}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
PHI3 = (
    "{% for message in messages %}<|{{ message.role }}|>\n{{ message.content }}<|end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
MISTRAL = (
    "{{ bos_token }}{% for message in messages %}"
    "{% if message.role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
    "{% if message.role == 'user' %}[INST] {{ message.content | trim }} [/INST]"
    "{% else %}{{ message.content | trim }}{{ eos_token }}{% endif %}{% endfor %}"
)


@dataclass(frozen=True)
class Fallback:
    name: str
    source: str
    stop: tuple[str, ...]


FALLBACKS: dict[str, Fallback] = {
    f.name: f
    for f in (
        Fallback("chatml", CHATML, ("<|im_end|>", "<|im_start|>")),
        Fallback("llama-3", LLAMA3, ("<|eot_id|>", "<|start_header_id|>")),
        Fallback("gemma", GEMMA, ("<end_of_turn>", "<start_of_turn>")),
        Fallback("phi-3", PHI3, ("<|end|>", "<|user|>", "<|endoftext|>")),
        Fallback("mistral", MISTRAL, ("[INST]",)),
    )
}

_ARCHITECTURE_FALLBACKS = {
    "gemma": "gemma", "gemma2": "gemma", "gemma3": "gemma", "gemma3n": "gemma", "gemma-embedding": "gemma",
    "phi3": "phi-3", "phi4": "phi-3",
    "qwen": "chatml", "qwen2": "chatml", "qwen2moe": "chatml", "qwen3": "chatml", "qwen3moe": "chatml",
    "internlm2": "chatml", "yi": "chatml", "smollm3": "chatml", "olmo2": "chatml",
}


@dataclass(frozen=True)
class TemplateChoice:
    """The template a model will be prompted with, and where it came from (gpt, gguf or fallback)."""

    name: str
    source: str
    origin: str
    stop: tuple[str, ...]


def choose_template(info: ModelInfo, override: str | None = None) -> TemplateChoice:
    """The GPT's override first, then the GGUF's own template, then a fallback for the architecture."""
    end_tokens = tuple(t for t in (info.eos_token, *info.eot_tokens) if t)
    if override:
        return TemplateChoice("gpt override", override, "gpt", _unique(end_tokens))
    if info.chat_template:
        return TemplateChoice("gguf", info.chat_template, "gguf", _unique(end_tokens))
    fallback = FALLBACKS[fallback_name(info)]
    return TemplateChoice(fallback.name, fallback.source, "fallback", _unique((*fallback.stop, *end_tokens)))


def fallback_name(info: ModelInfo) -> str:
    """Pick a fallback from the architecture, then from the end-of-turn tokens a model declares."""
    by_arch = _ARCHITECTURE_FALLBACKS.get(info.architecture.lower())
    if by_arch:
        return by_arch
    ends = {t for t in (info.eos_token, *info.eot_tokens) if t}
    for token, name in (("<|eot_id|>", "llama-3"), ("<|im_end|>", "chatml"), ("<end_of_turn>", "gemma"),
                        ("<|end|>", "phi-3")):
        if token in ends:
            return name
    if info.architecture.lower() in ("llama", "mistral") and info.tokenizer_model == "llama":
        return "mistral"
    return "chatml"


@dataclass(frozen=True)
class RenderedPrompt:
    text: str
    system_folded: bool


def render_chat(
    choice: TemplateChoice,
    messages: Sequence[ChatMessage],
    *,
    bos_token: str = "",
    eos_token: str = "",
    add_generation_prompt: bool = True,
    seconds: float = RENDER_SECONDS,
) -> RenderedPrompt:
    """Render a conversation; a template that refuses the system role gets it folded into the first user turn."""
    template = compile_template(choice.source)
    context = {"bos_token": bos_token, "eos_token": eos_token, "add_generation_prompt": add_generation_prompt}
    try:
        return RenderedPrompt(_render_capped(template, {**context, "messages": _as_dicts(messages)}, seconds), False)
    except TemplateRefusal:
        if not any(m.role is Role.SYSTEM for m in messages):
            raise
    folded = fold_system(messages)
    return RenderedPrompt(_render_capped(template, {**context, "messages": _as_dicts(folded)}, seconds), True)


def fold_system(messages: Sequence[ChatMessage]) -> list[ChatMessage]:
    """Move system text into the first user turn, for templates that have no system role."""
    system = "\n\n".join(m.content for m in messages if m.role is Role.SYSTEM)
    rest = [m for m in messages if m.role is not Role.SYSTEM]
    if not system:
        return rest
    for index, message in enumerate(rest):
        if message.role is Role.USER:
            rest[index] = ChatMessage(Role.USER, f"{system}\n\n{message.content}")
            return rest
    return [ChatMessage(Role.USER, system), *rest]


def compile_template(source: str) -> jinja2.Template:
    if len(source.encode("utf-8", "replace")) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"The chat template is larger than {MAX_TEMPLATE_BYTES // 1024} KiB and was not used.")
    try:
        return _environment().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"The chat template has a syntax error on line {exc.lineno}: {exc.message}.") from exc


class _RenderTimeout(BaseException):
    """Raised inside the rendering thread when its time is up (a BaseException so templates can't catch it)."""


class _RenderMemory(BaseException):
    """Raised inside the rendering thread when the process grew too much while it ran (see template_caps)."""


_WATCH_SECONDS = 0.005


def _render_capped(template: jinja2.Template, context: dict[str, Any], seconds: float) -> str:
    parts: list[str] = []
    outcome: dict[str, BaseException] = {}
    deadline = time.monotonic() + seconds

    def produce() -> None:
        size = 0
        try:
            for chunk in template.generate(**context):
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateError(f"The chat template produced more than {MAX_OUTPUT_CHARS // 1024} KiB.")
                if time.monotonic() > deadline:
                    raise _RenderTimeout
                parts.append(chunk)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=produce, name="template-render", daemon=True)
    process = psutil.Process()
    start_rss = process.memory_info().rss
    worker.start()
    while True:
        worker.join(_WATCH_SECONDS)
        if not worker.is_alive():
            break
        if process.memory_info().rss - start_rss > MAX_RENDER_BYTES:
            _interrupt(worker, _RenderMemory)
            worker.join(1.0)
            raise TemplateError(f"The chat template used more than {MAX_RENDER_BYTES // 2**20} MiB of memory "
                                "and was stopped.")
        if time.monotonic() > deadline:
            _interrupt(worker, _RenderTimeout)
            worker.join(1.0)
            raise TemplateError(f"The chat template took longer than {seconds:g} s to render and was stopped.")
    error = outcome.get("error")
    if error is None:
        return "".join(parts)
    if isinstance(error, TemplateError):
        raise error
    if isinstance(error, _RenderMemory):
        raise TemplateError(f"The chat template used more than {MAX_RENDER_BYTES // 2**20} MiB of memory and was stopped.")
    if isinstance(error, _RenderTimeout):
        raise TemplateError(f"The chat template took longer than {seconds:g} s to render and was stopped.")
    if isinstance(error, jinja2.exceptions.SecurityError):
        raise TemplateError(f"The chat template tried something unsafe and was refused: {str(error).rstrip('.')}.") from error
    if isinstance(error, (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, LookupError,
                          AttributeError, RecursionError, MemoryError)):
        raise TemplateError(f"The chat template failed: {str(error).rstrip('.')}.") from error
    raise error


def _interrupt(thread: threading.Thread, reason: type[BaseException]) -> None:
    """Stop a runaway render: Jinja compiles to Python bytecode, so an async exception lands between steps."""
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(reason))


class TemplateRefusal(TemplateError):
    """The template itself called ``raise_exception`` (often: no system role, or roles must alternate)."""


def _raise_exception(message: str) -> None:
    raise TemplateRefusal(f"The chat template refused the conversation: {str(message).rstrip('.')}.")


def _capped_range(*args: int) -> range:
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise TemplateError(f"The chat template asked for a range of {len(values)} items (cap {MAX_RANGE}).")
    return values


def _tojson(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def _environment() -> CappedSandbox:
    env = CappedSandbox(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols], autoescape=False)
    env.globals.clear()
    env.globals.update(raise_exception=_raise_exception, range=_capped_range,
                       strftime_now=_fixed_strftime, dict=dict)
    env.filters["tojson"] = _tojson
    cap_filters(env.filters)
    return env


def _fixed_strftime(fmt: str) -> str:
    """Templates may print today's date; a fixed clock keeps renders reproducible and leaks nothing."""
    return datetime.date(2026, 1, 1).strftime(fmt)


def _as_dicts(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role.value, "content": m.content} for m in messages]


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
