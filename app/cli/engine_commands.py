"""``gptshelf engines ...`` (remote OpenAI-compatible engines) and ``gptshelf gpts run-on`` (where a GPT runs).

An API key is never an argument's value by default (it would land in the shell's history): ``--key``
alone reads it from standard input; ``--key-value KEY`` exists for scripts that hold it already.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.cli.output import Output
from app.core.errors import InvalidInput
from app.core.plain import plain
from app.core.remote import DEFAULT_TIMEOUT_SECONDS

if TYPE_CHECKING:
    from app.services.container import Services

GPT_ACTIONS = ("run-on",)


def add_parsers(sub: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    engines = sub.add_parser("engines", help="remote OpenAI-compatible engines (llama-server, vLLM, Ollama...)")
    actions = engines.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an engine (its API key goes to the OS keyring)")
    add.add_argument("name")
    add.add_argument("url", help="base URL, e.g. http://127.0.0.1:8080 (a trailing /v1 is fine)")
    _engine_options(add)
    json_flag(add)
    edit = actions.add_parser("edit", help="change an engine's name, address, key, TLS check or timeout")
    edit.add_argument("engine", help="engine name or id")
    edit.add_argument("--name", help="a new name")
    edit.add_argument("--url", help="a new base URL")
    edit.add_argument("--forget-key", action="store_true", help="remove its API key")
    _engine_options(edit, defaults=False)
    json_flag(edit)
    json_flag(actions.add_parser("list", help="the engines you added"))
    remove = actions.add_parser("remove", help="forget an engine (GPTs on it run on this computer again)")
    remove.add_argument("engine", help="engine name or id")
    models = actions.add_parser("models", help="the models an engine serves (GET /v1/models)")
    models.add_argument("engine", help="engine name or id")
    json_flag(models)
    check = actions.add_parser("check", help="is the engine reachable, is the key accepted, what it serves")
    check.add_argument("engine", help="engine name or id")
    json_flag(check)


def add_gpt_parsers(gpts: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001
    run_on = gpts.add_parser("run-on", help="run a GPT on a remote engine's model, or --here on this computer")
    run_on.add_argument("id", help="GPT id or name")
    run_on.add_argument("engine", nargs="?", help="engine name or id")
    run_on.add_argument("--model", help="the engine's model (see `gptshelf engines models ENGINE`)")
    run_on.add_argument("--here", action="store_true", help="run it on this computer again")
    json_flag(run_on)


def _engine_options(parser: argparse.ArgumentParser, *, defaults: bool = True) -> None:
    parser.add_argument("--key", action="store_true", help="read an API key from standard input")
    parser.add_argument("--key-value", metavar="KEY", help="the API key itself (it may stay in your shell history)")
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--no-verify-tls", dest="verify_tls", action="store_false", default=True if defaults else None,
                     help="do not check the server's TLS certificate (a self-signed one on your network)")
    tls.add_argument("--verify-tls", dest="verify_tls", action="store_true", help="check it (the default)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS if defaults else None,
                        metavar="SECONDS", help="how long the engine may send nothing "
                        f"(default {DEFAULT_TIMEOUT_SECONDS:g})")


def run(args: argparse.Namespace, services: Services, out: Output) -> int:
    remote = services.remote_engines
    if args.command == "gpts":
        return _run_on(args, services, out)
    if args.action == "add":
        engine = remote.add(args.name, args.url, api_key=_key(args), verify_tls=args.verify_tls,
                            timeout_seconds=args.timeout)
        return _done(out, engine, f"added {engine.name} at {engine.base_url}; check it with: gptshelf engines check "
                                  f"{_arg(engine.name)}")
    if args.action == "edit":
        engine = remote.edit(args.engine, name=args.name, base_url=args.url, verify_tls=args.verify_tls,
                             timeout_seconds=args.timeout, api_key=_key(args), forget_key=args.forget_key)
        return _done(out, engine, f"saved {engine.name} ({engine.base_url})")
    if args.action == "list":
        engines = remote.list()
        if out.as_json:
            out.json([{**plain(e), "has_key": remote.has_key(e)} for e in engines])
            return 0
        out.table([(e.id, e.name, e.base_url, "yes" if remote.has_key(e) else "no",
                    "on" if e.verify_tls else "OFF", f"{e.timeout_seconds:g} s") for e in engines],
                  ("ID", "NAME", "URL", "KEY", "TLS CHECK", "TIMEOUT"))
        return 0
    if args.action == "remove":
        engine, moved = remote.remove(args.engine)
        out.write(f"removed {engine.name}" + (f"; these GPTs run on this computer again: {', '.join(moved)}"
                                              if moved else ""))
        return 0
    if args.action == "models":
        models = remote.models(args.engine)
        if out.as_json:
            out.json(models)
        else:
            out.table([(m.id, m.owned_by or "-") for m in models], ("MODEL", "OWNED BY"))
        return 0
    check = remote.check(args.engine)
    if out.as_json:
        out.json(check)
    else:
        out.write(("ok: " if check.ok else "failed: ") + check.sentence)
    return 0 if check.ok else 1


def _run_on(args: argparse.Namespace, services: Services, out: Output) -> int:
    remote = services.remote_engines
    gpt = services.gpts.get(args.id)
    if args.here:
        if args.engine or args.model:
            raise InvalidInput("Give either --here or an engine and --model, not both.")
        remote.run_here(gpt.id)
        placement = None
    else:
        if not args.engine or not args.model:
            raise InvalidInput("Name the engine and its --model (or --here to run it on this computer); "
                               "`gptshelf engines models ENGINE` lists the models.")
        placement = remote.run_on(gpt.id, args.engine, args.model)
    if out.as_json:
        out.json({"gpt": gpt.id, "placement": placement})
    else:
        out.write(f"{gpt.name} runs on: {remote.where(gpt.id)}")
    return 0


def _key(args: argparse.Namespace) -> str | None:
    if args.key_value is not None:
        return args.key_value
    if args.key:
        if sys.stdin.isatty():
            import getpass  # noqa: PLC0415

            return getpass.getpass("API key: ")
        return sys.stdin.readline()
    return None


def _done(out: Output, engine: object, sentence: str) -> int:
    if out.as_json:
        out.json(engine)
    else:
        out.write(sentence)
    return 0


def _arg(name: str) -> str:
    return f'"{name}"' if " " in name else name
