"""``gptshelf gpts publish`` and ``gptshelf gpts install-repo``: sharing GPTs through the hub.

Apart from commands.py so the hub side of ``gpts`` stays in one place.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from app.cli.output import Output
from app.cli.store_commands import _DownloadBar
from app.services.publish import PublishEvent, PublishStep, Visibility

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
    if args.action == "publish":
        gpt = services.gpts.get(args.id)
        line = _PublishLine(quiet=out.as_json)
        try:
            with _ctrl_c_cancels(line) as cancel:
                result = services.publisher.publish(gpt.id, Visibility(args.visibility), progress=line,
                                                    cancel=cancel)
        finally:
            line.finish()
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


STEP_TEXT = {
    PublishStep.ACCOUNT: "checking your account", PublishStep.HASH: "hashing", PublishStep.UPLOAD: "uploading",
    PublishStep.COMMIT: "committing", PublishStep.VISIBILITY: "setting who can see it",
    PublishStep.LISTING: "proposing the store listing", PublishStep.DONE: "done",
}


class _PublishLine:
    """One status line on stderr: the step, its file and the whole publish's percent (Ctrl-C cancels
    until the commit)."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.last: PublishEvent | None = None
        self._shown = 0.0

    def __call__(self, event: PublishEvent) -> None:
        changed = self.last is None or event.step != self.last.step or event.path != self.last.path
        self.last = event
        now = time.monotonic()
        if self.quiet or (not changed and now - self._shown < 0.2):
            return
        self._shown = now
        what = f" {event.path}" if event.path else ""
        sys.stderr.write(f"\rpublishing: {STEP_TEXT[event.step]}{what} ({100 * event.fraction:.0f}%)\x1b[K")

    def finish(self) -> None:
        if not self.quiet and self.last is not None:
            sys.stderr.write("\n")


@contextlib.contextmanager
def _ctrl_c_cancels(line: _PublishLine) -> Iterator[threading.Event]:
    """Ctrl-C sets the cancel event (the publish stops before its commit with nothing changed) instead of
    killing the command halfway; once the commit has started it only says that it is too late."""
    cancel = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield cancel
        return

    def on_interrupt(_signum: int, _frame: object) -> None:
        if line.last is None or line.last.cancellable:
            cancel.set()
        else:
            sys.stderr.write("\nthe commit is under way; it is too late to cancel\n")

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)
