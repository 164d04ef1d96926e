"""``gptshelf store …``, ``hf …``, ``review`` and ``hub login``: the store from the command line."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import TYPE_CHECKING

from app.cli.output import Output, human_count, human_size
from app.core.entities import DownloadProgress, ListingQuery, ListingSort
from app.services.secrets import HF_TOKEN

if TYPE_CHECKING:
    from app.services.container import Services


def add_parsers(sub: argparse._SubParsersAction, json_flag) -> None:  # noqa: ANN001 - argparse internals
    store = sub.add_parser("store", help="GPTs from the hub").add_subparsers(dest="action", metavar="ACTION",
                                                                           required=True)
    json_flag(store.add_parser("sync", help="update the store from the hub (only changed shards)"))
    search = store.add_parser("search", help="search the store (Chinese too); empty query lists all")
    search.add_argument("query", nargs="?", default="")
    search.add_argument("--category")
    search.add_argument("--tag", action="append", default=[], help="repeatable; all must match")
    search.add_argument("--sort", choices=[s.value for s in ListingSort], default=ListingSort.RELEVANCE.value)
    search.add_argument("--min-size", type=_size, metavar="SIZE", help="e.g. 500MB")
    search.add_argument("--max-size", type=_size, metavar="SIZE", help="e.g. 4GB")
    search.add_argument("--installed", action="store_true", help="only installed GPTs")
    search.add_argument("--fits", action="store_true", help="only GPTs that fit this machine's free memory")
    search.add_argument("--limit", type=int, default=30)
    json_flag(search)
    show = store.add_parser("show", help="a listing, with whether each variant fits this machine")
    show.add_argument("id")
    json_flag(show)
    install = store.add_parser("install", help="download, verify and install a GPT")
    install.add_argument("id")
    install.add_argument("--variant", help="quantisation, e.g. Q4_K_M (default: the listing's)")
    json_flag(install)
    uninstall = store.add_parser("uninstall", help="remove a GPT and the files nothing else uses")
    uninstall.add_argument("id")
    like = store.add_parser("like", help="like (or --undo) a GPT on the hub (needs a token)")
    like.add_argument("id")
    like.add_argument("--undo", action="store_true")

    hf = sub.add_parser("hf", help="any GGUF model on the hub").add_subparsers(dest="action", metavar="ACTION",
                                                                             required=True)
    hsearch = hf.add_parser("search", help="search GGUF repos on the hub")
    hsearch.add_argument("query")
    hsearch.add_argument("--limit", type=int, default=20)
    json_flag(hsearch)
    variants = hf.add_parser("variants", help="a repo's GGUF files with sizes")
    variants.add_argument("repo")
    json_flag(variants)
    hinstall = hf.add_parser("install", help="install a GGUF as a plain model (optionally make a GPT of it)")
    hinstall.add_argument("repo")
    hinstall.add_argument("--variant")
    hinstall.add_argument("--revision", help="a 40-hex commit (default: the current one)")
    hinstall.add_argument("--gpt-name", help="also make a GPT with this name on the model")
    json_flag(hinstall)

    review = sub.add_parser("review", help="rate a GPT (1-5 stars), optionally posted to its hub repo")
    review.add_argument("id")
    review.add_argument("--stars", type=int, required=True)
    review.add_argument("--text", default="")
    review.add_argument("--publish", action="store_true", help="also post it as a discussion (needs a token)")

    hub = sub.add_parser("hub", help="hub account").add_subparsers(dest="action", metavar="ACTION", required=True)
    login = hub.add_parser("login", help="keep a hub token in the OS keyring")
    login.add_argument("--token", help="the token (default: read from standard input)")
    hub.add_parser("logout", help="forget the hub token")


def run(args: argparse.Namespace, services: Services, out: Output) -> int:
    handler = {"store": _store, "hf": _hf, "review": _review, "hub": _hub}[args.command]
    return handler(args, services, out)


def _store(args: argparse.Namespace, services: Services, out: Output) -> int:
    store = services.store
    if args.action == "sync":
        report = store.sync(progress=None if out.as_json else _shard_progress)
        result = {"commit": report.commit, "fetched_shards": report.fetched, "unchanged_shards": report.unchanged,
                  "added": report.changes.added, "changed": report.changes.changed,
                  "removed": report.changes.removed, "problems": report.problems}
        if out.as_json:
            out.json(result)
        else:
            out.write(f"store synced: {len(report.changes.added)} new, {len(report.changes.changed)} changed, "
                      f"{len(report.changes.removed)} removed ({report.fetched} shards fetched, "
                      f"{report.unchanged} unchanged)")
            for problem in report.problems:
                sys.stderr.write(f"note: skipped {problem}\n")
        return 0
    if args.action == "search":
        query = ListingQuery(text=args.query, category=args.category, tags=tuple(args.tag), sort=ListingSort(args.sort),
                             min_size=args.min_size, max_size=args.max_size,
                             installed=True if args.installed else None, limit=args.limit)
        listings = store.search(query, fits_only=args.fits)
        if out.as_json:
            out.json(listings)
        else:
            out.table([(l.id, l.name, l.category, human_size(l.variant().size), _stars(l.rating_avg, l.rating_count),
                        human_count(l.downloads), "yes" if l.installed else "") for l in listings],
                      ("ID", "NAME", "CATEGORY", "SIZE", "RATING", "DOWNLOADS", "INSTALLED"))
        return 0
    if args.action == "show":
        details = store.show(args.id)
        if out.as_json:
            out.json({"listing": details.listing, "fit": [{"variant": v, "fit": f} for v, f in details.fits],
                      "reviews": details.reviews})
            return 0
        listing = details.listing
        manifest = listing.manifest or {}
        out.write(f"{listing.name}  ({listing.id}, v{listing.version})")
        out.write(listing.description)
        out.fields([("category", listing.category), ("tags", ", ".join(listing.tags) or "-"),
                    ("author", listing.author or "-"), ("license", listing.license or "-"),
                    ("model", f"{listing.model_repo} @ {listing.model_revision[:12]}"),
                    ("rating", _stars(listing.rating_avg, listing.rating_count)),
                    ("likes", listing.likes), ("downloads", listing.downloads),
                    ("installed", "yes" if listing.installed else "no")])
        for starter in manifest.get("conversation_starters", []):
            out.write(f"  try: {starter}")
        out.write("variants:")
        for variant, fit in details.fits:
            mark = " (default)" if variant.quant == listing.default_variant else ""
            out.write(f"  {variant.quant:<8} {human_size(variant.size):>10}  {fit.explanation}{mark}")
        for review in details.reviews:
            out.write(f"  {'★' * review.stars}{'☆' * (5 - review.stars)} {review.author}: {review.text}")
        return 0
    if args.action == "install":
        gpt = store.install(args.id, variant=args.variant, progress=None if out.as_json else _DownloadBar())
        if out.as_json:
            out.json(gpt)
        else:
            sys.stderr.write("\n")
            out.write(f"installed {gpt.name} ({gpt.id}); chat with: gptshelf chat {gpt.id}")
        return 0
    if args.action == "uninstall":
        gpt = store.uninstall(args.id)
        out.write(f"uninstalled {gpt.name}")
        return 0
    store.like(args.id, liked=not args.undo)
    out.write(("unliked " if args.undo else "liked ") + args.id)
    return 0


def _hf(args: argparse.Namespace, services: Services, out: Output) -> int:
    store = services.store
    if args.action == "search":
        models = store.hf_search(args.query, limit=args.limit)
        if out.as_json:
            out.json(models)
        else:
            out.table([(m.repo, human_count(m.downloads), m.likes, m.updated_at[:10]) for m in models],
                      ("REPO", "DOWNLOADS", "LIKES", "UPDATED"))
        return 0
    if args.action == "variants":
        commit, variants = store.hf_variants(args.repo)
        if out.as_json:
            out.json({"commit": commit, "variants": variants})
        else:
            out.write(f"{args.repo} @ {commit[:12]}")
            out.table([(v.quant, human_size(v.size), v.file) for v in variants], ("QUANT", "SIZE", "FILE"))
        return 0
    model = store.hf_install(args.repo, variant=args.variant, revision=args.revision,
                             progress=None if out.as_json else _DownloadBar())
    gpt = services.gpts.create(args.gpt_name, model.sha256) if args.gpt_name else None
    if out.as_json:
        out.json({"model": model, "gpt": gpt})
    else:
        sys.stderr.write("\n")
        out.write(f"installed {model.display_name} ({human_size(model.size)}) as {model.sha256[:12]}")
        if gpt:
            out.write(f"created {gpt.name} ({gpt.id})")
    return 0


def _review(args: argparse.Namespace, services: Services, out: Output) -> int:
    review_id, discussion = services.store.review(args.id, args.stars, args.text, publish=args.publish)
    out.write(f"review {review_id} saved" + (f"; posted as discussion #{discussion}" if discussion else ""))
    return 0


def _hub(args: argparse.Namespace, services: Services, out: Output) -> int:
    if args.action == "logout":
        services.secrets.delete(HF_TOKEN)
        out.write("hub token removed")
        return 0
    token = args.token if args.token is not None else sys.stdin.readline()
    if services.secrets.set(HF_TOKEN, token):
        out.write("hub token saved in the system keyring")
    else:
        out.write("no system keyring is available: the token is kept for this run only")
    return 0


def _size(text: str) -> int:
    units = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
             "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
    raw = text.strip().upper().replace(" ", "")
    number = raw.rstrip("KMGTIB")
    unit = raw[len(number):]
    try:
        return int(float(number) * units[unit])
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 500MB or 4GB") from None


def _stars(avg: float, count: int) -> str:
    return f"{avg:.1f}★ ({count})" if count else "-"


def _shard_progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rshards {done}/{total}")
    if done == total:
        sys.stderr.write("\n")


class _DownloadBar:
    """One status line on stderr: percent, speed and time left."""

    def __init__(self) -> None:
        self._last = 0.0
        self._lock = threading.Lock()

    def __call__(self, progress: DownloadProgress) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last < 0.2 and progress.done != progress.total:
                return
            self._last = now
        total = progress.total or 0
        share = f"{100 * progress.done / total:5.1f}%" if total else human_size(progress.done)
        eta = f", {progress.eta_seconds:.0f}s left" if progress.eta_seconds is not None else ""
        sys.stderr.write(f"\r{progress.key.rsplit('/', 1)[-1]}: {share} at "
                         f"{human_size(int(progress.bytes_per_second))}/s{eta}   ")



