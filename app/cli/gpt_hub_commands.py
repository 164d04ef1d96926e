"""``gptshelf gpts publish`` and ``gptshelf gpts install-repo``: sharing GPTs through the hub.

Apart from commands.py so the hub side of ``gpts`` stays in one place.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.cli.output import Output
from app.cli.store_commands import _DownloadBar

if TYPE_CHECKING:
    from app.services.container import Services

ACTIONS = ("publish", "install-repo")

VISIBILITIES = ("private", "link", "store")
"""The values of :class:`app.services.publish.Visibility`, spelled out so that parsing the command line
(which the GUI's start does too) does not import the publishing code; a unit test keeps them equal."""

VISIBILITY_HELP = ("private: only you (a private repo); link: anyone with the link (a public repo, not listed); "
                   "store: a public repo plus a pull request that lists it in the store (default)")


def add_parsers(gpts: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    publish = gpts.add_parser("publish", help="put a GPT on the hub under your account (needs a write token)")
    publish.add_argument("id", help="GPT id or name")
    publish.add_argument("--visibility", choices=VISIBILITIES, default="store",
                         help=VISIBILITY_HELP)
    json_flag(publish)
    install = gpts.add_parser("install-repo", help="install a GPT straight from its hub repo (shared by link)")
    install.add_argument("repo", metavar="OWNER/NAME")
    install.add_argument("--variant", help="quantisation, e.g. Q4_K_M (default: the GPT's)")
    json_flag(install)


def run(args: argparse.Namespace, services: Services, out: Output) -> int:
    from app.services.publish import Visibility  # noqa: PLC0415 - see VISIBILITIES

    if args.action == "publish":
        gpt = services.gpts.get(args.id)
        result = services.publisher.publish(gpt.id, Visibility(args.visibility))
        if out.as_json:
            out.json(result)
            return 0
        done = "published" if result.changed else "already on the hub:"
        out.write(f"{done} {gpt.name} {result.version} as {result.repo_id} ({result.visibility.value}) "
                  f"at {result.commit[:12]}")
        out.write(f"repo: {result.repo_url}")
        if result.pr_url:
            action = "list it in" if result.visibility is Visibility.STORE else "remove it from"
            out.write(f"pull request to {action} the store: {result.pr_url} (the index's maintainers merge it)")
        if result.visibility is not Visibility.PRIVATE:
            out.write(f"others can install it with: gptshelf gpts install-repo {result.repo_id}")
        return 0
    gpt = services.publisher.install_repo(args.repo, variant=args.variant,
                                          progress=None if out.as_json else _DownloadBar())
    if out.as_json:
        out.json(gpt)
    else:
        sys.stderr.write("\n")
        out.write(f"installed {gpt.name} {gpt.version} ({gpt.id}); chat with: gptshelf chat {gpt.id}")
    return 0
