"""``gptshelf serve`` and ``gptshelf api-keys …``: the local OpenAI-compatible API from the command line."""

from __future__ import annotations

import argparse
import dataclasses
import os
from typing import TYPE_CHECKING

from app.cli.output import Output

if TYPE_CHECKING:
    from app.services.container import Services

COMMANDS = ("serve", "api-keys")


def add_parsers(sub: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    serve = sub.add_parser("serve", help="serve installed GPTs over a local OpenAI-compatible API (docs/api.md)")
    serve.add_argument("--port", type=int, help="port to listen on (default: the setting api_port, 8421)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1: this computer only); another "
                                      "address lets other computers on the network in (they still need a key)")
    serve.add_argument("--slots", type=int, help="replies one model generates at once (default: api_slots, 1)")
    serve.add_argument("--session-key", action="store_true",
                       help="make a key that works only while this server runs, and print it (for machines "
                            "without a system keyring, containers, scripts)")

    keys = sub.add_parser("api-keys", help="keys programs use for the local API").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    create = keys.add_parser("create", help="make a key (it is shown once: copy it then)")
    create.add_argument("name", help="what the key is for, e.g. the program that will use it")
    json_flag(create)
    json_flag(keys.add_parser("list", help="the keys by name, with when each was last used"))
    revoke = keys.add_parser("revoke", help="revoke a key (by id or name): it stops working at once")
    revoke.add_argument("key")


def run(args: argparse.Namespace, services: Services, out: Output) -> int:
    if args.command == "serve":
        return _serve(args, services, out)
    keys = services.api_keys
    if args.action == "create":
        made = keys.create(args.name, session_only=False)
        if out.as_json:
            out.json({**dataclasses.asdict(made.key), "secret": made.secret})
        else:
            out.write(f"created API key {made.key.name!r} ({made.key.id}). Copy it now; it is not shown again:")
            out.write(made.secret)
        return 0
    if args.action == "list":
        listed = keys.list()
        if out.as_json:
            out.json(listed)
        else:
            out.table([(k.id, k.name, k.created_at[:16].replace("T", " "),
                        (k.last_used_at or "never")[:16].replace("T", " ")) for k in listed],
                      ("ID", "NAME", "CREATED", "LAST USED"))
        return 0
    revoked = keys.revoke(args.key)
    out.write(f"revoked API key {revoked.name!r} ({revoked.id})")
    return 0


def _serve(args: argparse.Namespace, services: Services, out: Output) -> int:
    from app.server.config import ServerConfig  # noqa: PLC0415 - FastAPI and uvicorn only for this command
    from app.server.runner import ApiServer  # noqa: PLC0415

    config = ServerConfig.from_settings(services.settings(), host=args.host, port=args.port)
    if args.slots is not None:
        config = dataclasses.replace(config, slots=args.slots)
    server = ApiServer(services, config)
    server.bind()
    out.write(f"serving the local API at {server.url} (Ctrl-C stops it)")
    if not config.loopback_only:
        out.write(f"warning: listening on {config.host}: other computers on the network can reach it with a key")
    session = None
    if args.session_key:
        session = services.api_keys.create(f"serve session {server.port}-{os.getpid()}")
        out.write(f"key for this session only: {session.secret}")
    elif not services.api_keys.list():
        out.write("no API keys yet: make one with `gptshelf api-keys create NAME` (or use --session-key)")
    try:
        server.serve_forever()
    finally:
        if session is not None:
            services.api_keys.revoke(session.key.id)
    return 0
