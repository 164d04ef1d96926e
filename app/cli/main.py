"""Parse the command line and run one command; with no command, open the GUI.

Exit codes: 0 done, 1 a known error (the message says what to do), 2 bad usage, 70 a bug.

With no command this is the GUI's start path: a command line of only the global options is read by a
parser of only those (the full one, with every command, takes longer to build than the window's first
page), and the commands, with the services they pull in, are imported when one runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from app import __version__
from app.cli.logfile import RotatingLog
from app.core.errors import KnownError
from app.core.paths import AppPaths

log = logging.getLogger(__name__)


def _global_options(parser: argparse.ArgumentParser, *, version: bool) -> None:
    parser.add_argument("--home", metavar="DIR", help="data folder (default: $GPTSHELF_HOME or the platform's)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    if version:
        parser.add_argument("--version", action="version", version=f"gptshelf {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation end to end (window, catalog, a chat reply) in a temporary "
                             "data folder, print one line per check, exit 0 if all passed")


def build_parser() -> argparse.ArgumentParser:
    from app.cli import (  # noqa: PLC0415 - see the module docstring
        api_commands, catalog_commands, engine_commands, eval_commands, finetune_command, gpt_commands,
        gpt_hub_commands, import_commands, knowledge_commands, store_commands,
    )

    parser = argparse.ArgumentParser(prog="gptshelf", description="GPT Shelf: local GPTs, offline.")
    _global_options(parser, version=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    info = sub.add_parser("info", help="versions, data folder, llama.cpp backends and devices")
    _json(info)

    models = sub.add_parser("models", help="local GGUF models").add_subparsers(dest="action", metavar="ACTION",
                                                                              required=True)
    inspect = models.add_parser("inspect", help="check a GGUF file without loading it")
    inspect.add_argument("path")
    _json(inspect)
    template = models.add_parser("template", help="render a conversation through a GGUF's chat template")
    template.add_argument("path")
    template.add_argument("--messages", metavar="FILE", help="JSON list of {role, content} (default: a sample)")
    template.add_argument("--template", metavar="FILE", help="use this Jinja template instead of the GGUF's")
    _json(template)
    imp = models.add_parser("import", help="check, hash and add a GGUF to the store")
    imp.add_argument("path")
    imp.add_argument("--name", help="display name (default: the GGUF's general.name)")
    mode = imp.add_mutually_exclusive_group()
    mode.add_argument("--link", action="store_true", help="hard-link instead of copying (same disk only)")
    mode.add_argument("--move", action="store_true", help="move the file into the store")
    _json(imp)
    _json(models.add_parser("list", help="installed models"))
    import_commands.add_model_parsers(models, _json)

    gpts = sub.add_parser("gpts", help="GPTs on this machine").add_subparsers(dest="action", metavar="ACTION",
                                                                           required=True)
    create = gpts.add_parser("create", help="make a GPT from an installed model")
    create.add_argument("--name", required=True)
    create.add_argument("--model", required=True, help="model sha256, prefix or name")
    create.add_argument("--instructions", default="")
    create.add_argument("--instructions-file", metavar="FILE")
    create.add_argument("--description", default="")
    create.add_argument("--starter", action="append", default=[], help="a conversation starter (repeatable)")
    _json(create)
    _json(gpts.add_parser("list", help="GPTs you can chat with"))
    gpt_hub_commands.add_parsers(gpts, _json)
    gpt_commands.add_parsers(gpts, _json)
    engine_commands.add_gpt_parsers(gpts, _json)

    chat = sub.add_parser("chat", help="chat with a GPT (one message with -m, else interactive)")
    chat.add_argument("gpt", help="GPT id or name")
    chat.add_argument("-m", "--message", help="send one message, print the reply and exit")
    chat.add_argument("--conversation", type=int, metavar="ID", help="continue this conversation")

    history = sub.add_parser("history", help="past conversations").add_subparsers(dest="action", metavar="ACTION",
                                                                               required=True)
    hlist = history.add_parser("list", help="conversations, pinned first, then newest first")
    hlist.add_argument("--gpt", help="only this GPT's")
    _json(hlist)
    show = history.add_parser("show", help="one conversation's messages")
    show.add_argument("id", type=int)
    _json(show)
    search = history.add_parser("search", help="full-text search in messages (Chinese, Japanese, Korean too)")
    search.add_argument("query")
    _json(search)
    pin = history.add_parser("pin", help="keep a conversation on top of the list")
    pin.add_argument("id", type=int)
    pin.add_argument("--off", action="store_true", help="unpin it instead")
    export = history.add_parser("export", help="export a conversation")
    export.add_argument("id", type=int)
    export.add_argument("--format", choices=("md", "json"), default="md")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    import_commands.add_history_parsers(history, _json)

    store_commands.add_parsers(sub, _json)
    knowledge_commands.add_parsers(sub, _json)
    api_commands.add_parsers(sub, _json)
    finetune_command.add_parser(sub, _json)
    engine_commands.add_parsers(sub, _json)
    catalog_commands.add_parsers(sub, _json)
    eval_commands.add_parser(sub, _json)

    settings = sub.add_parser("settings", help="preferences").add_subparsers(dest="action", metavar="ACTION",
                                                                           required=True)
    _json(settings.add_parser("show", help="all settings"))
    sset = settings.add_parser("set", help="change one setting")
    sset.add_argument("key")
    sset.add_argument("value")
    return parser


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for programs")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line as :func:`build_parser` reads it; one of only global options (the GUI's) is read
    by a parser of just those, and anything else (a command, ``--help``, a mistake) by the full one."""
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = argparse.ArgumentParser(prog="gptshelf", add_help=False, exit_on_error=False)
    _global_options(quick, version=False)
    quick.set_defaults(command=None)
    try:
        args, rest = quick.parse_known_args(argv)
    except argparse.ArgumentError:
        rest = argv
    return build_parser().parse_args(argv) if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        # In a frozen app the engine's spawned child is this executable run again: divert it before anything else.
        import multiprocessing  # noqa: PLC0415 - only a frozen app needs it this early

        multiprocessing.freeze_support()
    args = parse_args(argv)
    if args.self_test:
        from app.cli import selftest  # noqa: PLC0415 - its own temporary data folder, never the person's

        return selftest.run(lambda paths: _configure_logging(paths, verbose=args.verbose))
    paths = AppPaths.resolve(args.home, os.environ)
    _configure_logging(paths, verbose=args.verbose)
    try:
        if args.command is None:
            from app.ui.application import run_gui  # noqa: PLC0415 - Qt only when the GUI is wanted

            return run_gui(paths)
        from app.cli import commands  # noqa: PLC0415 - see the module docstring

        return commands.run(args, paths)
    except KnownError as exc:
        sys.stderr.write(f"gptshelf: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return 130
    except Exception:
        log.exception("gptshelf %s failed", args.command)
        sys.stderr.write(f"gptshelf: internal error; details are in {paths.logs / 'gptshelf.log'}\n")
        return 70


def _configure_logging(paths: AppPaths, *, verbose: bool) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    if not verbose:
        console.addFilter(_quiet_llama)
    root.addHandler(console)
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        file_handler = RotatingLog(paths.logs / "gptshelf.log")
    except OSError:
        return
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(file_handler)


def _quiet_llama(record: logging.LogRecord) -> bool:
    """llama.cpp warns about many harmless model quirks; those go to the log file, not the terminal."""
    return not record.name.startswith("llama_cpp") or record.levelno >= logging.ERROR


if __name__ == "__main__":
    sys.exit(main())
