"""What each ``gptshelf`` command does, over the services."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app import __version__
from app.cli import (
    api_commands, catalog_commands, engine_commands, eval_commands, finetune_command, gpt_commands,
    gpt_hub_commands, import_commands, knowledge_commands, store_commands,
)
from app.cli.chat_loop import run_chat
from app.cli.llama_build import describe_build, recorded_build
from app.cli.output import Output, human_count, human_size
from app.core.entities import ChatMessage, ModelInfo, Role
from app.core.errors import InvalidInput
from app.core.paths import AppPaths
from app.engine.templates import TemplateChoice, choose_template, render_chat
from app.services.container import Services, open_services
from app.services.models import ImportMode, inspect_gguf

SAMPLE_CONVERSATION = (
    ChatMessage(Role.SYSTEM, "You are a helpful assistant."),
    ChatMessage(Role.USER, "Hello! Who are you?"),
    ChatMessage(Role.ASSISTANT, "I am a local model running on your computer."),
    ChatMessage(Role.USER, "What can you do?"),
)


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    out = Output(as_json=getattr(args, "json", False))
    if args.command == "models" and args.action in ("inspect", "template"):
        return _models_offline(args, out)  # never opens the catalog nor llama.cpp
    if args.command == "catalog":
        return catalog_commands.run(args, paths, out)  # works when the catalog cannot be opened
    with open_services(paths) as services:
        if args.command in ("store", "hf", "review", "hub"):
            return store_commands.run(args, services, out)
        if args.command == "knowledge":
            return knowledge_commands.run(args, services, out)
        if args.command in api_commands.COMMANDS:
            return api_commands.run(args, services, out)
        if args.command == "gpts" and args.action in gpt_hub_commands.ACTIONS:
            return gpt_hub_commands.run(args, services, out)
        if args.command == "engines" or (args.command == "gpts" and args.action in engine_commands.GPT_ACTIONS):
            return engine_commands.run(args, services, out)
        if args.command == "gpts" and args.action in gpt_commands.ACTIONS:
            return gpt_commands.run(args, services, out)
        if args.command == "models" and args.action in import_commands.MODEL_ACTIONS:
            return import_commands.run_models(args, services, out)
        if args.command == "history" and args.action in import_commands.HISTORY_ACTIONS:
            return import_commands.run_history(args, services, out)
        if args.command == "eval":
            return eval_commands.run(args, services, out)
        handler = {
            "info": _info, "models": _models, "gpts": _gpts, "chat": _chat, "history": _history,
            "settings": _settings, "finetune": finetune_command.run,
        }[args.command]
        return handler(args, services, out)


def _info(args: argparse.Namespace, services: Services, out: Output) -> int:
    info = services.store.fit.engine_info()
    build = recorded_build()
    summary = {
        "version": __version__, "data_folder": str(services.paths.home), "llama_cpp": info.llama_cpp_version,
        "gpu_offload": info.gpu_offload, "devices": info.devices, "system_info": info.system_info,
        "build": build, "models": len(services.models.list()), "gpts": len(services.gpts.list()),
    }
    if out.as_json:
        out.json(summary)
        return 0
    out.fields([("GPT Shelf", __version__), ("data folder", services.paths.home),
                ("llama.cpp", f"llama-cpp-python {info.llama_cpp_version}"),
                ("llama.cpp build", describe_build(info.system_info, build)),
                ("GPU offload", "supported" if info.gpu_offload else "not in this build (CPU only)"),
                ("models", summary["models"]), ("GPTs", summary["gpts"])])
    for device in info.devices:
        out.write(f"device       {device.name} ({device.kind}): {device.description}, "
                  f"{human_size(device.memory_free)} free of {human_size(device.memory_total)}")
    return 0


def _models_offline(args: argparse.Namespace, out: Output) -> int:
    info = inspect_gguf(Path(args.path))
    if args.action == "inspect":
        if out.as_json:
            out.json(info)
        else:
            _print_model_info(out, info)
        return 0
    override = Path(args.template).read_text(encoding="utf-8") if args.template else None
    choice = choose_template(info, override)
    messages = _read_messages(Path(args.messages)) if args.messages else SAMPLE_CONVERSATION
    rendered = render_chat(choice, messages, bos_token=info.bos_token or "", eos_token=info.eos_token or "")
    if out.as_json:
        out.json({"template": choice.name, "origin": choice.origin, "stop": choice.stop, "prompt": rendered.text,
                  "system_folded_into_user": rendered.system_folded})
        return 0
    out.write(f"template: {_describe(choice)}")
    out.write(f"stop strings: {', '.join(repr(s) for s in choice.stop) or '(none)'}")
    if rendered.system_folded:
        out.write("note: this template has no system role; instructions are folded into the first user turn")
    out.write("--- prompt ---")
    out.write(rendered.text, end="" if rendered.text.endswith("\n") else "\n")
    out.write("--- end ---")
    return 0


def _describe(choice: TemplateChoice) -> str:
    if choice.origin == "fallback":
        return f"{choice.name} (fallback: the GGUF has no chat template)"
    return f"{choice.name} (from the {choice.origin})"


def _read_messages(path: Path) -> list[ChatMessage]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path} is not a readable JSON file: {exc}.") from exc
    if not isinstance(raw, list):
        raise InvalidInput(f"{path} must hold a JSON list of {{role, content}} objects.")
    messages = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("content"), str):
            raise InvalidInput(f"{path}: item {index} needs a string 'content'.")
        try:
            messages.append(ChatMessage(Role(item.get("role")), item["content"]))
        except ValueError as exc:
            raise InvalidInput(f"{path}: item {index} has role {item.get('role')!r}; "
                               "use system, user or assistant.") from exc
    return messages


def _print_model_info(out: Output, info: ModelInfo) -> None:
    out.fields([
        ("architecture", info.architecture), ("name", info.name or "-"),
        ("parameters", human_count(info.parameter_count)), ("quantization", info.quantization),
        ("file size", human_size(info.file_size)), ("context length", info.context_length or "-"),
        ("layers", info.block_count or "-"), ("embedding", info.embedding_length or "-"),
        ("heads (kv)", f"{info.head_count or '-'} ({info.head_count_kv or '-'})"),
        ("vocabulary", f"{info.vocab_size or '-'} ({info.tokenizer_model or '-'})"),
        ("chat template", "yes" if info.chat_template else "none (a fallback will be used)"),
        ("vocab only", "yes" if info.vocab_only else "no"),
    ])


def _models(args: argparse.Namespace, services: Services, out: Output) -> int:
    if args.action == "import":
        mode = ImportMode.LINK if args.link else ImportMode.MOVE if args.move else ImportMode.COPY
        model = services.models.import_gguf(Path(args.path), mode=mode, name=args.name)
        if out.as_json:
            out.json(model)
        else:
            out.write(f"imported {model.display_name} ({human_size(model.size)}) as {model.sha256[:12]}")
        return 0
    services.models.check_links()  # a linked file moved or deleted by its app shows as missing
    models = services.models.list()
    if out.as_json:
        out.json(models)
        return 0
    out.table([(m.sha256[:12], m.display_name, m.info.architecture if m.info else "-",
                m.info.quantization if m.info else "-", human_size(m.size), m.status.value) for m in models],
              ("ID", "NAME", "ARCH", "QUANT", "SIZE", "STATUS"))
    return 0


def _gpts(args: argparse.Namespace, services: Services, out: Output) -> int:
    if args.action == "create":
        instructions = args.instructions
        if args.instructions_file:
            instructions = Path(args.instructions_file).read_text(encoding="utf-8")
        gpt = services.gpts.create(args.name, args.model, instructions=instructions, starters=args.starter,
                                   description=args.description)
        if out.as_json:
            out.json(gpt)
        else:
            out.write(f"created {gpt.name} ({gpt.id})")
        return 0
    gpts = services.gpts.list()
    if out.as_json:
        out.json(gpts)
        return 0
    names = {m.sha256: m.display_name for m in services.models.list()}
    out.table([(g.id, g.name, names.get(g.model_sha256, g.model_sha256[:12]), g.source.value) for g in gpts],
              ("ID", "NAME", "MODEL", "SOURCE"))
    return 0


def _chat(args: argparse.Namespace, services: Services, out: Output) -> int:
    return run_chat(services, out, args.gpt, message=args.message, conversation_id=args.conversation)


def _history(args: argparse.Namespace, services: Services, out: Output) -> int:
    history = services.history
    if args.action == "list":
        conversations = history.list(gpt_id=services.gpts.get(args.gpt).id if args.gpt else None)
        if out.as_json:
            out.json(conversations)
        else:
            out.table([(c.id, "*" if c.pinned else "", c.updated_at[:16].replace("T", " "), c.gpt_id, c.message_count,
                        c.title) for c in conversations], ("ID", "PIN", "UPDATED", "GPT", "MSGS", "TITLE"))
    elif args.action == "show":
        conversation, messages = history.show(args.id)
        if out.as_json:
            out.json({"conversation": conversation, "messages": messages})
        else:
            out.write(history.export(args.id, "md"), end="")
    elif args.action == "pin":
        conversation = history.pin(args.id, pinned=not args.off)
        out.write(f"{'pinned' if conversation.pinned else 'unpinned'} {conversation.id} {conversation.title}")
    elif args.action == "search":
        hits = history.search(args.query)
        if out.as_json:
            out.json(hits)
        else:
            out.table([(h.message.conversation_id, h.message.role.value, h.conversation_title, h.snippet)
                       for h in hits], ("CONV", "ROLE", "TITLE", "MATCH"))
    else:
        text = history.export(args.id, args.format)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            out.write(f"wrote {args.output}")
        else:
            out.write(text, end="")
    return 0


def _settings(args: argparse.Namespace, services: Services, out: Output) -> int:
    settings = services.settings()
    if args.action == "set":
        settings = services.catalog.save_settings(settings.updated(**{args.key: args.value}))
    if out.as_json:
        out.json(settings.to_mapping())
    else:
        out.fields(sorted(settings.to_mapping().items()))
    return 0
